/**
 * Chat broadcasts on `STORAGE_URL=redis://…`: two bot instances (A and B, in
 * this process, each with its own runner, BullMQ workers and Telegram bot
 * against the one fake Bot API) share the Redis stores and the queue:
 * - groups subscribed through either bot are listed by the other;
 * - a notice composed and confirmed on A is sent by both instances' workers,
 *   every group gets it exactly once, one progress message is edited to the
 *   end and the report (text and .csv) arrives exactly once — only the holder
 *   of the origin's claim speaks;
 * - every action is in the audit log on Redis, shown by /audit on B;
 * - when A stops mid-broadcast, B finishes it, edits A's progress message
 *   (the claim passes on) and reports once;
 * - a scheduled chat notice is run by B's timer when due (BullMQ's delayed
 *   jobs), not before its time, and reported to the admin's chat.
 * Skipped, with a notice, when Redis is not reachable; the namespace is removed afterwards.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OpenedChatBroadcast, openChatBroadcastBackend } from "../../src/broadcast/admin/open.js";
import type { BroadcastBackend } from "../../src/broadcast/backend.js";
import { parseLimits, settingsFromEnv } from "../../src/broadcast/limits.js";
import { validateNotice } from "../../src/broadcast/notice.js";
import type { BroadcastRecord } from "../../src/broadcast/outbox.js";
import { senderFactory } from "../../src/broadcast/senders.js";
import { createTelegramBot } from "../../src/channels/telegram/bot.js";
import { readEnv } from "../../src/config/env.js";
import { Conversation } from "../../src/core/conversation.js";
import { loadKnowledgeBase } from "../../src/kb/load.js";
import { MemoryStore } from "../../src/storage/memory.js";
import { yaml } from "../../src/util/yaml.js";
import { FakeTelegram, uploadOf } from "../channels/fake-telegram.js";
import { POLICIES, ROOT } from "../helpers/paths.js";
import { noticeIfRedisDown, redisUp } from "../helpers/redis.js";
import { RedisWorld } from "./redis-setup.js";
import { dm, group, TelegramChat } from "./telegram-chat.js";

noticeIfRedisDown("the chat broadcasts on Redis are");

const TOKEN = "123456:TEST-token-for-the-fake-server";
const BOT = { id: 42, username: "policy_test_bot", first_name: "政策助手", is_bot: true } as const;
const ADMIN = 900;
const GROUPS = Array.from({ length: 16 }, (_, i) => group(-100800 - i, `群${i}`));
const fake = new FakeTelegram();
const world = new RedisWorld("bc-chat");
const templatesDir = join(ROOT, "templates");

/** One bot instance: its chat side, its bot, and how many sends its workers made. */
interface Instance {
  opened: OpenedChatBroadcast;
  chat: TelegramChat;
  sends: number;
  closed: boolean;
}
let a: Instance;
let b: Instance;
let backend: BroadcastBackend;

async function instance(apiRoot: string): Promise<Instance> {
  const env = readEnv({
    TELEGRAM_BOT_TOKEN: TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    ADMIN_IDS: `telegram:${ADMIN}`,
    STORAGE_URL: world.storageUrl,
  });
  const conversation = Conversation.load(Conversation.folders(ROOT), "2026-11-22");
  // 16 groups × 2 parts at 16 sends a second: about 2 s a broadcast, time for both instances to take part.
  const settings = { ...settingsFromEnv({}), telegramLimits: parseLimits("global:16/1s"), backoffMs: 10 };
  const self = { sends: 0, closed: false } as Instance;
  const opened = await openChatBroadcastBackend({
    env,
    kb: conversation.engine.kb,
    store: new MemoryStore(),
    templatesDir,
    settings,
    editEveryMs: 0,
    tickMs: 200,
    // The configured Telegram sender, counting this instance's sends.
    sender: (setAsset) => {
      const real = senderFactory(env, { setAsset } as never, settings, templatesDir);
      return async (channel, record) => {
        const s = await real(channel, record);
        return {
          channel: s.channel,
          parts: s.parts,
          send: (d) => {
            self.sends++;
            return s.send(d);
          },
        };
      };
    },
  });
  if ("unavailable" in opened) throw new Error(opened.unavailable);
  expect(opened.kind).toBe("redis");
  const store = new MemoryStore();
  const bot = createTelegramBot({ token: TOKEN, apiRoot, conversation, store, botInfo: BOT as never, broadcast: opened.broadcast });
  self.opened = opened;
  self.chat = new TelegramChat(fake, bot);
  opened.runner.start();
  return self;
}

async function close(i: Instance | undefined): Promise<void> {
  if (!i || i.closed) return;
  i.closed = true;
  await i.opened.close();
}

/** Wait for a condition (checked every 20 ms; fails after 20 s). */
async function until(cond: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let waited = 0; !(await cond()); waited += 20) {
    if (waited > 20_000) throw new Error(`gave up waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

beforeAll(async () => {
  if (!redisUp) return;
  const apiRoot = await fake.start();
  a = await instance(apiRoot);
  b = await instance(apiRoot);
  backend = await world.backend();
});
afterAll(async () => {
  await close(a);
  await close(b);
  await backend?.close();
  await fake.stop();
  if (redisUp) await world.cleanup();
});

/** Compose a notice to every group by /notice on an instance's bot and send it now. */
async function sendNotice(i: Instance, title: string): Promise<void> {
  const admin = dm(ADMIN);
  expect(await i.chat.say("/notice", admin)).toContain("请输入通知标题");
  await i.chat.say(title, admin);
  expect(await i.chat.say("社会事业人才培养专项", admin)).toContain("项目：郑州市社会事业人才培养专项");
  await i.chat.say("2030-06-30", admin);
  await i.chat.say("各有关单位：\n\n现组织开展申报工作。", admin);
  await i.chat.say("市人社局专技处，0371-12345678", admin);
  expect(await i.chat.say("跳过", admin)).toContain(`目前匹配 ${GROUPS.length} 个订阅群`);
  await i.chat.pressButton(ADMIN, "立即发送");
}

const recordOf = async (title: string): Promise<BroadcastRecord | undefined> =>
  (await backend.unfinished()).find((r) => r.notice.title === title) ??
  (await backend.audit.list())
    .filter((e) => e.action === "broadcast.start" && (e.detail as { title?: string } | undefined)?.title === title)
    .map((e) => e.target)
    .reduce<Promise<BroadcastRecord | undefined>>(async (found, id) => (await found) ?? backend.get(id), Promise.resolve(undefined));
const progressOf = (title: string) => a.chat.texts(ADMIN).filter((t) => t.startsWith(`群发《${title}》`));
const editsOf = (title: string) =>
  fake.of("editMessageText").filter((c) => Number(c.json?.chat_id) === ADMIN && String(c.json?.text).startsWith(`群发《${title}》`));
const reportsOf = (id: string) => a.chat.texts(ADMIN).filter((t) => t.startsWith("群发报告") && t.includes(id));
const csvsOf = (id: string) => a.chat.to(ADMIN, "sendDocument").filter((c) => uploadOf(c).fileName === `群发报告-${id}.csv`);
const noticesTo = (chatId: number, title: string) => a.chat.texts(chatId).filter((t) => t.includes(title)).length;

describe.skipIf(!redisUp)("chat broadcasts on Redis, two instances", () => {
  it("share subscriptions and roles: groups subscribed on either bot are listed by the other", async () => {
    for (const [n, g] of GROUPS.entries()) {
      fake.members.set(`${g.id}:${500 + n}`, "administrator");
      expect(await (n % 2 === 0 ? a : b).chat.say("/subscribe", g, 500 + n)).toContain("已订阅");
    }
    expect(await b.chat.say("/subscribe", GROUPS[0] ?? dm(0), 499)).toContain("只有群主或群管理员");
    expect(await a.chat.say("/subscriptions", dm(ADMIN))).toContain(`订阅的群（${GROUPS.length}）`);
    expect(await b.chat.say("/subscriptions", dm(ADMIN))).toContain(`订阅的群（${GROUPS.length}）`);
    expect(await b.chat.say("/notice", dm(601))).toContain("只有管理员");
    expect(await a.chat.say("/grant 601 broadcaster", dm(ADMIN))).toContain("已授予 telegram:601");
    expect(await b.chat.say("/admins", dm(ADMIN))).toContain("telegram:601 broadcaster");
    expect(await b.chat.say("/revoke 601", dm(ADMIN))).toContain("已撤销");
    expect((await backend.subscriptions.list()).length).toBe(GROUPS.length);
  });

  it("sends a notice confirmed on A with both instances' workers; one progress message, one report", async () => {
    const title = "关于开展2030年度社会事业人才培养对象申报工作的通知";
    const [sendsA, sendsB] = [a.sends, b.sends];
    await sendNotice(a, title);
    await until(async () => (await recordOf(title))?.state === "done", "the broadcast to finish");
    const record = (await recordOf(title)) as BroadcastRecord;
    await Promise.all([a.opened.runner.idle(), b.opened.runner.idle()]);
    await until(() => reportsOf(record.noticeId).length > 0, "the report");

    for (const g of GROUPS) {
      expect(noticesTo(g.id, title)).toBe(1);
      expect(a.chat.to(g.id, "sendDocument")).toHaveLength(1);
    }
    // The queue's jobs were shared.
    expect(a.sends - sendsA).toBeGreaterThan(0);
    expect(b.sends - sendsB).toBeGreaterThan(0);
    expect(a.sends - sendsA + (b.sends - sendsB)).toBe(GROUPS.length * 2);

    expect(progressOf(title)).toHaveLength(1);
    expect(editsOf(title).length).toBeGreaterThan(0);
    expect(String(editsOf(title).at(-1)?.json?.text)).toContain(`已发送 ${GROUPS.length}/${GROUPS.length}，失败 0（完成）`);
    expect(reportsOf(record.noticeId)).toHaveLength(1);
    expect(csvsOf(record.noticeId)).toHaveLength(1);
    expect(uploadOf(csvsOf(record.noticeId)[0] as never).data.toString("utf8")).toContain("群15");
  });

  it("keeps the audit log on Redis, shown by /audit on the other instance", async () => {
    const actions = (await backend.audit.list()).map((e) => `${e.actor} ${e.action}`);
    expect(actions).toEqual(
      expect.arrayContaining([
        "telegram:500 subscription.add",
        "telegram:501 subscription.add",
        `telegram:${ADMIN} role.grant`,
        `telegram:${ADMIN} role.revoke`,
        `telegram:${ADMIN} broadcast.start`,
        // The last job finishes it (whichever instance's worker ran it).
        "system broadcast.finish",
      ]),
    );
    const shown = await b.chat.say("/audit", dm(ADMIN));
    expect(shown).toContain("broadcast.finish");
    expect(shown).toContain("broadcast.start");
  });

  it("finishes on B when A stops midway: B edits A's progress message and reports once", async () => {
    const title = "关于第二批人才培养对象申报的通知";
    await sendNotice(a, title);
    await until(() => GROUPS.filter((g) => noticesTo(g.id, title) > 0).length >= 4 && progressOf(title).length > 0, "A to be sending");
    await close(a);
    const editsWhenStopped = editsOf(title).length;
    const afterStop = b.sends;
    await until(async () => (await recordOf(title))?.state === "done", "B to finish the broadcast");
    const record = (await recordOf(title)) as BroadcastRecord;
    await b.opened.runner.idle();
    await until(() => reportsOf(record.noticeId).length > 0, "B's report");

    expect(b.sends).toBeGreaterThan(afterStop);
    for (const g of GROUPS) expect(noticesTo(g.id, title)).toBe(1);
    expect(progressOf(title)).toHaveLength(1);
    const edits = editsOf(title);
    expect(edits.length).toBeGreaterThan(editsWhenStopped);
    const messageId = edits.at(-1)?.json?.message_id;
    expect(new Set(edits.map((c) => c.json?.message_id))).toEqual(new Set([messageId]));
    expect(String(edits.at(-1)?.json?.text)).toContain("（完成）");
    expect(reportsOf(record.noticeId)).toHaveLength(1);
    expect(csvsOf(record.noticeId)).toHaveLength(1);
  });

  it("runs a scheduled chat notice on B's timer when due, and reports to the admin's chat", async () => {
    const kb = loadKnowledgeBase(POLICIES, { verify: false }).kb;
    const spec = yaml().parse(readFileSync(join(ROOT, "templates", "examples", "notice.yaml"), "utf8")) as Record<string, unknown>;
    const at = Date.now() + 1200;
    const notice = validateNotice({ ...spec, id: "redis-chat-scheduled", scheduledAt: new Date(at).toISOString() }, kb);
    const { record } = await backend.start(notice, `telegram:${ADMIN}`);
    await b.opened.runner.origins.add(record.noticeId, "telegram", String(ADMIN));
    await until(() => reportsOf(record.noticeId).length > 0, "the scheduled notice's report");
    const done = await backend.get(record.noticeId);
    expect(done?.state).toBe("done");
    expect(done?.finishedAt ?? 0).toBeGreaterThanOrEqual(at);
    for (const g of GROUPS) expect(noticesTo(g.id, notice.title)).toBe(1);
    expect(progressOf(notice.title)).toHaveLength(1);
    expect(reportsOf(record.noticeId)).toHaveLength(1);
  });
});
