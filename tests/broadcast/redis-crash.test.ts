/**
 * crash.test.ts on `STORAGE_URL=redis://…` (BullMQ): a broadcast to 2×500
 * groups by `policybot broadcast` in a child process, killed with SIGKILL in
 * the middle, then `policybot broadcast --resume` — the same assertions:
 * - no group is missing its message or its .docx;
 * - on Lark none is doubled (same uuid on the resend, also after a 500 that delivered);
 * - on Telegram repeats are at most the in-flight bound, each repeated group's row uncertain;
 * - 403 / 230002 fail permanently and end the subscription; 429 and 5xx are retried;
 * - the recorded arrival times never exceed a limit (the Redis send log survives the kill);
 * - the rows' message ids are the platforms'; a third run sends nothing.
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { noticeIfRedisDown, redisUp } from "../helpers/redis.js";
import { FakeBotApi, FakeLarkApi } from "./fakes.js";
import { expectCrashOutcome } from "./outcome.js";
import { larkChat, RedisWorld, tgChat } from "./redis-setup.js";

noticeIfRedisDown("the Redis broadcast crash test is");

const GROUPS = 500;
const MAX_IN_FLIGHT = 4;
const TELEGRAM_LIMITS = "global:400/1s;chat:1/1s;chat:20/1min";
const LARK_LIMITS = "global:400/1s;global:5000/1min;chat:5/1s";

const telegram = new FakeBotApi();
const lark = new FakeLarkApi();
const world = new RedisWorld("bc-crash");

beforeAll(async () => {
  if (!redisUp) return;
  await world.start(telegram, lark, { telegram: TELEGRAM_LIMITS, lark: LARK_LIMITS, maxInFlight: MAX_IN_FLIGHT });
  // Arrivals are stamped by the fakes after the limiter let a send go, later still on a busy test machine: windows
  // 25 % longer (BROADCAST_LIMIT_MARGIN) absorb that jitter, as in tests/broadcast/redis-instances.test.ts.
  world.env.BROADCAST_LIMIT_MARGIN = "0.25";
  await world.subscribe(GROUPS, telegram, lark);
});

afterAll(async () => {
  await Promise.all([telegram.stop(), lark.stop()]);
  if (redisUp) await world.cleanup();
});

describe.skipIf(!redisUp)("policybot broadcast on Redis: SIGKILL mid-way, then resume", () => {
  it("delivers every group, never doubles on Lark, repeats at most the in-flight bound on Telegram, within the limits", async () => {
    const first = world.run(["--notice", world.noticeFile]);
    telegram.onMessage = (n) => {
      if (n === 300) first.child.kill("SIGKILL");
    };
    const r1 = await first.exited;
    telegram.onMessage = null;
    expect(r1.signal).toBe("SIGKILL");
    const larkBefore = lark.delivered.length;
    expect(telegram.delivered.length).toBeLessThan(2 * GROUPS * 0.9);
    expect(larkBefore).toBeGreaterThan(0);
    expect(larkBefore).toBeLessThan(2 * GROUPS);

    const r2 = await world.run(["--resume"]).exited;
    expect(r2.stderr).not.toMatch(/运行错误|runtime error/);
    expect(r2.code).toBe(0);
    expect(r2.stdout).toContain("群发报告");
    expect(r2.stdout).toMatch(/可能重复 \/ possibly delivered twice/);

    const b = await world.backend();
    expect(await b.unfinished()).toEqual([]);
    const noticeId = (await b.audit.list()).find((e) => e.action === "broadcast.start")?.target as string;
    const rows = await b.rows(noticeId);
    const audit = (await b.audit.list(noticeId)).map((e) => e.action);
    await expectCrashOutcome({
      rows,
      telegram,
      lark,
      groups: GROUPS,
      maxInFlight: MAX_IN_FLIGHT,
      tgChat,
      larkChat,
      ended: async (channel, chat) => (await b.subscriptions.get(channel, chat))?.ended,
      audit,
      limits: { telegram: TELEGRAM_LIMITS, lark: LARK_LIMITS },
    });
    const c = await b.rows(noticeId).then((all) => all.filter((r) => r.state === "sent").length);
    await b.close();
    expect(c).toBe(2 * GROUPS - 10);

    const before = telegram.arrivals.length + lark.arrivals.length;
    const r3 = await world.run(["--notice", world.noticeFile]).exited;
    expect(r3.code).toBe(0);
    expect(telegram.arrivals.length + lark.arrivals.length).toBe(before);
    expect(existsSync(join(world.dir, `broadcast-${noticeId}-report.csv`))).toBe(true);
    const csv = readFileSync(join(world.dir, "notice-report.csv"), "utf8");
    expect(csv.trim().split("\r\n")).toHaveLength(2 * GROUPS + 1);
    expect(csv).toMatch(/telegram:-1000000000013,telegram,-1000000000013,TG群13,failed,,0,0,0,403 Forbidden: bot was kicked/);
  }, 120_000);
});
