/**
 * Where a broadcast started from chat reports to: the admin's chat and the
 * progress message being edited (table `broadcast_chat_origin`, in the
 * broadcast database next to the outbox). It lets a scheduled notice, or one
 * resumed after a restart, report to the same chat and edit the same message.
 */
import type { Database } from "../db.js";
import type { Channel } from "../notice.js";
import type { Awaitable } from "../stores.js";

/** The admin chat of a broadcast. */
export interface Origin {
  noticeId: string;
  channel: Channel;
  chatId: string;
  /** The progress message, once sent. */
  progressMessageId: string | null;
  /** Whether the final report was sent (never twice). */
  reported: boolean;
}

/**
 * Where chat broadcasts report to, whatever holds it: the SQLite table
 * ({@link Origins}, synchronous) or Redis (origins-redis.ts). Callers `await`
 * every call.
 */
export interface OriginStore {
  /** Remember the admin chat of a broadcast (kept as it is when already known). */
  add(noticeId: string, channel: Channel, chatId: string): Awaitable<void>;
  /** The origin of a broadcast, or undefined (started from the command line). */
  get(noticeId: string): Awaitable<Origin | undefined>;
  /** The progress message was sent. */
  setProgressMessage(noticeId: string, messageId: string): Awaitable<void>;
  /** The final report was sent. */
  setReported(noticeId: string): Awaitable<void>;
  /**
   * Take or renew the right to edit a broadcast's progress message and send its report: one holder at a
   * time, for `ttlMs` after the last renewal (a dead holder's right passes to the next one who asks).
   * @param holder a name unique to the asking runner
   * @returns whether `holder` has it now
   */
  claim(noticeId: string, holder: string, ttlMs: number): Awaitable<boolean>;
  /** Give the right up (when the holder stops before the end), if `holder` has it. */
  release(noticeId: string, holder: string): Awaitable<void>;
}

/**
 * The origins table. Its claim always succeeds: on SQLite one process runs a broadcast at a time (the
 * outbox lease), so the runner that runs it is the one that reports.
 */
export class Origins implements OriginStore {
  constructor(private readonly db: Database) {
    db.exec(`CREATE TABLE IF NOT EXISTS broadcast_chat_origin (
      notice_id TEXT PRIMARY KEY, channel TEXT NOT NULL, chat_id TEXT NOT NULL,
      progress_message_id TEXT, reported INTEGER NOT NULL DEFAULT 0)`);
  }

  /** Remember the admin chat of a broadcast (kept as it is when already known). */
  add(noticeId: string, channel: Channel, chatId: string): void {
    this.db
      .prepare("INSERT INTO broadcast_chat_origin (notice_id, channel, chat_id) VALUES (?, ?, ?) ON CONFLICT (notice_id) DO NOTHING")
      .run(noticeId, channel, chatId);
  }

  /** The origin of a broadcast, or undefined (started from the command line). */
  get(noticeId: string): Origin | undefined {
    const r = this.db.prepare("SELECT * FROM broadcast_chat_origin WHERE notice_id = ?").get(noticeId) as
      | { notice_id: string; channel: Channel; chat_id: string; progress_message_id: string | null; reported: number }
      | undefined;
    return r
      ? {
          noticeId: r.notice_id,
          channel: r.channel,
          chatId: r.chat_id,
          progressMessageId: r.progress_message_id,
          reported: r.reported === 1,
        }
      : undefined;
  }

  /** The progress message was sent. */
  setProgressMessage(noticeId: string, messageId: string): void {
    this.db.prepare("UPDATE broadcast_chat_origin SET progress_message_id = ? WHERE notice_id = ?").run(messageId, noticeId);
  }

  /** The final report was sent. */
  setReported(noticeId: string): void {
    this.db.prepare("UPDATE broadcast_chat_origin SET reported = 1 WHERE notice_id = ?").run(noticeId);
  }

  /** Always true (see the class comment). */
  claim(_noticeId: string, _holder: string, _ttlMs: number): boolean {
    return true;
  }

  /** Nothing to give up (see the class comment). */
  release(_noticeId: string, _holder: string): void {}
}
