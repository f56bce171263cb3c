/**
 * The Telegram channel against a fake Bot API server over real HTTP: questions,
 * button presses, an application interview ending in a received .docx, a restart
 * mid-interview, duplicate updates, groups and /forget.
 */
import type { Update } from "grammy/types";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTelegramBot } from "../../src/channels/telegram/bot.js";
import { Conversation } from "../../src/core/conversation.js";
import { MemoryStore } from "../../src/storage/memory.js";
import { ROOT } from "../helpers/paths.js";
import { FakeTelegram } from "./fake-telegram.js";

const TOKEN = "123456:TEST-token-for-the-fake-server";
const BOT = { id: 42, username: "policy_test_bot", first_name: "政策助手", is_bot: true } as const;
const fake = new FakeTelegram();
let apiRoot = "";
let conversation: Conversation;
let nextUpdate = 1;

beforeAll(async () => {
  apiRoot = await fake.start();
  conversation = Conversation.load(Conversation.folders(ROOT), "2026-11-22");
});
afterAll(() => fake.stop());

const makeBot = (store: MemoryStore) => createTelegramBot({ token: TOKEN, apiRoot, conversation, store, botInfo: BOT as never });

function text(t: string, chat = { id: 7, type: "private" }, from = 7): Update {
  return {
    update_id: nextUpdate++,
    message: {
      message_id: nextUpdate,
      date: 0,
      chat: chat as never,
      from: { id: from, is_bot: false, first_name: "用户" },
      text: t,
      // Telegram marks commands with a bot_command entity.
      entities: t.startsWith("/") ? [{ type: "bot_command", offset: 0, length: (t.split(" ")[0] ?? t).length }] : undefined,
    },
  } as Update;
}
function press(data: string, chatId = 7): Update {
  return {
    update_id: nextUpdate++,
    callback_query: {
      id: `cb${nextUpdate}`,
      chat_instance: "x",
      data,
      from: { id: chatId, is_bot: false, first_name: "用户" },
      message: { message_id: 1, date: 0, chat: { id: chatId, type: "private" } as never, text: "…" },
    },
  } as Update;
}
const sentTexts = () => fake.of("sendMessage").map((c) => String(c.json?.text ?? ""));

describe("Telegram channel", () => {
  it("answers a question with escaped HTML", async () => {
    const bot = makeBot(new MemoryStore());
    const before = fake.calls.length;
    await bot.handleUpdate(text("郑州社会事业人才培养经费怎么拨付？"));
    const sent = fake.calls.slice(before).filter((c) => c.method === "sendMessage");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.json?.parse_mode).toBe("HTML");
    expect(String(sent[0]?.json?.text)).toContain("20万元");
  });

  it("offers choices as an inline keyboard; a press is answered and continues the conversation", async () => {
    const bot = makeBot(new MemoryStore());
    await bot.handleUpdate(text("武清卫生人才的申报条件是什么？"));
    const keyboard = fake.of("sendMessage").at(-1)?.json?.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    expect(keyboard.inline_keyboard.map((r) => r[0]?.text)).toEqual([
      "武清区鲲鹏工程 卫生领域 拔尖人才",
      "武清区鲲鹏工程 卫生领域 骨干人才",
    ]);
    for (const row of keyboard.inline_keyboard) expect(Buffer.byteLength(row[0]?.callback_data ?? "")).toBeLessThanOrEqual(64);
    const answered = fake.of("answerCallbackQuery").length;
    await bot.handleUpdate(press(keyboard.inline_keyboard[1]?.[0]?.callback_data ?? ""));
    expect(fake.of("answerCallbackQuery").length).toBe(answered + 1);
    expect(sentTexts().at(-1)).toContain("卫生领域 骨干人才｜申报条件");
  });

  it("runs an application interview to a received .docx, surviving a restart midway", async () => {
    const store = new MemoryStore();
    let bot = makeBot(store);
    await bot.handleUpdate(text("/apply", { id: 8, type: "private" }, 8));
    const forms = fake.of("sendMessage").at(-1)?.json?.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    const zz = forms.inline_keyboard.findIndex((r) => r[0]?.text.includes("郑州"));
    await bot.handleUpdate(press(`c:${zz}`, 8));
    await bot.handleUpdate(text("张三", { id: 8, type: "private" }, 8));
    bot = makeBot(store); // a restarted process: only the store survives
    const answers = [
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
      "确认",
    ];
    for (const a of answers) await bot.handleUpdate(text(a, { id: 8, type: "private" }, 8));
    const doc = fake.of("sendDocument").at(-1);
    expect(doc).toBeDefined();
    expect(doc?.raw.includes(Buffer.from("PK"))).toBe(true);
    expect(doc?.raw.toString("utf8")).toContain(".docx");
  });

  it("handles a re-delivered update only once", async () => {
    const bot = makeBot(new MemoryStore());
    const u = text("玉溪对口培养的研修期多长？");
    const before = fake.of("sendMessage").length;
    await bot.handleUpdate(u);
    await bot.handleUpdate(u);
    expect(fake.of("sendMessage").length).toBe(before + 1);
  });

  it("in groups answers only when mentioned, and never starts an interview there", async () => {
    const bot = makeBot(new MemoryStore());
    const group = { id: -100, type: "supergroup" };
    const before = fake.of("sendMessage").length;
    await bot.handleUpdate(text("郑州社会事业人才培养经费怎么拨付？", group, 9));
    expect(fake.of("sendMessage").length).toBe(before);
    await bot.handleUpdate(text("@policy_test_bot 郑州社会事业人才培养经费怎么拨付？", group, 9));
    expect(sentTexts().at(-1)).toContain("20万元");
    await bot.handleUpdate(text("/check", group, 9));
    expect(sentTexts().at(-1)).toContain("请私聊");
  });

  it("/forget deletes the user's session", async () => {
    const store = new MemoryStore();
    const bot = makeBot(store);
    await bot.handleUpdate(text("/apply", { id: 10, type: "private" }, 10));
    expect(await store.get("tg:10:10:session")).toBeDefined();
    await bot.handleUpdate(text("/forget", { id: 10, type: "private" }, 10));
    expect(await store.get("tg:10:10:session")).toBeUndefined();
    expect(sentTexts().at(-1)).toContain("已删除");
  });
});
