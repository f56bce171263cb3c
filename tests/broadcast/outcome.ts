/**
 * The assertions both crash tests (SQLite and Redis) make once a broadcast
 * killed mid-way has been resumed and finished: every group has both parts
 * (or failed for good, its subscription ended), Lark never doubled, Telegram
 * repeats only on uncertain rows and within the in-flight bound, the platforms'
 * message ids recorded, retries seen, the audit complete, and no limit exceeded
 * by the recorded arrival times.
 */
import { expect } from "vitest";
import type { Delivery } from "../../src/broadcast/outbox.js";
import { type FakeBotApi, type FakeLarkApi, limitViolations, withArrivalJitter } from "./fakes.js";

/** What one crash test observed. */
export interface CrashOutcome {
  rows: Delivery[];
  telegram: FakeBotApi;
  lark: FakeLarkApi;
  groups: number;
  maxInFlight: number;
  tgChat: (i: number) => string;
  larkChat: (i: number) => string;
  /** The end of a group's subscription, if it ended. */
  ended: (channel: "telegram" | "lark", chatId: string) => Promise<{ reason: string } | undefined> | { reason: string } | undefined;
  /** The notice's audit actions. */
  audit: string[];
  limits: { telegram: string; lark: string };
}

export async function expectCrashOutcome(o: CrashOutcome): Promise<void> {
  const { rows, telegram, lark, tgChat, larkChat } = o;
  expect(rows).toHaveLength(2 * o.groups);
  const tgCounts = telegram.counts();
  const larkCounts = lark.counts();
  let repeats = 0;
  for (let i = 0; i < o.groups; i++) {
    const tg = rows.find((r) => r.chat === `telegram:${tgChat(i)}`);
    const lk = rows.find((r) => r.chat === `lark:${larkChat(i)}`);
    if (telegram.trouble.get(tgChat(i)) === "forbidden") {
      expect(tg).toMatchObject({ state: "failed", permanent: true });
      expect(tg?.error).toMatch(/403/);
      expect((await o.ended("telegram", tgChat(i)))?.reason).toMatch(/kicked/);
    } else {
      expect(tg?.state).toBe("sent");
      for (const kind of ["sendMessage", "sendDocument"]) {
        const n = tgCounts.get(`${tgChat(i)} ${kind}`) ?? 0;
        expect(n, `${tgChat(i)} ${kind}`).toBeGreaterThanOrEqual(1);
        if (n > 1) expect(tg?.uncertain, `${tgChat(i)} repeated but not uncertain`).toBeGreaterThan(0);
        repeats += n - 1;
      }
      const ids = telegram.delivered.filter((d) => d.chatId === tgChat(i)).map((d) => d.messageId);
      for (const id of tg?.messageIds ?? []) expect(ids).toContain(id);
      expect(tg?.messageIds).toHaveLength(2);
    }
    if (lark.trouble.get(larkChat(i)) === "forbidden") {
      expect(lk).toMatchObject({ state: "failed", permanent: true });
      expect(lk?.error).toMatch(/230002/);
      expect(await o.ended("lark", larkChat(i))).toBeDefined();
    } else {
      expect(lk?.state).toBe("sent");
      expect(larkCounts.get(`${larkChat(i)} post`), `${larkChat(i)} post`).toBe(1);
      expect(larkCounts.get(`${larkChat(i)} file`), `${larkChat(i)} file`).toBe(1);
      const ids = lark.delivered.filter((d) => d.chatId === larkChat(i)).map((d) => d.messageId);
      expect(lk?.messageIds).toEqual(ids);
      expect(lk?.uncertain).toBe(0);
    }
  }
  expect(repeats).toBeLessThanOrEqual(o.maxInFlight);
  // The request that triggered the kill was delivered and never answered: its row, at least, is uncertain.
  const uncertainRows = rows.filter((r) => r.uncertain > 0);
  expect(uncertainRows.length).toBeGreaterThanOrEqual(1);
  expect(uncertainRows.length).toBeLessThanOrEqual(o.maxInFlight);
  expect(uncertainRows.every((r) => r.channel === "telegram")).toBe(true);
  expect(rows.filter((r) => r.channel === "lark" && r.attempts + r.rateLimited > 0).length).toBeGreaterThan(0);
  expect(telegram.arrivals.some((a) => a.status === 429)).toBe(true);
  expect(lark.arrivals.some((a) => a.status === 429)).toBe(true);
  expect(o.audit).toEqual(expect.arrayContaining(["broadcast.start", "broadcast.resume", "broadcast.finish"]));
  // No limit exceeded, from the arrival times of every run (every request counts, failed ones too).
  expect(limitViolations(telegram.arrivals, withArrivalJitter(o.limits.telegram, 2 * o.maxInFlight))).toEqual([]);
  expect(limitViolations(lark.arrivals, withArrivalJitter(o.limits.lark, 2 * o.maxInFlight))).toEqual([]);
}
