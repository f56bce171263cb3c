/**
 * `serve` in long-polling mode (grammY runner) against the fake Bot API server:
 * updates come from getUpdates with a confirmed offset, a chat's messages are
 * answered in order, and close() finishes the update in flight before it resolves.
 */
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnv } from "../../src/config/env.js";
import { type Running, serve } from "../../src/server/serve.js";
import { FakeTelegram } from "./fake-telegram.js";
import { privateText } from "./samples.js";

const fake = new FakeTelegram();
const dbFile = join(mkdtempSync(join(tmpdir(), "policybot-polling-")), "kv.sqlite");
let running: Running | null = null;
const text = privateText;
const repliesTo = (chatId: number) =>
  fake
    .of("sendMessage")
    .filter((c) => c.json?.chat_id === chatId)
    .map((c) => String(c.json?.text));

/** The stored session row of a chat, read straight from the SQLite file. */
function sessionRow(chatId: number): { value: string; expires_at: number } | undefined {
  const Driver = createRequire(import.meta.url)("libsql") as new (
    f: string,
  ) => {
    prepare(s: string): { get(...a: unknown[]): unknown };
    close(): void;
  };
  const db = new Driver(dbFile);
  try {
    return db.prepare("SELECT value, expires_at FROM kv WHERE key = ?").get(`tg:${chatId}:${chatId}:session`) as
      | { value: string; expires_at: number }
      | undefined;
  } finally {
    db.close();
  }
}

beforeAll(async () => {
  const apiRoot = await fake.start();
  const env = readEnv({
    TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_MODE: "polling",
    SESSION_TTL_DAYS: "2",
    STORAGE_URL: `sqlite:${dbFile}`,
  });
  running = await serve(env, pino({ level: "silent" }));
});
afterAll(async () => {
  await running?.close();
  await fake.stop();
});

describe("policybot serve (Telegram long polling)", () => {
  it("deletes any webhook, polls with a long-poll timeout, and answers a question", async () => {
    expect(running?.port).toBeNull(); // no HTTP server is needed
    expect(fake.of("deleteWebhook")).toHaveLength(1);
    const before = fake.of("sendMessage").length;
    fake.push(text("郑州社会事业人才培养经费怎么拨付？", 21));
    await fake.waitFor("sendMessage", before + 1);
    expect(repliesTo(21).at(-1)).toContain("20万元");
    const poll = fake.of("getUpdates").at(-1)?.json;
    expect(Number(poll?.timeout)).toBeGreaterThan(0);
    expect(poll?.allowed_updates).toEqual(["message", "callback_query", "my_chat_member"]);
  });

  it("confirms handled updates with the next offset, so none is fetched twice", async () => {
    const u = text("玉溪对口培养的研修期多长？", 22);
    const before = fake.of("sendMessage").length;
    fake.push(u);
    await fake.waitFor("sendMessage", before + 1);
    // The next poll starts after the update: Telegram may forget it.
    await fake.waitFor("getUpdates", fake.of("getUpdates").length + 1);
    expect(Number(fake.of("getUpdates").at(-1)?.json?.offset)).toBeGreaterThan(u.update_id);
    expect(repliesTo(22)).toHaveLength(1);
  });

  it("answers two quick messages of one chat in order, other chats alongside", async () => {
    const before = fake.of("sendMessage").length;
    // One batch: a slow interview start, then a question; another chat in between.
    fake.push(text("申报表", 23), text("郑州社会事业人才培养经费怎么拨付？", 24), text("取消", 23));
    await fake.waitFor("sendMessage", before + 3);
    const chat23 = repliesTo(23);
    expect(chat23).toHaveLength(2);
    expect(chat23[0]).toContain("隐私说明"); // consent is asked first …
    expect(chat23[1]).toContain("不会收集"); // … and 取消 answered it, not the other way round
    expect(repliesTo(24).at(-1)).toContain("20万元");
  });

  it("close() waits for the update in flight, then stops polling; sessions expire after SESSION_TTL_DAYS", async () => {
    const release = fake.hold("sendMessage");
    const before = fake.of("sendMessage").length;
    fake.push(text("武清文化领域拔尖人才要满足什么条件？", 25));
    await fake.waitFor("sendMessage", before + 1); // the reply is being sent, not yet answered
    let closed = false;
    const closing = running?.close().then(() => {
      closed = true;
    });
    running = null;
    await new Promise((r) => setTimeout(r, 100)); // time enough for a close() that would not wait
    expect(closed).toBe(false);
    release();
    await closing;
    // The session was written after the reply, before the store was closed …
    expect(sessionRow(25)).toBeDefined();
    // … and every session is kept for SESSION_TTL_DAYS after its last message.
    for (const chat of [21, 24, 25]) {
      const days = ((sessionRow(chat)?.expires_at ?? 0) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(1.99);
      expect(days).toBeLessThanOrEqual(2);
    }
    const polls = fake.of("getUpdates").length;
    fake.push(text("还在吗？", 26));
    await new Promise((r) => setTimeout(r, 50));
    expect(fake.of("getUpdates")).toHaveLength(polls);
  });
});

describe("a second poller on the same token", () => {
  it("stops serve with one line saying to use webhook mode (409 Conflict), instead of crashing", async () => {
    const other = new FakeTelegram();
    const env = readEnv({
      TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
      TELEGRAM_API_ROOT: await other.start(),
      TELEGRAM_MODE: "polling",
      STORAGE_URL: "memory:",
    });
    other.conflict = true;
    const conflicted = await serve(env, pino({ level: "silent" }));
    const error = await conflicted.failed;
    expect(error.message).toMatch(/409 Conflict.*webhook/);
    await conflicted.close(); // already closed: resolves at once
    await other.stop();
  });
});
