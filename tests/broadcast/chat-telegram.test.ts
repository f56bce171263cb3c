/**
 * The chat side of broadcasts on Telegram, against the fake Bot API over real
 * HTTP (the bot and the delivery engine both talk to it): group admins
 * subscribe with topics and others are refused; /subscriptions lists; the bot
 * kicked from a group ends its subscription; an admin composes a notice with
 * /notice (an invalid date asked again), sees the preview exactly as groups
 * get it and the 通知 .docx, confirms, the groups receive it while one
 * progress message is edited, and the report arrives as text and .csv; a
 * non-admin is refused until granted; a scheduled notice waits; every action
 * is in the audit log.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Update } from "grammy/types";
import mammoth from "mammoth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenedChatBroadcast, openChatBroadcast } from "../../src/broadcast/admin/open.js";
import { Origins } from "../../src/broadcast/admin/origins.js";
import { AuditLog } from "../../src/broadcast/audit.js";
import { type Database, openBroadcastDb } from "../../src/broadcast/db.js";
import { startBroadcast } from "../../src/broadcast/engine.js";
import { settingsFromEnv } from "../../src/broadcast/limits.js";
import { telegramMessage } from "../../src/broadcast/message.js";
import { validateNotice } from "../../src/broadcast/notice.js";
import { SqliteOutbox } from "../../src/broadcast/outbox-sqlite.js";
import { SubscriptionRegistry } from "../../src/broadcast/subscriptions.js";
import { createTelegramBot } from "../../src/channels/telegram/bot.js";
import { readEnv } from "../../src/config/env.js";
import { Conversation } from "../../src/core/conversation.js";
import { MemoryStore } from "../../src/storage/memory.js";
import { yaml } from "../../src/util/yaml.js";
import { type Call, FakeTelegram, uploadOf } from "../channels/fake-telegram.js";
import { ROOT } from "../helpers/paths.js";
import { type Chat, dm, group } from "./telegram-chat.js";

const TOKEN = "123456:TEST-token-for-the-fake-server";
const BOT = { id: 42, username: "policy_test_bot", first_name: "政策助手", is_bot: true } as const;
const ADMIN = 900;
const fake = new FakeTelegram();
let db: Database;
let opened: OpenedChatBroadcast;
let bot: ReturnType<typeof createTelegramBot>;
let nextUpdate = 1;
let apiRootValue = "";
const apiRootOf = () => apiRootValue;
/** The example notice's fields (templates/examples/notice.yaml). */
const loadSpec = () => yaml().parse(readFileSync(join(ROOT, "templates", "examples", "notice.yaml"), "utf8")) as Record<string, unknown>;

function text(t: string, chat: Chat, from: number): Update {
  return {
    update_id: nextUpdate++,
    message: {
      message_id: nextUpdate,
      date: 0,
      chat: chat as never,
      from: { id: from, is_bot: false, first_name: "用户" },
      text: t,
      entities: t.startsWith("/") ? [{ type: "bot_command", offset: 0, length: (t.split(/\s/)[0] ?? t).length }] : undefined,
    },
  } as Update;
}
function press(data: string, chatId: number): Update {
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
function kicked(chat: Chat, by: number): Update {
  return {
    update_id: nextUpdate++,
    my_chat_member: {
      chat: chat as never,
      from: { id: by, is_bot: false, first_name: "群主" },
      date: 0,
      old_chat_member: { status: "member", user: BOT },
      new_chat_member: { status: "kicked", user: BOT, until_date: 0 },
    },
  } as Update;
}

const to = (chatId: number, method = "sendMessage"): Call[] =>
  fake.of(method).filter((c) => Number(c.json?.chat_id ?? (c.json ? undefined : uploadOf(c).fields.chat_id)) === chatId);
const lastText = (chatId: number) => String(to(chatId).at(-1)?.json?.text ?? "");
/** Send an update and return the texts the bot sent to the chat meanwhile. */
async function say(t: string, chat: Chat, from = chat.id): Promise<string> {
  const before = to(chat.id).length;
  await bot.handleUpdate(text(t, chat, from));
  return to(chat.id)
    .slice(before)
    .map((c) => String(c.json?.text ?? ""))
    .join("\n");
}
type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };
function button(chatId: number, label: string): string {
  const k = to(chatId).at(-1)?.json?.reply_markup as Keyboard | undefined;
  const b = k?.inline_keyboard.find((row) => row[0]?.text === label)?.[0];
  if (!b) throw new Error(`no button ${label} in: ${lastText(chatId)}`);
  return b.callback_data;
}

beforeAll(async () => {
  const apiRoot = await fake.start();
  apiRootValue = apiRoot;
  const conversation = Conversation.load(Conversation.folders(ROOT), "2026-11-22");
  const env = readEnv({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: apiRoot, ADMIN_IDS: `telegram:${ADMIN}`, STORAGE_URL: "memory:" });
  db = openBroadcastDb(":memory:");
  const store = new MemoryStore();
  const o = openChatBroadcast({
    env,
    kb: conversation.engine.kb,
    store,
    templatesDir: join(ROOT, "templates"),
    db,
    settings: { ...settingsFromEnv({}), telegramLimits: [], backoffMs: 10 },
    editEveryMs: 0,
  });
  if ("unavailable" in o) throw new Error(o.unavailable);
  opened = o;
  bot = createTelegramBot({ token: TOKEN, apiRoot, conversation, store, botInfo: BOT as never, broadcast: opened.broadcast });
});
afterAll(async () => {
  await opened.close();
  db.close();
  await fake.stop();
});

const ZZ = group(-100501, "郑州教育群");
const OTHER = group(-100502, "人才工作群");
const GONE = group(-100503, "已解散的群");
const KICKED = group(-100504, "踢出机器人的群");

describe("broadcasts from Telegram chats", () => {
  it("lets a group admin subscribe with topics, refuses others, lists, and ends on kick", async () => {
    fake.members.set(`${ZZ.id}:501`, "administrator");
    fake.members.set(`${OTHER.id}:503`, "creator");
    fake.members.set(`${GONE.id}:504`, "administrator");
    const reply = await say("/subscribe 郑州 教育 卫生 火星", ZZ, 501);
    expect(reply).toContain("已订阅");
    expect(reply).toContain("地区：郑州市");
    expect(reply).toContain("领域：教育、卫生、医疗卫生");
    expect(reply).toContain("未识别：火星");
    const registry = new SubscriptionRegistry(db);
    expect(registry.get("telegram", String(ZZ.id))?.topics.regions).toEqual(["郑州", "郑州市"]);

    expect(await say("/subscribe", ZZ, 502)).toContain("只有群主或群管理员");
    expect(await say("/unsubscribe", ZZ, 502)).toContain("只有群主或群管理员");
    expect(registry.get("telegram", String(ZZ.id))?.ended).toBeUndefined();

    expect(await say("/subscribe", OTHER, 503)).toContain("全部通知");
    expect(await say("/subscribe@policy_test_bot 平顶山", GONE, 504)).toContain("平顶山市");
    expect(await say("/subscriptions", ZZ, 502)).toContain("本群已订阅：地区：郑州市；领域：教育");

    fake.members.set(`${KICKED.id}:505`, "creator");
    expect(await say("/subscribe 郑州", KICKED, 505)).toContain("已订阅");
    await bot.handleUpdate(kicked(GONE, 504));
    expect(registry.get("telegram", String(GONE.id))?.ended?.reason).toContain("kicked");
    expect(await say("/subscriptions", dm(ADMIN))).toMatch(/订阅的群（3）[\s\S]*郑州教育群[\s\S]*人才工作群/);
  });

  it("refuses /notice to a non-admin and in groups", async () => {
    expect(await say("/notice", dm(600))).toContain("只有管理员");
    expect(await say("/notice", ZZ, 501)).toContain("请私聊我");
    expect(await say("/grant 601", dm(600))).toContain("只有管理员");
  });

  it("composes a notice by /notice, previews it as groups see it, sends it with edited progress and a report", async () => {
    const admin = dm(ADMIN);
    expect(await say("/notice", admin)).toContain("请输入通知标题");
    expect(await say("关于开展2030年度社会事业人才培养对象申报工作的通知", admin)).toContain("项目名称");
    expect(await say("社会事业人才培养专项", admin)).toContain("项目：郑州市社会事业人才培养专项");
    expect(await say("2030-13-45", admin)).toMatch(/日期无效[\s\S]*截止日期/);
    expect(await say("2030年6月30日", admin)).toContain("正文");
    expect(await say("各有关单位：\n\n现组织开展申报工作。\n请按时报送。", admin)).toContain("联系人");
    const docsBefore = to(ADMIN, "sendDocument").length;
    const preview = await say("市人社局专技处，0371-12345678", admin).then(() => say("跳过", admin));
    expect(preview).toContain("预览");
    expect(preview).toContain("目前匹配 3 个订阅群");
    fake.forbidden.add(String(KICKED.id)); // the bot was kicked meanwhile, without an update

    // The preview is the group message itself: same text, same buttons.
    const previewCall = to(ADMIN).find((c) => String(c.json?.text).startsWith("<b>关于开展2030年度"));
    expect(previewCall?.json?.parse_mode).toBe("HTML");
    const docx = to(ADMIN, "sendDocument").slice(docsBefore);
    expect(docx).toHaveLength(1);
    const file = uploadOf(docx[0] as Call);
    expect(file.fileName).toMatch(/\.docx$/);
    expect((await mammoth.extractRawText({ buffer: file.data })).value).toContain("现组织开展申报工作");

    await bot.handleUpdate(press(button(ADMIN, "立即发送"), ADMIN));
    await opened.runner.idle();
    const outbox = new SqliteOutbox(db);
    const record = outbox.get(noticeIdOf());
    expect(record?.state).toBe("done");
    const expected = telegramMessage(record?.notice as never, BOT.username);
    expect(previewCall?.json?.text).toBe(expected.text);
    expect(previewCall?.json?.reply_markup).toEqual(expected.reply_markup);
    for (const g of [ZZ, OTHER]) {
      expect(to(g.id).some((c) => c.json?.text === expected.text)).toBe(true);
      expect(to(g.id, "sendDocument")).toHaveLength(1);
    }
    expect(to(GONE.id).some((c) => c.json?.text === expected.text)).toBe(false);

    // One progress message, edited to the end; then the report as text, .csv and .docx.
    const progress = to(ADMIN).filter((c) => String(c.json?.text).startsWith("群发《"));
    expect(progress).toHaveLength(1);
    const edits = fake.of("editMessageText").filter((c) => Number(c.json?.chat_id) === ADMIN);
    expect(edits.length).toBeGreaterThan(0);
    expect(String(edits.at(-1)?.json?.text)).toContain("已发送 2/3，失败 1（完成）");
    const report = to(ADMIN)
      .map((c) => String(c.json?.text))
      .find((t) => t.startsWith("群发报告"));
    expect(report).toContain("失败 / failures (1)");
    expect(report).toMatch(/踢出机器人的群：403 Forbidden: bot was kicked/);
    expect(new SubscriptionRegistry(db).get("telegram", String(KICKED.id))?.ended?.reason).toContain("403");
    const [csv, reportDoc] = to(ADMIN, "sendDocument")
      .slice(-2)
      .map((c) => uploadOf(c as Call));
    expect(csv?.fileName).toMatch(/\.csv$/);
    expect(csv?.data.toString("utf8")).toContain("郑州教育群");
    // …and as the 群发报告 .docx (templates/broadcast-report.yaml).
    expect(reportDoc?.fileName).toMatch(/^群发报告-.+\.docx$/);
    const doc = (await mammoth.extractRawText({ buffer: reportDoc?.data as Buffer })).value;
    expect(doc).toContain("共 3 个群：已发送 2，失败 1");
    expect(doc).toContain("403 Forbidden: bot was kicked");
    expect(doc).toContain("已退订（不再发送）");
  });

  it("grants a broadcaster who can then /notice, schedules a notice for later", async () => {
    expect(await say("/grant 600 broadcaster", dm(ADMIN))).toContain("已授予 telegram:600");
    expect(await say("/admins", dm(ADMIN))).toContain("telegram:600 broadcaster");
    const u = dm(600);
    expect(await say("/notice", u)).toContain("请输入通知标题");
    await say("定时通知", u);
    await say("zz-social-talent", u);
    await say("2030-06-30", u);
    await say("正文", u);
    await say("联系人", u);
    await say("郑州", u);
    await bot.handleUpdate(press(button(600, "定时发送"), 600));
    expect(await say("2020-01-01 09:00", u)).toContain("已经过去");
    expect(await say("2030-05-06 09:00", u)).toContain("已定时");
    const scheduled = new SqliteOutbox(db).unfinished();
    expect(scheduled).toHaveLength(1);
    expect(scheduled[0]?.scheduledAt).toBe(Date.parse("2030-05-06T09:00:00+08:00"));
    expect(await say("/grant 601", u)).toContain("只有管理员（admin）");
    expect(await say("/revoke 600", dm(ADMIN))).toContain("已撤销");
    expect(await say("/notice", u)).toContain("只有管理员");
  });

  it("runs a scheduled chat notice when due after a restart, reporting to the admin's chat", async () => {
    const kb = Conversation.load(Conversation.folders(ROOT), "2026-11-22").engine.kb;
    const at = new Date(Date.now() + 1200).toISOString();
    const notice = validateNotice({ ...loadSpec(), id: "chat-restart", scheduledAt: at }, kb);
    const outbox = new SqliteOutbox(db);
    const audit = new AuditLog(db);
    const registry = new SubscriptionRegistry(db);
    const settings = settingsFromEnv({});
    startBroadcast({ outbox, registry, audit, settings, sender: () => Promise.reject(new Error("not here")) }, notice, `telegram:${ADMIN}`);
    new Origins(db).add(notice.id, "telegram", String(ADMIN));
    // A new process: its runner finds the scheduled broadcast, waits for its time, sends, reports.
    const env = readEnv({ TELEGRAM_BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: apiRootOf(), ADMIN_IDS: `telegram:${ADMIN}` });
    const restarted = openChatBroadcast({ env, kb, store: new MemoryStore(), templatesDir: join(ROOT, "templates"), db, editEveryMs: 0 });
    if ("unavailable" in restarted) throw new Error(restarted.unavailable);
    createTelegramBot({
      token: TOKEN,
      apiRoot: apiRootOf(),
      conversation: {} as never,
      store: new MemoryStore(),
      botInfo: BOT as never,
      broadcast: restarted.broadcast,
    });
    restarted.runner.start();
    await restarted.runner.idle();
    await restarted.close();
    const sentAt = fake.of("sendMessage").find((c) => String(c.json?.text).includes(notice.title) && Number(c.json?.chat_id) === ZZ.id);
    expect(sentAt).toBeDefined();
    expect(outbox.get(notice.id)?.state).toBe("done");
    expect(outbox.get(notice.id)?.finishedAt ?? 0).toBeGreaterThanOrEqual(Date.parse(at));
    expect(lastText(ADMIN)).toContain("群发报告");
  });

  it("writes every admin action to the audit log, shown by /audit to admins", async () => {
    const actions = new AuditLog(db).list().map((e) => `${e.actor} ${e.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        "telegram:501 subscription.add",
        "telegram:503 subscription.add",
        "system subscription.end",
        `telegram:${ADMIN} broadcast.start`,
        `telegram:${ADMIN} broadcast.finish`,
        `telegram:${ADMIN} role.grant`,
        "telegram:600 broadcast.start",
        `telegram:${ADMIN} role.revoke`,
      ]),
    );
    expect(await say("/audit", dm(ADMIN))).toContain("role.revoke telegram:600");
    expect(await say("/audit", dm(602))).toContain("只有管理员");
  });
});

/** The id of the one finished chat broadcast (from the audit log). */
function noticeIdOf(): string {
  return new AuditLog(db).list().find((e) => e.action === "broadcast.finish")?.target ?? "";
}
