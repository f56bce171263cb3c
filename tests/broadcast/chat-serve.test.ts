/**
 * A chat broadcast under `policybot serve` (Telegram long polling against the
 * fake Bot API): an admin composes and confirms a notice in the private chat,
 * serve's close() stops the broadcast midway (between sends, nothing
 * uncertain), and the next start resumes it from the outbox, edits the same
 * progress message to the end and sends the report — every group receives
 * the notice exactly once.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Update } from "grammy/types";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openBroadcastDb } from "../../src/broadcast/db.js";
import { SqliteOutbox } from "../../src/broadcast/outbox-sqlite.js";
import { SubscriptionRegistry } from "../../src/broadcast/subscriptions.js";
import { readEnv } from "../../src/config/env.js";
import { type Running, serve } from "../../src/server/serve.js";
import { FakeTelegram } from "../channels/fake-telegram.js";

const fake = new FakeTelegram();
const dbFile = join(mkdtempSync(join(tmpdir(), "policybot-chat-serve-")), "kv.sqlite");
const ADMIN = 900;
const GROUPS = Array.from({ length: 8 }, (_, i) => String(-100700 - i));
let running: Running | null = null;
let env: ReturnType<typeof readEnv>;
let next = 1;

const update = (t: string): Update =>
  ({
    update_id: next++,
    message: {
      message_id: next,
      date: 0,
      chat: { id: ADMIN, type: "private" },
      from: { id: ADMIN, is_bot: false, first_name: "管理员" },
      text: t,
      entities: t.startsWith("/") ? [{ type: "bot_command", offset: 0, length: t.length }] : undefined,
    },
  }) as Update;
const press = (data: string): Update =>
  ({
    update_id: next++,
    callback_query: {
      id: `cb${next}`,
      chat_instance: "x",
      data,
      from: { id: ADMIN, is_bot: false, first_name: "管理员" },
      message: { message_id: 1, date: 0, chat: { id: ADMIN, type: "private" }, text: "…" },
    },
  }) as Update;

const texts = (chatId: string | number) =>
  fake
    .of("sendMessage")
    .filter((c) => String(c.json?.chat_id) === String(chatId))
    .map((c) => String(c.json?.text));
/** Wait for a condition on what the fake has seen (checked every 20 ms; fails after 20 s). */
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !cond(); waited += 20) {
    if (waited > 20_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
const TITLE = "关于开展2030年度人才培养申报工作的通知";
const noticeTo = (g: string) => texts(g).filter((t) => t.includes(TITLE)).length;

beforeAll(async () => {
  // Slow enough to stop it midway: 2 sends a second over 8 groups × 2 parts.
  process.env.BROADCAST_TELEGRAM_LIMITS = "global:4/1s";
  const db = openBroadcastDb(dbFile);
  new SubscriptionRegistry(db).addMany(
    GROUPS.map((chatId) => ({
      channel: "telegram" as const,
      chatId,
      title: `群${chatId}`,
      topics: { programs: [], regions: [], sectors: [] },
      by: "telegram:1",
    })),
  );
  db.close();
  env = readEnv({
    TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
    TELEGRAM_API_ROOT: await fake.start(),
    TELEGRAM_MODE: "polling",
    STORAGE_URL: `sqlite:${dbFile}`,
    ADMIN_IDS: `telegram:${ADMIN}`,
  });
  running = await serve(env, pino({ level: "silent" }));
});
afterAll(async () => {
  delete process.env.BROADCAST_TELEGRAM_LIMITS;
  await running?.close();
  await fake.stop();
});

describe("a chat broadcast under policybot serve", () => {
  it("stops on close() and resumes on the next start, each group reached once, the same progress message edited", async () => {
    fake.push(...["/notice", TITLE, "社会事业人才培养专项", "2030-06-30", "正文", "联系人", "跳过"].map(update));
    await until(() => texts(ADMIN).some((t) => t.includes("确认发送吗")), "the confirmation");
    const keyboard = fake.of("sendMessage").at(-1)?.json?.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    const send = keyboard.inline_keyboard.find((r) => r[0]?.text === "立即发送")?.[0]?.callback_data ?? "";
    fake.push(press(send));
    await until(() => GROUPS.some((g) => noticeTo(g) > 0), "the first group");
    await running?.close();
    running = null;

    const outbox = new SqliteOutbox(openBroadcastDb(dbFile));
    const [record] = outbox.unfinished();
    expect(record?.notice.title).toBe(TITLE);
    const stopped = outbox.counts(record?.noticeId ?? "");
    expect(stopped.sent).toBeLessThan(GROUPS.length);
    expect(stopped.inFlight + stopped.uncertainNow).toBe(0);
    const progress = fake.of("sendMessage").filter((c) => String(c.json?.text).startsWith(`群发《${TITLE}`));
    expect(progress).toHaveLength(1);

    running = await serve(env, pino({ level: "silent" }));
    await until(() => texts(ADMIN).some((t) => t.startsWith("群发报告")), "the report");
    for (const g of GROUPS) expect(noticeTo(g)).toBe(1);
    expect(fake.of("sendMessage").filter((c) => String(c.json?.text).startsWith(`群发《${TITLE}`))).toHaveLength(1);
    const edits = fake.of("editMessageText").filter((c) => Number(c.json?.chat_id) === ADMIN);
    // Before and after the restart, the edits go to one message: the progress message sent first.
    expect(new Set(edits.map((c) => c.json?.message_id)).size).toBe(1);
    expect(String(edits.at(-1)?.json?.text)).toContain(`已发送 ${GROUPS.length}/${GROUPS.length}，失败 0（完成）`);
    expect(outbox.get(record?.noticeId ?? "")?.state).toBe("done");
  });
});
