/**
 * Two instances share one broadcast on `STORAGE_URL=redis://…`: A runs
 * `policybot broadcast --notice`, B joins with `--resume` as soon as the
 * broadcast exists; A is killed with SIGKILL mid-way and B, still running,
 * takes A's stalled jobs over and finishes without a restart:
 * - both instances delivered rows (the queue's jobs are shared);
 * - every Lark group got its message and file exactly once;
 * - Telegram repeats stay within A's in-flight bound, each repeated row uncertain;
 * - the two instances' combined request times never exceed any limit (the limiter is shared);
 * - B exits 0 with the report, nothing is left unfinished.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noticeIfRedisDown, redisUp } from "../helpers/redis.js";
import { FakeBotApi, FakeLarkApi, limitViolations, withArrivalJitter } from "./fakes.js";
import { type Exit, larkChat, RedisWorld, tgChat } from "./redis-setup.js";

noticeIfRedisDown("the two-instance broadcast test is");

const GROUPS = 200;
const MAX_IN_FLIGHT = 4;
// Low global limits: either instance alone could send faster, so only a shared limiter keeps the sum within them.
const TELEGRAM_LIMITS = "global:60/1s;chat:1/1s;chat:20/1min";
const LARK_LIMITS = "global:60/1s;global:5000/1min;chat:5/1s";

const telegram = new FakeBotApi();
const lark = new FakeLarkApi();
const world = new RedisWorld("bc-two");

beforeAll(async () => {
  if (!redisUp) return;
  await world.start(telegram, lark, { telegram: TELEGRAM_LIMITS, lark: LARK_LIMITS, maxInFlight: MAX_IN_FLIGHT });
  // Two senders and the fakes share the test machine's CPUs: a request may reach the fake some tens of ms after the
  // limiter let it go (and is stamped late when the fake's own process is busy; 10 % was seen to be too little on a
  // loaded 2-core machine). The margin (the limiter's windows 25 % longer, as BROADCAST_LIMIT_MARGIN allows) absorbs
  // that jitter and still tells a shared limiter from two separate ones: those would send about twice the limit.
  world.env.BROADCAST_LIMIT_MARGIN = "0.25";
  await world.subscribe(GROUPS, telegram, lark);
});

afterAll(async () => {
  await Promise.all([telegram.stop(), lark.stop()]);
  if (redisUp) await world.cleanup();
});

describe.skipIf(!redisUp)("policybot broadcast on Redis: two instances", () => {
  it("share the work and the limits; the survivor finishes the dead one's rows", async () => {
    const a = world.run(["--notice", world.noticeFile]);
    let b: { child: ReturnType<RedisWorld["run"]>["child"]; exited: Promise<Exit> } | null = null;
    telegram.onMessage = (n) => {
      if (n === 1) b = world.run(["--resume"]); // the broadcast exists once A sends
      if (n === 150) a.child.kill("SIGKILL");
    };
    const ra = await a.exited;
    expect(ra.signal).toBe("SIGKILL");
    expect(b).not.toBeNull();
    const second = b as unknown as { child: ReturnType<RedisWorld["run"]>["child"]; exited: Promise<Exit> };
    const rb = await second.exited;
    telegram.onMessage = null;
    expect(rb.stderr).not.toMatch(/运行错误|runtime error/);
    expect(rb.code).toBe(0);
    expect(rb.stdout).toContain("群发报告");

    const backend = await world.backend();
    expect(await backend.unfinished()).toEqual([]);
    const noticeId = (await backend.audit.list()).find((e) => e.action === "broadcast.start")?.target as string;
    const rows = await backend.rows(noticeId);
    await backend.close();
    expect(rows).toHaveLength(2 * GROUPS);
    expect(rows.every((r) => r.state === "sent" || r.state === "failed")).toBe(true);

    // Both instances took rows (the holder is host:pid:nonce).
    const pids = new Set((await world.holders(noticeId, rows.length)).map((h) => h.split(":")[1]));
    expect(pids).toEqual(new Set([String(a.child.pid), String(second.child.pid)]));

    const tgCounts = telegram.counts();
    const larkCounts = lark.counts();
    let repeats = 0;
    for (let i = 0; i < GROUPS; i++) {
      const tg = rows.find((r) => r.chat === `telegram:${tgChat(i)}`);
      if (telegram.trouble.get(tgChat(i)) !== "forbidden") {
        expect(tg?.state).toBe("sent");
        for (const kind of ["sendMessage", "sendDocument"]) {
          const n = tgCounts.get(`${tgChat(i)} ${kind}`) ?? 0;
          expect(n, `${tgChat(i)} ${kind}`).toBeGreaterThanOrEqual(1);
          if (n > 1) expect(tg?.uncertain, `${tgChat(i)} repeated but not uncertain`).toBeGreaterThan(0);
          repeats += n - 1;
        }
      }
      if (lark.trouble.get(larkChat(i)) !== "forbidden") {
        expect(larkCounts.get(`${larkChat(i)} post`), `${larkChat(i)} post`).toBe(1);
        expect(larkCounts.get(`${larkChat(i)} file`), `${larkChat(i)} file`).toBe(1);
      }
    }
    expect(repeats).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(rows.filter((r) => r.uncertain > 0).length).toBeLessThanOrEqual(MAX_IN_FLIGHT);
    expect(rows.filter((r) => r.uncertain > 0).every((r) => r.channel === "telegram")).toBe(true);
    // The limiter grants sends by the Redis clock; a grant reaches the fake only when its instance's event loop gets
    // to it. On this 2-core machine two senders and the fakes compete, so up to the sends in flight in both instances
    // (2 × MAX_IN_FLIGHT) can be stamped in a later window than the one they were granted in. Arrivals may exceed a
    // global window by that many, never more; two unshared limiters would exceed it by the whole limit (2×).
    expect(limitViolations(telegram.arrivals, withArrivalJitter(TELEGRAM_LIMITS, 2 * MAX_IN_FLIGHT))).toEqual([]);
    expect(limitViolations(lark.arrivals, withArrivalJitter(LARK_LIMITS, 2 * MAX_IN_FLIGHT))).toEqual([]);
  }, 120_000);
});
