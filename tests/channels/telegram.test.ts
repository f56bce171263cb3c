/**
 * The Telegram channel against a fake Bot API server over real HTTP: questions,
 * button presses, groups and /forget; and, against every store (memory, SQLite,
 * Redis when reachable), the session cases: a 资格自测 driven by inline buttons
 * to its verdict and report, an application interview ending in a received
 * .docx across a restart, duplicate updates.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Update } from "grammy/types";
import mammoth from "mammoth";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTelegramBot } from "../../src/channels/telegram/bot.js";
import { Conversation } from "../../src/core/conversation.js";
import { MemoryStore } from "../../src/storage/memory.js";
import { RedisStore } from "../../src/storage/redis.js";
import { SqliteStore } from "../../src/storage/sqlite.js";
import type { SetOptions, Store } from "../../src/storage/store.js";
import { ROOT } from "../helpers/paths.js";
import { noticeIfRedisDown, REDIS_URL, redisUp, testNamespace } from "../helpers/redis.js";
import { type Call, FakeTelegram, uploadOf } from "./fake-telegram.js";
import { ZZ_APPLICATION_ANSWERS } from "./samples.js";

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

const makeBot = (store: Store, sessionTtlSeconds?: number) =>
  createTelegramBot({ token: TOKEN, apiRoot, conversation, store, botInfo: BOT as never, sessionTtlSeconds });

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
/** The last message sent to a chat. */
const lastTo = (chatId: number): Call | undefined =>
  fake
    .of("sendMessage")
    .filter((c) => c.json?.chat_id === chatId)
    .at(-1);
type Keyboard = { inline_keyboard: { text: string; callback_data: string }[][] };
/** The callback_data of the button labelled `label` in the last message to a chat. */
function button(chatId: number, label: string): string {
  const keyboard = lastTo(chatId)?.json?.reply_markup as Keyboard | undefined;
  const found = keyboard?.inline_keyboard.find((row) => row[0]?.text === label)?.[0];
  if (!found) throw new Error(`no button ${label} in: ${String(lastTo(chatId)?.json?.text)}`);
  return found.callback_data;
}
const docxText = async (call: Call | undefined) => {
  if (!call) throw new Error("no document was sent");
  const upload = uploadOf(call);
  return { fileName: upload.fileName, text: (await mammoth.extractRawText({ buffer: upload.data })).value };
};

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

  it("opens a program from a notice's deep link (/start p-<programId>) and answers in its context", async () => {
    const bot = makeBot(new MemoryStore());
    const chat = { id: 31, type: "private" };
    await bot.handleUpdate(text("/start p-zz-social-talent", chat, 31));
    expect(String(lastTo(31)?.json?.text)).toContain("郑州市社会事业人才培养专项");
    await bot.handleUpdate(press(button(31, "经费资助"), 31));
    expect(String(lastTo(31)?.json?.text)).toContain("20万元");
    await bot.handleUpdate(text("怎么申报？", chat, 31)); // the program stays in context
    expect(String(lastTo(31)?.json?.text)).toContain("郑州市社会事业人才培养专项｜申报程序");
    await bot.handleUpdate(text("/start p-no-such-program", chat, 31));
    expect(String(lastTo(31)?.json?.text)).toContain("直接提问即可");
    await bot.handleUpdate(text("/start c-zz-social-talent", chat, 31)); // 资格自测 from the notice
    expect(sentTexts().slice(-2).join("\n")).toContain("开始资格自测");
  });

  it("offers choices as an inline keyboard; a press is answered and continues the conversation", async () => {
    const bot = makeBot(new MemoryStore());
    await bot.handleUpdate(text("武清卫生人才的申报条件是什么？"));
    const keyboard = fake.of("sendMessage").at(-1)?.json?.reply_markup as Keyboard;
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

  it("keeps a chat's session for the configured time to live (SESSION_TTL_DAYS)", async () => {
    const writes: [string, SetOptions | undefined][] = [];
    const memory = new MemoryStore();
    const spy: Store = Object.assign(Object.create(memory) as Store, {
      set: (key: string, value: unknown, options?: SetOptions) => {
        writes.push([key, options]);
        return memory.set(key, value, options);
      },
    });
    await makeBot(spy, 3 * 86_400).handleUpdate(text("郑州社会事业人才培养经费怎么拨付？", { id: 11, type: "private" }, 11));
    expect(writes).toEqual([["tg:11:11:session", { ttlSeconds: 3 * 86_400 }]]);
  });
});

noticeIfRedisDown("the Telegram session cases on Redis are");
const dir = mkdtempSync(join(tmpdir(), "policybot-telegram-"));
const namespace = testNamespace("telegram");
const memory = new MemoryStore(); // one per "machine": a restarted bot opens it again
const stores: [string, () => Store][] = [
  ["memory", () => memory],
  ["sqlite", () => new SqliteStore(join(dir, "kv.sqlite"))],
  ...(redisUp ? ([["redis", () => new RedisStore(REDIS_URL, namespace)]] as [string, () => Store][]) : []),
];
afterAll(async () => {
  if (!redisUp) return;
  const cleanup = new RedisStore(REDIS_URL, namespace);
  await cleanup.deletePrefix("");
  await cleanup.close();
});

describe.each(stores)("Telegram sessions in the %s store", (_name, make) => {
  const opened: Store[] = [];
  const open = () => {
    const s = make();
    opened.push(s);
    return s;
  };
  afterAll(async () => {
    for (const s of opened) await s.close();
  });

  it("runs a 资格自测 by inline buttons to the verdict and the 资格自测报告 .docx", async () => {
    const chat = { id: 20, type: "private" };
    const bot = makeBot(open());
    const answered = fake.of("answerCallbackQuery").length;
    await bot.handleUpdate(text("/check", chat, 20));
    // Choice and yes/no questions by button, numbers typed.
    const script: [string, "press" | "type"][] = [
      ["郑州市", "press"],
      ["医疗卫生", "press"],
      ["中国", "press"],
      ["40", "type"],
      ["博士", "press"],
      ["事业单位", "press"], // 单位性质: 郑州 selects from 企事业单位
      ["6", "type"],
      ["是", "press"],
      ["否", "press"],
      ["否", "press"],
      ["未认定", "press"],
    ];
    const documents = fake.of("sendDocument").length;
    for (const [answer, how] of script) {
      await bot.handleUpdate(how === "press" ? press(button(20, answer), 20) : text(answer, chat, 20));
    }
    expect(fake.of("answerCallbackQuery").length).toBe(answered + 9); // every press is answered
    const verdict = String(lastTo(20)?.json?.text);
    expect(verdict).toContain("资格自测结果");
    expect(verdict).toContain("✔ 郑州市社会事业人才培养专项 —— 符合");
    expect(fake.of("sendDocument")).toHaveLength(documents + 1);
    const report = await docxText(fake.of("sendDocument").at(-1));
    expect(report.fileName).toMatch(/^资格自测报告.*\.docx$/);
    expect(report.text).toContain("资格自测报告");
    expect(report.text).toContain("郑州市社会事业人才培养专项");
    expect(report.text).toContain("医疗卫生");
  });

  it("runs an application interview to a received .docx; a restarted bot continues at the same question", async () => {
    const store = open();
    const chat = { id: 8, type: "private" };
    let bot = makeBot(store);
    await bot.handleUpdate(text("/apply", chat, 8));
    await bot.handleUpdate(press(button(8, "郑州市社会事业人才培养对象申报表"), 8));
    await bot.handleUpdate(text("张三", chat, 8));
    expect(String(lastTo(8)?.json?.text)).toContain("性别");
    bot = makeBot(open()); // a restarted process: only the stored state survives (a new connection to it)
    const [sex, ...answers] = ZZ_APPLICATION_ANSWERS;
    await bot.handleUpdate(text(sex, chat, 8));
    expect(String(lastTo(8)?.json?.text)).toContain("出生日期");
    for (const a of answers) await bot.handleUpdate(text(a, chat, 8));
    expect(String(lastTo(8)?.json?.text)).toContain("请核对");
    const documents = fake.of("sendDocument").length;
    await bot.handleUpdate(press(button(8, "确认"), 8));
    expect(fake.of("sendDocument")).toHaveLength(documents + 1);
    const form = await docxText(fake.of("sendDocument").at(-1));
    expect(form.fileName).toBe("郑州市社会事业人才培养对象申报表-张三.docx");
    for (const value of ["张三", "男", "410105198506011234", "郑州市第一人民医院", "副主任医师", "主持省级课题2项。"]) {
      expect(form.text).toContain(value);
    }

    // /files sends the kept document again; after /forget it is gone with the session.
    await bot.handleUpdate(text("/files", chat, 8));
    expect(fake.of("sendDocument")).toHaveLength(documents + 2);
    expect((await docxText(fake.of("sendDocument").at(-1))).text).toContain("410105198506011234");
    await bot.handleUpdate(text("/forget", chat, 8));
    expect(String(lastTo(8)?.json?.text)).toContain("生成的文件");
    await bot.handleUpdate(text("/files", chat, 8));
    expect(fake.of("sendDocument")).toHaveLength(documents + 2);
    expect(String(lastTo(8)?.json?.text)).toContain("没有保留的文件");
  });

  it("handles a re-delivered update only once, also by another instance on the same store", async () => {
    const store = open();
    const u = text("玉溪对口培养的研修期多长？", { id: 12, type: "private" }, 12);
    const before = fake.of("sendMessage").length;
    await makeBot(store).handleUpdate(u);
    await makeBot(store).handleUpdate(u);
    await makeBot(store).handleUpdate(u);
    expect(fake.of("sendMessage").length).toBe(before + 1);
  });
});
