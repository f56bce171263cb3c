/**
 * Shared inputs of the channel tests: a private-chat text update as Telegram
 * sends it, and the answers that take the 郑州 application interview from 性别
 * to its 请核对 summary.
 */
import type { Update } from "grammy/types";

let nextUpdate = 1;

/** A fresh update_id (unique within a test file). */
export function nextUpdateId(): number {
  return nextUpdate++;
}

/** A private-chat text message from user `chatId`, with a fresh update_id. */
export function privateText(t: string, chatId: number): Update {
  const id = nextUpdateId();
  return {
    update_id: id,
    message: {
      message_id: id,
      date: 0,
      chat: { id: chatId, type: "private", first_name: "用户" },
      from: { id: chatId, is_bot: false, first_name: "用户" },
      text: t,
    },
  };
}

/** 郑州市社会事业人才培养对象申报表: the answers after 姓名, from 性别 to the last question. */
export const ZZ_APPLICATION_ANSWERS = [
  "男",
  "1985-06-01",
  "汉族",
  "跳过",
  "410105198506011234",
  "13812345678",
  "郑州市第一人民医院",
  "医疗卫生",
  "博士",
  "临床医学",
  "副主任医师",
  "主治医师",
  "8",
  "主持省级课题2项。",
  "三年内建成团队。",
] as const;
