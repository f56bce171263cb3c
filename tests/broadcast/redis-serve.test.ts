/**
 * `policybot serve` with `STORAGE_URL=redis://…` (Telegram long polling
 * against the fake Bot API): the broadcast commands are available (no
 * "broadcast commands unavailable"), an admin composes and confirms a notice
 * in the private chat, every subscribed group gets it once, the progress
 * message is edited to the end and the report arrives; the audit is on
 * Redis, and close() stops the BullMQ workers and connections (the test
 * process is left with nothing running). Skipped, with a notice, when Redis
 * is not reachable; the namespace is removed afterwards.
 */
import { Writable } from "node:stream";
import type { Update } from "grammy/types";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BroadcastBackend } from "../../src/broadcast/backend.js";
import { readEnv } from "../../src/config/env.js";
import { type Running, serve } from "../../src/server/serve.js";
import { FakeTelegram } from "../channels/fake-telegram.js";
import { noticeIfRedisDown, redisUp } from "../helpers/redis.js";
import { RedisWorld } from "./redis-setup.js";

noticeIfRedisDown("the serve-on-Redis broadcast test is");

const fake = new FakeTelegram();
const world = new RedisWorld("bc-serve");
const ADMIN = 900;
const GROUPS = Array.from({ length: 6 }, (_, i) => String(-100900 - i));
const TITLE = "关于开展2030年度人才培养申报工作的通知";
let running: Running | null = null;
let backend: BroadcastBackend;
const logs: string[] = [];
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
async function until(cond: () => boolean, what: string): Promise<void> {
  for (let waited = 0; !cond(); waited += 20) {
    if (waited > 20_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  if (!redisUp) return;
  backend = await world.backend();
  await backend.subscriptions.addMany(
    GROUPS.map((chatId) => ({
      channel: "telegram" as const,
      chatId,
      title: `群${chatId}`,
      topics: { programs: [], regions: [], sectors: [] },
      by: "telegram:1",
    })),
  );
  const env = readEnv({
    TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
    TELEGRAM_API_ROOT: await fake.start(),
    TELEGRAM_MODE: "polling",
    STORAGE_URL: world.storageUrl,
    ADMIN_IDS: `telegram:${ADMIN}`,
  });
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      logs.push(chunk.toString("utf8"));
      done();
    },
  });
  running = await serve(env, pino({ level: "info" }, sink));
});
afterAll(async () => {
  await running?.close();
  await backend?.close();
  await fake.stop();
  if (redisUp) await world.cleanup();
});

describe.skipIf(!redisUp)("chat broadcasts under policybot serve on Redis", () => {
  it("runs a notice from the admin's chat to the report, over BullMQ", async () => {
    expect(logs.join("")).not.toContain("broadcast commands unavailable");
    fake.push(...["/notice", TITLE, "社会事业人才培养专项", "2030-06-30", "正文", "联系人", "跳过"].map(update));
    await until(() => texts(ADMIN).some((t) => t.includes("确认发送吗")), "the confirmation");
    expect(texts(ADMIN).join("\n")).toContain(`目前匹配 ${GROUPS.length} 个订阅群`);
    const keyboard = fake.of("sendMessage").at(-1)?.json?.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] };
    fake.push(press(keyboard.inline_keyboard.find((r) => r[0]?.text === "立即发送")?.[0]?.callback_data ?? ""));
    await until(() => texts(ADMIN).some((t) => t.startsWith("群发报告")), "the report");

    for (const g of GROUPS) expect(texts(g).filter((t) => t.includes(TITLE))).toHaveLength(1);
    expect(texts(ADMIN).filter((t) => t.startsWith(`群发《${TITLE}`))).toHaveLength(1);
    const edits = fake.of("editMessageText").filter((c) => Number(c.json?.chat_id) === ADMIN);
    expect(String(edits.at(-1)?.json?.text)).toContain(`已发送 ${GROUPS.length}/${GROUPS.length}，失败 0（完成）`);
    const start = (await backend.audit.list()).find((e) => e.action === "broadcast.start");
    expect(start?.actor).toBe(`telegram:${ADMIN}`);
    expect((await backend.get(start?.target ?? ""))?.state).toBe("done");

    await running?.close();
    running = null;
    expect(logs.join("")).toContain('"msg":"stopped"');
  });
});
