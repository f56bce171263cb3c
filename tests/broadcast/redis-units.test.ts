/**
 * The Redis pieces of the broadcast, on the test Redis (own namespace, removed afterwards):
 * the stores behave as their SQLite classes, the outbox creates a broadcast once
 * and refuses writes from a worker that lost its row, and the shared limiter
 * never lets two limiter instances together exceed a rule (checked on the send log it keeps).
 */
import { Redis } from "ioredis";
import { afterAll, describe, expect, it } from "vitest";
import type { Notice } from "../../src/broadcast/notice.js";
import { LostRowError, RedisOutbox } from "../../src/broadcast/outbox-redis.js";
import { BroadcastKeys, redisTarget } from "../../src/broadcast/redis-conn.js";
import { SharedRateLimiter } from "../../src/broadcast/redis-limiter.js";
import { RedisAuditLog, RedisRoles, RedisSubscriptions } from "../../src/broadcast/redis-stores.js";
import { PermissionError } from "../../src/broadcast/roles.js";
import { noticeIfRedisDown, REDIS_URL, redisUp, testNamespace } from "../helpers/redis.js";
import { maxInWindow } from "./fakes.js";

noticeIfRedisDown("the Redis broadcast unit cases are");
const keys = new BroadcastKeys(testNamespace("bc-units"));
const redis = redisUp ? new Redis(REDIS_URL) : (null as unknown as Redis);

afterAll(async () => {
  if (!redisUp) return;
  const found = await redis.keys(`${keys.namespace}*`);
  if (found.length > 0) await redis.del(...found);
  await redis.quit();
});

const all = { programs: [], regions: [], sectors: [] };

describe.skipIf(!redisUp)("Redis broadcast stores", () => {
  it("parses the namespace off STORAGE_URL", () => {
    expect(redisTarget("redis://h:1/2?namespace=app:")).toEqual({ url: "redis://h:1/2", namespace: "app:" });
    expect(redisTarget("redis://h:1").namespace).toBe("policybot:");
  });

  it("subscriptions: add, update, end once, revive, list in order, remove", async () => {
    let t = 1000;
    const subs = new RedisSubscriptions(redis, keys, () => t++);
    await subs.addMany([
      { channel: "telegram", chatId: "-1", title: "a", topics: all, by: "telegram:1" },
      { channel: "lark", chatId: "oc_2", title: "b", topics: { ...all, programs: ["p"] }, by: "lark:ou_1", at: 5000 },
    ]);
    await subs.add({ channel: "telegram", chatId: "-3", title: "c", topics: all, by: "telegram:1" });
    expect((await subs.list()).map((s) => s.chatId)).toEqual(["-1", "-3", "oc_2"]);
    expect(await subs.end("telegram", "-1", "unsubscribed", "telegram:1")).toBe(true);
    expect(await subs.end("telegram", "-1", "again")).toBe(false);
    expect((await subs.get("telegram", "-1"))?.ended).toMatchObject({ reason: "unsubscribed", by: "telegram:1" });
    expect((await subs.list()).map((s) => s.chatId)).toEqual(["-3", "oc_2"]);
    expect((await subs.list({ includeEnded: true, channel: "telegram" })).map((s) => s.chatId)).toEqual(["-1", "-3"]);
    await subs.add({ channel: "telegram", chatId: "-1", title: "a2", topics: all, by: "telegram:1" });
    expect((await subs.get("telegram", "-1"))?.ended).toBeUndefined();
    expect(await subs.remove("lark", "oc_2")).toBe(true);
    expect(await subs.remove("lark", "oc_2")).toBe(false);
    expect(await subs.end("lark", "oc_2", "x")).toBe(false);
  });

  it("audit log and roles", async () => {
    const audit = new RedisAuditLog(redis, keys);
    const roles = new RedisRoles(redis, keys, ["telegram:1"], audit);
    await roles.grant("telegram:1", "lark:ou_b", "broadcaster");
    expect(await roles.can("lark:ou_b", "broadcast")).toBe(true);
    expect(await roles.can("lark:ou_b", "manage-roles")).toBe(false);
    await expect(roles.grant("lark:ou_b", "lark:ou_c", "admin")).rejects.toBeInstanceOf(PermissionError);
    await expect(roles.revoke("telegram:1", "telegram:1")).rejects.toBeInstanceOf(PermissionError);
    expect((await roles.list()).map((r) => [r.principal, r.role, r.root])).toEqual([
      ["telegram:1", "admin", true],
      ["lark:ou_b", "broadcaster", false],
    ]);
    expect(await roles.revoke("telegram:1", "lark:ou_b")).toBe(true);
    expect(await roles.revoke("telegram:1", "lark:ou_b")).toBe(false);
    const entries = await audit.list("lark:ou_b");
    expect(entries.map((e) => [e.id, e.action, e.detail])).toEqual([
      [1, "role.grant", { role: "broadcaster" }],
      [2, "role.revoke", undefined],
    ]);
  });
});

describe.skipIf(!redisUp)("Redis outbox", () => {
  const notice = { id: "n-units", title: "t", channels: ["telegram", "lark"] } as unknown as Notice;
  const audience = [
    { channel: "telegram" as const, chatId: "-1", title: "a" },
    { channel: "lark" as const, chatId: "oc_2", title: "b" },
    { channel: "telegram" as const, chatId: "-1", title: "dup" },
  ];

  it("creates a broadcast once, rows in order, and keeps the counts", async () => {
    const outbox = new RedisOutbox(redis, keys);
    const first = await outbox.create(notice, audience, "cli:me");
    expect(first).toMatchObject({ created: true, record: { noticeId: "n-units", state: "running", total: 2, assets: {} } });
    expect((await outbox.create(notice, [], "cli:other")).created).toBe(false);
    expect((await outbox.rows("n-units")).map((r) => [r.seq, r.chat, r.state])).toEqual([
      [0, "telegram:-1", "pending"],
      [1, "lark:oc_2", "pending"],
    ]);
    const d = await outbox.take("n-units", 0, "w1");
    await outbox.markInFlight(d, "w1");
    expect(await outbox.counts("n-units")).toMatchObject({ total: 2, pending: 1, inFlight: 1 });
    await outbox.markPartSent(d, "m1", 2, "w1");
    // The job stalls and another worker takes the row over: the first one can no longer write it.
    const again = await outbox.take("n-units", 0, "w2");
    await expect(outbox.markPartSent(d, "m2", 2, "w1")).rejects.toBeInstanceOf(LostRowError);
    await outbox.markInFlight(again, "w2");
    await outbox.recoverRow(again, "w2", false);
    await outbox.markPartSent(again, "m2", 2, "w2");
    expect(await outbox.finishIfComplete("n-units")).toBe(false);
    const lark = await outbox.take("n-units", 1, "w3");
    await outbox.markFailed(lark, "230002", true, "w3");
    await outbox.setAsset("n-units", "larkFileKey", "file_v3_1");
    expect(await outbox.finishIfComplete("n-units")).toBe(true);
    expect(await outbox.finishIfComplete("n-units")).toBe(false);
    expect(await outbox.get("n-units")).toMatchObject({ state: "done", assets: { larkFileKey: "file_v3_1" } });
    expect(await outbox.counts("n-units")).toEqual({
      total: 2,
      pending: 0,
      inFlight: 0,
      sent: 1,
      failed: 1,
      uncertainNow: 0,
      everUncertain: 1,
    });
    expect((await outbox.rows("n-units"))[0]).toMatchObject({ state: "sent", messageIds: ["m1", "m2"], uncertain: 1 });
  });
});

describe.skipIf(!redisUp)("shared limiter", () => {
  it("two limiters on two connections never exceed a rule together", async () => {
    const rules = [
      { scope: "global" as const, max: 10, windowMs: 200 },
      { scope: "chat" as const, max: 2, windowMs: 200 },
    ];
    const other = new Redis(REDIS_URL);
    const a = new SharedRateLimiter(redis, keys, "telegram", rules, 0);
    const b = new SharedRateLimiter(other, keys, "telegram", rules, 0);
    const chats = ["x", "y", "z", "w", "v", "u"];
    const sends: { chat: string; at: number }[] = [];
    await Promise.all(
      Array.from({ length: 8 }, async (_, i) => {
        for (let n = 0; n < 5; n++) {
          const chat = chats[(i + n) % chats.length] as string;
          sends.push({ chat, at: await (i % 2 ? a : b).acquire(chat) });
        }
      }),
    );
    await other.quit();
    // Checked on the instants the limiter logged (the Redis clock), so no network jitter is involved.
    expect(sends).toHaveLength(40);
    expect(
      maxInWindow(
        sends.map((s) => s.at),
        200,
      ),
    ).toBeLessThanOrEqual(10);
    for (const c of chats)
      expect(
        maxInWindow(
          sends.filter((s) => s.chat === c).map((s) => s.at),
          200,
        ),
      ).toBeLessThanOrEqual(2);
  });
});
