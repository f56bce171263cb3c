/**
 * A sliding-window-log rate limiter over several rules at once (see
 * limits.ts): for each rule it keeps the times of the sends in the current
 * window, for the bot or per chat, and a send may go when every rule has room.
 *
 * A send's time is recorded when {@link RateLimiter.acquire} resolves, right
 * before the request goes out; JavaScript runs one callback at a time, so the
 * check and the record are atomic across concurrent workers in a process.
 * Windows are lengthened by the safety margin. One limiter per channel and
 * process: several processes sharing a bot need a shared limiter (Redis).
 */
import type { LimitRule } from "./limits.js";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** The limiter of one channel in one process (see the module comment). */
export class RateLimiter {
  private readonly global: { rule: LimitRule; log: number[] }[];
  private readonly chat: LimitRule[];
  private readonly chats = new Map<string, number[][]>();
  private pausedUntil = 0;

  /**
   * @param rules the rules (empty: no limit)
   * @param margin fraction added to every window (0.03: 3 % longer)
   * @param now clock in milliseconds
   */
  constructor(
    rules: readonly LimitRule[],
    private readonly margin = 0.03,
    private readonly now: () => number = Date.now,
  ) {
    this.global = rules.filter((r) => r.scope === "global").map((rule) => ({ rule, log: [] }));
    this.chat = rules.filter((r) => r.scope === "chat");
  }

  private window(rule: LimitRule): number {
    return Math.ceil(rule.windowMs * (1 + this.margin));
  }

  /** Earliest time one rule allows a send, given its log (pruned of entries out of the window). */
  private earliest(rule: LimitRule, log: number[], t: number): number {
    const w = this.window(rule);
    while (log.length > 0 && (log[0] ?? 0) <= t - w) log.shift();
    if (log.length < rule.max) return t;
    return (log[log.length - rule.max] ?? t) + w;
  }

  private chatLogs(chat: string): number[][] {
    let logs = this.chats.get(chat);
    if (!logs) {
      logs = this.chat.map(() => []);
      this.chats.set(chat, logs);
    }
    return logs;
  }

  /** The earliest time (ms) a send to `chat` would be allowed, without reserving it. */
  readyAt(chat: string): number {
    const t = this.now();
    let at = Math.max(t, this.pausedUntil);
    for (const g of this.global) at = Math.max(at, this.earliest(g.rule, g.log, t));
    const logs = this.chatLogs(chat);
    this.chat.forEach((rule, i) => {
      at = Math.max(at, this.earliest(rule, logs[i] ?? [], t));
    });
    return at;
  }

  /** The earliest time (ms) the global rules (and a pause) allow any send, the chats' own rules not considered. */
  globalReadyAt(): number {
    const t = this.now();
    return this.global.reduce((at, g) => Math.max(at, this.earliest(g.rule, g.log, t)), Math.max(t, this.pausedUntil));
  }

  /**
   * The earliest time (ms) the chat's own rules allow a send to it (the global ones not considered).
   * @param t now (pass the time a caller compares the answer with, so a clock tick in between cannot make a ready chat look not ready)
   */
  chatReadyAt(chat: string, t = this.now()): number {
    const logs = this.chatLogs(chat);
    return this.chat.reduce((at, rule, i) => Math.max(at, this.earliest(rule, logs[i] ?? [], t)), t);
  }

  /** Wait until a send to `chat` is allowed, and record it (call right before sending). */
  async acquire(chat: string): Promise<void> {
    for (;;) {
      const at = this.readyAt(chat);
      const t = this.now();
      if (at <= t) {
        for (const g of this.global) g.log.push(t);
        for (const log of this.chatLogs(chat)) log.push(t);
        return;
      }
      await sleep(at - t);
    }
  }

  /**
   * Count a send made earlier (by a previous process: the outbox's send log).
   * Call in ascending time order, before any {@link acquire}.
   */
  seed(chat: string, at: number): void {
    for (const g of this.global) g.log.push(at);
    for (const log of this.chatLogs(chat)) log.push(at);
  }

  /** The longest window of the rules (how far back {@link seed} needs to go), in ms. */
  longestWindowMs(): number {
    return Math.max(0, ...[...this.global.map((g) => g.rule), ...this.chat].map((r) => this.window(r)));
  }

  /** Hold every send until `until` (a platform-wide rate-limit answer). */
  pauseAll(until: number): void {
    this.pausedUntil = Math.max(this.pausedUntil, until);
  }

  /** Forget chats without sends in any window (long broadcasts over many chats). */
  prune(): void {
    const t = this.now();
    for (const [chat, logs] of this.chats) {
      if (logs.every((log, i) => log.length === 0 || (log[log.length - 1] ?? 0) <= t - this.window(this.chat[i] as LimitRule)))
        this.chats.delete(chat);
    }
  }
}
