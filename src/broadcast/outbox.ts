/**
 * The outbox: one broadcast row per notice and one delivery row per
 * (notice, chat), written before anything is sent. A delivery goes through
 *
 * ```
 * pending ──▶ in_flight ──▶ sent (the platform's message ids)
 *    ▲            │  └────▶ failed (reason; permanent or retries exhausted)
 *    └── retry ◀──┘
 * in_flight at a restart ──▶ uncertain (Telegram: it may have arrived) ──▶ resent ──▶ sent
 *                        └─▶ pending (Lark: the resend carries the same uuid, Lark drops a duplicate)
 * ```
 * A delivery has parts (the message, then the .docx); `part` is the next part
 * to send, `messageIds[i]` the platform's id of part i. A row is `in_flight`
 * only from just before its request goes out until its answer is recorded, so
 * after a crash exactly the rows that were on the wire are in_flight; on
 * Telegram each of them is resent (never missing) and counted as uncertain
 * (possibly doubled), bounded by the number of sends allowed in flight.
 */
import type { Channel, Notice } from "./notice.js";

/** States of a delivery row. */
export type DeliveryState = "pending" | "in_flight" | "sent" | "failed" | "uncertain";

/** One delivery row: a notice to one chat. */
export interface Delivery {
  noticeId: string;
  /** `<channel>:<chat id>` (see subscriptions.ts `chatKey`). */
  chat: string;
  channel: Channel;
  chatId: string;
  /** The group's title when the broadcast was created. */
  title: string;
  state: DeliveryState;
  /** The next part to send (0-based; equals the number of parts once sent). */
  part: number;
  /** The platform's message id of each part sent so far. */
  messageIds: string[];
  /** Failed attempts of the current part so far (5xx, network errors). */
  attempts: number;
  /** Rate-limit answers so far, all parts (429 / 99991400), not counted as attempts. */
  rateLimited: number;
  /** Not to be sent before this time (ms since the epoch; a retry's backoff or retry_after). */
  notBefore: number;
  /** The last error (failed rows: why). */
  error?: string;
  /** Whether the failure is permanent (blocked, kicked, chat not found). */
  permanent: boolean;
  /** How many times the row was found in flight at a restart, or its answer was lost (Telegram: possible repeats). */
  uncertain: number;
  /** Last change, ms since the epoch. */
  updatedAt: number;
}

/** States of a broadcast. */
export type BroadcastState = "scheduled" | "running" | "done" | "cancelled";

/** The broadcast row of a notice. */
export interface BroadcastRecord {
  noticeId: string;
  notice: Notice;
  state: BroadcastState;
  /** Who started it (a principal). */
  createdBy: string;
  createdAt: number;
  /** When to send (ms since the epoch); null: at once. */
  scheduledAt: number | null;
  finishedAt: number | null;
  /** How many deliveries it has. */
  total: number;
  /** Reusable uploads: Lark `file_key`, Telegram `file_id` of the .docx. */
  assets: Record<string, string>;
}

/** Counts of a broadcast's deliveries by state, and how many were uncertain at some point. */
export interface DeliveryCounts {
  total: number;
  pending: number;
  inFlight: number;
  sent: number;
  failed: number;
  /** Rows waiting for a resend after a crash (state `uncertain`). */
  uncertainNow: number;
  /** Rows that were ever uncertain (Telegram: each may have been delivered twice). */
  everUncertain: number;
}

/** Another process is running this broadcast. */
export class BroadcastBusyError extends Error {
  constructor(
    readonly noticeId: string,
    readonly owner: string,
  ) {
    super(`群发 ${noticeId} 正由 ${owner} 执行 / broadcast ${noticeId} is being run by ${owner}`);
    this.name = "BroadcastBusyError";
  }
}

/** What the engine needs from an outbox (SQLite now; Redis/BullMQ later plugs in here). */
export interface Outbox {
  /**
   * Create the broadcast with one pending row per chat, in one transaction; an
   * existing broadcast is left as it is (its audience was fixed when it was created).
   * @returns the broadcast and whether this call created it
   */
  create(
    notice: Notice,
    audience: { channel: Channel; chatId: string; title: string }[],
    by: string,
  ): { record: BroadcastRecord; created: boolean };
  get(noticeId: string): BroadcastRecord | undefined;
  /** Broadcasts not yet done or cancelled, oldest first. */
  unfinished(): BroadcastRecord[];
  /**
   * Take the broadcast for this process (a lease renewed by {@link heartbeat}).
   * A lease whose holder stopped (a dead pid on this host, or no heartbeat for `staleMs`) is taken over.
   * @throws BroadcastBusyError while another live process holds it
   */
  claim(noticeId: string, staleMs?: number): void;
  /** Renew this process's lease. */
  heartbeat(noticeId: string): void;
  /** Give the lease up. */
  release(noticeId: string): void;
  /**
   * After a crash: rows left `in_flight` become `uncertain` on channels without
   * an idempotency key (and on the others when older than `dedupWindowMs`), else `pending`.
   * @returns how many rows became uncertain and how many pending
   */
  recover(noticeId: string, idempotent: (channel: Channel) => boolean, dedupWindowMs: number): { uncertain: number; pending: number };
  /** Rows still to send (pending or uncertain), by part then creation order. */
  todo(noticeId: string): Delivery[];
  /** Every row of the broadcast, in creation order. */
  rows(noticeId: string): Delivery[];
  counts(noticeId: string): DeliveryCounts;
  /**
   * The row goes on the wire: state in_flight, and the send's time in the
   * send log (one transaction, written before the request).
   */
  markInFlight(d: Delivery): void;
  /**
   * Sends of a channel since `since` (ms), oldest first, from every broadcast
   * and process: a restarted limiter starts from them, so a crash or a
   * second broadcast right after the first never exceeds a window.
   */
  recentSends(channel: Channel, since: number): { chat: string; at: number }[];
  /** Part `d.part` was delivered with `messageId`; the row is `sent` after its last part. */
  markPartSent(d: Delivery, messageId: string, parts: number): void;
  /** Try again at `notBefore`; `uncertain` when the lost answer may hide a delivery. */
  retryLater(d: Delivery, o: { notBefore: number; error: string; rateLimited: boolean; uncertain: boolean }): void;
  /** The row failed for good. */
  markFailed(d: Delivery, error: string, permanent: boolean): void;
  /** A Telegram group became a supergroup: the row now targets `newChatId`. */
  moveChat(d: Delivery, newChatId: string): void;
  setAsset(noticeId: string, key: string, value: string): void;
  setState(noticeId: string, state: BroadcastState): void;
  close(): void;
}
