/**
 * The in-memory work queue of one channel during a run, loaded from the
 * outbox: one queue per part (a chat's .docx follows its message as soon as
 * the chat's own limit allows, otherwise messages to other chats go first),
 * and a delayed list for rows waiting out a retry_after or a backoff.
 */
import type { RateLimiter } from "./limiter.js";
import type { Delivery } from "./outbox.js";

/** The work queue of one channel in one run (not shared between processes). */
export class ChannelQueue {
  private readonly byPart: Delivery[][];
  private delayed: Delivery[] = [];
  private waiters: (() => void)[] = [];
  /** Rows taken and not yet put back or finished. */
  inFlight = 0;

  /**
   * @param rows the rows to send (pending or uncertain)
   * @param parts parts per delivery
   */
  constructor(
    rows: Delivery[],
    parts: number,
    private readonly limiter: RateLimiter,
    private readonly now: () => number = Date.now,
  ) {
    this.byPart = Array.from({ length: parts }, () => []);
    for (const r of rows) this.put(r);
  }

  /** Queue a row (again): delayed until its notBefore if that is in the future. */
  put(d: Delivery): void {
    if (d.notBefore > this.now()) this.delayed.push(d);
    else this.enqueue(d);
    this.wake();
  }

  /**
   * Part 0 in order; a later part by the time its chat's own limits allow it
   * (answers can come back out of send order), so the head is always the
   * part that is ready first.
   */
  private enqueue(d: Delivery): void {
    const p = Math.min(d.part, this.byPart.length - 1);
    const q = this.byPart[p] as Delivery[];
    if (p === 0) {
      q.push(d);
      return;
    }
    const t = this.now();
    const at = this.limiter.chatReadyAt(d.chat, t);
    let i = q.length;
    while (i > 0 && this.limiter.chatReadyAt((q[i - 1] as Delivery).chat, t) > at) i--;
    q.splice(i, 0, d);
  }

  /** A taken row comes back (its next part, or a retry). */
  requeue(d: Delivery): void {
    this.inFlight--;
    this.put(d);
  }

  /** A taken row went out of the queue for good (sent, failed). */
  done(): void {
    this.inFlight--;
    this.wake();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  private promote(): void {
    const t = this.now();
    const due = this.delayed.filter((d) => d.notBefore <= t);
    if (due.length === 0) return;
    this.delayed = this.delayed.filter((d) => d.notBefore > t);
    for (const d of due) this.enqueue(d);
  }

  /** Whether a row is queued now (not counting rows in flight or delayed ones not yet due). */
  queued(): boolean {
    this.promote();
    return this.byPart.some((q) => q.length > 0);
  }

  /**
   * The next row to send: the head of the highest part whose chat's own limits
   * allow a send now (so a group's .docx follows its message about a second
   * later even while the global limit is saturated), else the head of the
   * lowest non-empty part; null when nothing is ready.
   */
  take(): Delivery | null {
    this.promote();
    const t = this.now();
    for (let p = this.byPart.length - 1; p > 0; p--) {
      const q = this.byPart[p] as Delivery[];
      const head = q[0];
      if (head && this.limiter.chatReadyAt(head.chat, t) <= t) {
        q.shift();
        this.inFlight++;
        return head;
      }
    }
    for (const q of this.byPart) {
      const head = q.shift();
      if (head) {
        this.inFlight++;
        return head;
      }
    }
    return null;
  }

  /** Nothing queued, delayed or in flight: the channel is finished. */
  finished(): boolean {
    return this.inFlight === 0 && this.delayed.length === 0 && this.byPart.every((q) => q.length === 0);
  }

  /** Resolves when a row is queued or finished, when the first delayed row is due, or on abort. */
  wait(signal?: AbortSignal): Promise<void> {
    return new Promise((resolve) => {
      const next = Math.min(...this.delayed.map((d) => d.notBefore));
      let timer: NodeJS.Timeout | null = null;
      const done = () => {
        if (timer) clearTimeout(timer);
        signal?.removeEventListener("abort", done);
        resolve();
      };
      if (Number.isFinite(next)) timer = setTimeout(done, Math.max(0, next - this.now()));
      signal?.addEventListener("abort", done);
      this.waiters.push(done);
    });
  }

  /** Drop everything queued (cancel). */
  clear(): void {
    for (const q of this.byPart) q.length = 0;
    this.delayed = [];
    this.wake();
  }
}
