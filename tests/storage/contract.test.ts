/**
 * One contract for every store (hono's `common.case.test.ts` idea): memory,
 * SQLite and Redis must behave the same. Redis runs against the local server
 * (127.0.0.1:6379, started by .ci/run when it is not running).
 */
import { mkdtempSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { MemoryStore } from "../../src/storage/memory.js";
import { openStore } from "../../src/storage/open.js";
import { RedisStore } from "../../src/storage/redis.js";
import { SqliteStore } from "../../src/storage/sqlite.js";
import type { Store } from "../../src/storage/store.js";
import { noticeIfRedisDown, REDIS_URL, redisUp, testNamespace } from "../helpers/redis.js";

noticeIfRedisDown("its store cases are");
const dir = mkdtempSync(join(tmpdir(), "policybot-store-"));
const run = testNamespace("store");

const backends: [string, () => Store][] = [
  ["memory", () => new MemoryStore()],
  ["sqlite", () => new SqliteStore(join(dir, "kv.sqlite"))],
  ...(redisUp ? ([["redis", () => new RedisStore(REDIS_URL, run)]] as [string, () => Store][]) : []),
];

const opened: Store[] = [];
afterAll(async () => {
  for (const s of opened) await s.close();
  if (redisUp) {
    const cleanup = new RedisStore(REDIS_URL, run);
    await cleanup.deletePrefix("");
    await cleanup.close();
  }
});

describe.each(backends)("%s store", (_name, make) => {
  const store = make();
  opened.push(store);

  it("stores and returns JSON values", async () => {
    const value = { context: { documents: ["a"], intent: null }, n: 1, text: "郑州 <&> 😀" };
    await store.set("chat:1", value);
    expect(await store.get("chat:1")).toEqual(value);
  });

  it("returns undefined for a missing key and deletes quietly", async () => {
    expect(await store.get("nope")).toBeUndefined();
    await store.delete("nope");
    await store.set("gone", 1);
    await store.delete("gone");
    expect(await store.get("gone")).toBeUndefined();
  });

  it("overwrites a key", async () => {
    await store.set("k", { v: 1 });
    await store.set("k", { v: 2 });
    expect(await store.get("k")).toEqual({ v: 2 });
  });

  it("deletes every key of a prefix (/forget), and nothing else", async () => {
    await store.set("user:42:session", 1);
    await store.set("user:42:file", 2);
    await store.set("user:420:session", 3);
    expect(await store.deletePrefix("user:42:")).toBe(2);
    expect(await store.get("user:42:session")).toBeUndefined();
    expect(await store.get("user:420:session")).toBe(3);
  });

  it("claims a key once (setIfAbsent), even when many claims race", async () => {
    const claims = await Promise.all(Array.from({ length: 8 }, (_, i) => store.setIfAbsent("event:1", i, { ttlSeconds: 60 })));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await store.setIfAbsent("event:1", "again")).toBe(false);
    expect(await store.setIfAbsent("event:2", "other")).toBe(true);
  });

  it("keeps a value with a time to live until it expires", async () => {
    await store.set("ttl", "x", { ttlSeconds: 60 });
    expect(await store.get("ttl")).toBe("x");
  });
});

describe("expiry", () => {
  it("memory and SQLite drop values after their time to live", async () => {
    let now = 1_000_000;
    for (const store of [new MemoryStore(() => now), new SqliteStore(join(dir, "ttl.sqlite"), () => now)]) {
      await store.set("s", 1, { ttlSeconds: 10 });
      now += 9_000;
      expect(await store.get("s")).toBe(1);
      now += 2_000;
      expect(await store.get("s")).toBeUndefined();
      await store.set("claim", 1, { ttlSeconds: 10 });
      expect(await store.setIfAbsent("claim", 2)).toBe(false);
      now += 11_000;
      expect(await store.setIfAbsent("claim", 3)).toBe(true);
      expect(await store.get("claim")).toBe(3);
      await store.close();
    }
  });
  it("SQLite removes expired rows on a schedule (purgeEvery), and stops on close", async () => {
    vi.useFakeTimers({ toFake: ["setInterval", "clearInterval"] });
    try {
      let now = 1_000_000;
      const file = join(dir, "purge.sqlite");
      const store = new SqliteStore(file, () => now);
      const Driver = createRequire(import.meta.url)("libsql") as new (
        f: string,
      ) => {
        prepare(s: string): { get(): unknown };
        close(): void;
      };
      const peek = new Driver(file);
      const rows = () => (peek.prepare("SELECT count(*) AS n FROM kv").get() as { n: number }).n;
      store.purgeEvery(3_600_000);
      await store.set("old", 1, { ttlSeconds: 10 });
      await store.set("kept", 2);
      now += 11_000;
      expect(rows()).toBe(2); // expired, but nothing read it
      vi.advanceTimersByTime(3_600_000);
      expect(rows()).toBe(1);
      expect(vi.getTimerCount()).toBe(1);
      await store.close();
      expect(vi.getTimerCount()).toBe(0);
      peek.close();
    } finally {
      vi.useRealTimers();
    }
  });
  it.skipIf(!redisUp)("Redis expires keys by itself", async () => {
    const store = new RedisStore(REDIS_URL, `${run}ttl:`);
    await store.set("s", 1, { ttlSeconds: 1 });
    expect(await store.get("s")).toBe(1);
    await new Promise((r) => setTimeout(r, 1_300));
    expect(await store.get("s")).toBeUndefined();
    await store.close();
  });
});

describe("openStore (STORAGE_URL)", () => {
  it.skipIf(!redisUp)("takes the Redis key namespace from ?namespace=", async () => {
    const url = new URL(REDIS_URL);
    url.searchParams.set("namespace", `${run}ns:`);
    const opened = await openStore(url.toString());
    await opened.set("k", "v");
    const direct = new RedisStore(REDIS_URL, `${run}ns:`);
    expect(await direct.get("k")).toBe("v");
    const unprefixed = new RedisStore(REDIS_URL);
    expect(await unprefixed.get(`${run}ns:k`)).toBeUndefined(); // not under the default policybot: namespace
    await Promise.all([opened.close(), direct.close(), unprefixed.close()]);
  });
  it("defaults to a SQLite file under data/, created on first use", async () => {
    const store = await openStore(undefined, join(dir, "data"));
    expect(store).toBeInstanceOf(SqliteStore);
    await store.set("a", 1);
    expect(await store.get("a")).toBe(1);
    await store.close();
  });
  it("chooses Redis, SQLite or memory by scheme, and rejects others with a clear message", async () => {
    if (redisUp) {
      const redis = await openStore(REDIS_URL);
      expect(redis).toBeInstanceOf(RedisStore);
      await redis.close();
    }
    const sqlite = await openStore(`sqlite:${join(dir, "x.sqlite")}`, undefined, { purgeEveryMs: 3_600_000 });
    expect(sqlite).toBeInstanceOf(SqliteStore);
    await sqlite.close();
    expect(await openStore("memory:")).toBeInstanceOf(MemoryStore);
    await expect(openStore("mongodb://x")).rejects.toThrow(/STORAGE_URL/);
  });
});
