/**
 * The outbox in SQLite (tables `broadcast_notices` and `broadcast_deliveries`
 * of the broadcast database, see db.ts): the embedded default. Every state
 * change is one committed statement, so a process killed at any instant
 * leaves rows that say exactly what was done. One process runs a broadcast at
 * a time (a lease with the holder's host, pid and heartbeat).
 */
import { hostname } from "node:os";
import type { Database } from "./db.js";
import type { Channel, Notice } from "./notice.js";
import {
  BroadcastBusyError,
  type BroadcastRecord,
  type BroadcastState,
  type Delivery,
  type DeliveryCounts,
  type DeliveryState,
  type Outbox,
} from "./outbox.js";
import { chatKey } from "./subscriptions.js";

interface NoticeRow {
  id: string;
  notice: string;
  state: BroadcastState;
  created_by: string;
  created_at: number;
  scheduled_at: number | null;
  finished_at: number | null;
  total: number;
  assets: string;
  owner_host: string | null;
  owner_pid: number | null;
  heartbeat_at: number | null;
}

interface DeliveryRow {
  notice_id: string;
  chat: string;
  channel: Channel;
  chat_id: string;
  title: string;
  state: DeliveryState;
  part: number;
  message_ids: string;
  attempts: number;
  rate_limited: number;
  not_before: number;
  error: string | null;
  permanent: number;
  uncertain: number;
  updated_at: number;
}

const toRecord = (r: NoticeRow): BroadcastRecord => ({
  noticeId: r.id,
  notice: JSON.parse(r.notice) as Notice,
  state: r.state,
  createdBy: r.created_by,
  createdAt: r.created_at,
  scheduledAt: r.scheduled_at,
  finishedAt: r.finished_at,
  total: r.total,
  assets: JSON.parse(r.assets) as Record<string, string>,
});

const toDelivery = (r: DeliveryRow): Delivery => ({
  noticeId: r.notice_id,
  chat: r.chat,
  channel: r.channel,
  chatId: r.chat_id,
  title: r.title,
  state: r.state,
  part: r.part,
  messageIds: JSON.parse(r.message_ids) as string[],
  attempts: r.attempts,
  rateLimited: r.rate_limited,
  notBefore: r.not_before,
  ...(r.error !== null ? { error: r.error } : {}),
  permanent: r.permanent === 1,
  uncertain: r.uncertain,
  updatedAt: r.updated_at,
});

/** Whether a process with this pid runs on this host (EPERM: it exists but is not ours). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** The SQLite outbox; the database comes from `openBroadcastDb` (db.ts) and stays the caller's to close. */
export class SqliteOutbox implements Outbox {
  private readonly host = hostname();

  /** @param now clock in milliseconds */
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS broadcast_notices (
      id TEXT PRIMARY KEY, notice TEXT NOT NULL, state TEXT NOT NULL, created_by TEXT NOT NULL, created_at INTEGER NOT NULL,
      scheduled_at INTEGER, finished_at INTEGER, total INTEGER NOT NULL, assets TEXT NOT NULL DEFAULT '{}',
      owner_host TEXT, owner_pid INTEGER, heartbeat_at INTEGER)`);
    db.exec(`CREATE TABLE IF NOT EXISTS broadcast_deliveries (
      notice_id TEXT NOT NULL, chat TEXT NOT NULL, channel TEXT NOT NULL, chat_id TEXT NOT NULL, title TEXT NOT NULL,
      state TEXT NOT NULL, part INTEGER NOT NULL DEFAULT 0, message_ids TEXT NOT NULL DEFAULT '[]',
      attempts INTEGER NOT NULL DEFAULT 0, rate_limited INTEGER NOT NULL DEFAULT 0, not_before INTEGER NOT NULL DEFAULT 0,
      error TEXT, permanent INTEGER NOT NULL DEFAULT 0, uncertain INTEGER NOT NULL DEFAULT 0, updated_at INTEGER NOT NULL,
      seq INTEGER NOT NULL, PRIMARY KEY (notice_id, chat))`);
    db.exec("CREATE INDEX IF NOT EXISTS broadcast_deliveries_state ON broadcast_deliveries (notice_id, state)");
    // The send log of the rate limiters (see recentSends); rows older than a day are purged on recover.
    db.exec("CREATE TABLE IF NOT EXISTS broadcast_sends (channel TEXT NOT NULL, chat TEXT NOT NULL, at INTEGER NOT NULL)");
    db.exec("CREATE INDEX IF NOT EXISTS broadcast_sends_at ON broadcast_sends (channel, at)");
  }

  create(notice: Notice, audience: { channel: Channel; chatId: string; title: string }[], by: string) {
    return this.db
      .transaction(() => {
        const existing = this.get(notice.id);
        if (existing) return { record: existing, created: false };
        const at = this.now();
        const scheduledAt = notice.scheduledAt ? Date.parse(notice.scheduledAt) : null;
        this.db
          .prepare(
            "INSERT INTO broadcast_notices (id, notice, state, created_by, created_at, scheduled_at, total) VALUES (?, ?, ?, ?, ?, ?, ?)",
          )
          .run(notice.id, JSON.stringify(notice), scheduledAt && scheduledAt > at ? "scheduled" : "running", by, at, scheduledAt, 0);
        const insert = this.db.prepare(
          "INSERT OR IGNORE INTO broadcast_deliveries (notice_id, chat, channel, chat_id, title, state, updated_at, seq) VALUES (?, ?, ?, ?, ?, 'pending', ?, ?)",
        );
        let total = 0;
        for (const a of audience)
          total += insert.run(notice.id, chatKey(a.channel, a.chatId), a.channel, a.chatId, a.title, at, total).changes;
        this.db.prepare("UPDATE broadcast_notices SET total = ? WHERE id = ?").run(total, notice.id);
        return { record: this.get(notice.id) as BroadcastRecord, created: true };
      })
      .immediate();
  }

  get(noticeId: string): BroadcastRecord | undefined {
    const r = this.db.prepare("SELECT * FROM broadcast_notices WHERE id = ?").get(noticeId) as NoticeRow | undefined;
    return r ? toRecord(r) : undefined;
  }

  unfinished(): BroadcastRecord[] {
    return (
      this.db.prepare("SELECT * FROM broadcast_notices WHERE state IN ('scheduled', 'running') ORDER BY created_at").all() as NoticeRow[]
    ).map(toRecord);
  }

  claim(noticeId: string, staleMs = 15_000): void {
    this.db
      .transaction(() => {
        const r = this.db.prepare("SELECT * FROM broadcast_notices WHERE id = ?").get(noticeId) as NoticeRow | undefined;
        if (!r) throw new Error(`unknown broadcast ${noticeId}`);
        const mine = r.owner_host === this.host && r.owner_pid === process.pid;
        const held =
          r.owner_pid !== null && !mine && (r.owner_host === this.host ? alive(r.owner_pid) : (r.heartbeat_at ?? 0) > this.now() - staleMs);
        if (held) throw new BroadcastBusyError(noticeId, `${r.owner_host}:${r.owner_pid}`);
        this.db
          .prepare("UPDATE broadcast_notices SET owner_host = ?, owner_pid = ?, heartbeat_at = ? WHERE id = ?")
          .run(this.host, process.pid, this.now(), noticeId);
      })
      .immediate();
  }

  heartbeat(noticeId: string): void {
    this.db
      .prepare("UPDATE broadcast_notices SET heartbeat_at = ? WHERE id = ? AND owner_host = ? AND owner_pid = ?")
      .run(this.now(), noticeId, this.host, process.pid);
  }

  release(noticeId: string): void {
    this.db
      .prepare(
        "UPDATE broadcast_notices SET owner_host = NULL, owner_pid = NULL, heartbeat_at = NULL WHERE id = ? AND owner_host = ? AND owner_pid = ?",
      )
      .run(noticeId, this.host, process.pid);
  }

  recover(noticeId: string, idempotent: (channel: Channel) => boolean, dedupWindowMs: number) {
    return this.db
      .transaction(() => {
        const rows = (
          this.db.prepare("SELECT * FROM broadcast_deliveries WHERE notice_id = ? AND state = 'in_flight'").all(noticeId) as DeliveryRow[]
        ).map(toDelivery);
        const toUncertain = this.db.prepare(
          "UPDATE broadcast_deliveries SET state = 'uncertain', uncertain = uncertain + 1, updated_at = ? WHERE notice_id = ? AND chat = ?",
        );
        const toPending = this.db.prepare(
          "UPDATE broadcast_deliveries SET state = 'pending', updated_at = ? WHERE notice_id = ? AND chat = ?",
        );
        let uncertain = 0;
        for (const d of rows) {
          if (idempotent(d.channel) && d.updatedAt > this.now() - dedupWindowMs) toPending.run(this.now(), noticeId, d.chat);
          else {
            toUncertain.run(this.now(), noticeId, d.chat);
            uncertain++;
          }
        }
        return { uncertain, pending: rows.length - uncertain };
      })
      .immediate();
  }

  todo(noticeId: string): Delivery[] {
    return (
      this.db
        .prepare("SELECT * FROM broadcast_deliveries WHERE notice_id = ? AND state IN ('pending', 'uncertain') ORDER BY part, seq")
        .all(noticeId) as DeliveryRow[]
    ).map(toDelivery);
  }

  rows(noticeId: string): Delivery[] {
    return (this.db.prepare("SELECT * FROM broadcast_deliveries WHERE notice_id = ? ORDER BY seq").all(noticeId) as DeliveryRow[]).map(
      toDelivery,
    );
  }

  counts(noticeId: string): DeliveryCounts {
    const r = this.db
      .prepare(
        `SELECT count(*) AS total, sum(state = 'pending') AS pending, sum(state = 'in_flight') AS inFlight, sum(state = 'sent') AS sent,
          sum(state = 'failed') AS failed, sum(state = 'uncertain') AS uncertainNow, sum(uncertain > 0) AS everUncertain
         FROM broadcast_deliveries WHERE notice_id = ?`,
      )
      .get(noticeId) as Record<keyof DeliveryCounts, number | null>;
    return {
      total: r.total ?? 0,
      pending: r.pending ?? 0,
      inFlight: r.inFlight ?? 0,
      sent: r.sent ?? 0,
      failed: r.failed ?? 0,
      uncertainNow: r.uncertainNow ?? 0,
      everUncertain: r.everUncertain ?? 0,
    };
  }

  private update(d: Delivery, set: Partial<Delivery>): void {
    Object.assign(d, set, { updatedAt: this.now() });
    this.db
      .prepare(
        `UPDATE broadcast_deliveries SET state = ?, part = ?, message_ids = ?, attempts = ?, rate_limited = ?, not_before = ?, error = ?,
          permanent = ?, uncertain = ?, updated_at = ? WHERE notice_id = ? AND chat = ?`,
      )
      .run(
        d.state,
        d.part,
        JSON.stringify(d.messageIds),
        d.attempts,
        d.rateLimited,
        d.notBefore,
        d.error ?? null,
        d.permanent ? 1 : 0,
        d.uncertain,
        d.updatedAt,
        d.noticeId,
        d.chat,
      );
  }

  markInFlight(d: Delivery): void {
    this.db.transaction(() => {
      this.update(d, { state: "in_flight" });
      this.db.prepare("INSERT INTO broadcast_sends (channel, chat, at) VALUES (?, ?, ?)").run(d.channel, d.chat, d.updatedAt);
    })();
  }

  recentSends(channel: Channel, since: number): { chat: string; at: number }[] {
    return this.db.prepare("SELECT chat, at FROM broadcast_sends WHERE channel = ? AND at > ? ORDER BY at").all(channel, since) as {
      chat: string;
      at: number;
    }[];
  }

  markPartSent(d: Delivery, messageId: string, parts: number): void {
    const messageIds = [...d.messageIds];
    messageIds[d.part] = messageId;
    const part = d.part + 1;
    this.update(d, { state: part >= parts ? "sent" : "pending", part, messageIds, attempts: 0, notBefore: 0 });
  }

  retryLater(d: Delivery, o: { notBefore: number; error: string; rateLimited: boolean; uncertain: boolean }): void {
    this.update(d, {
      state: o.uncertain ? "uncertain" : "pending",
      notBefore: o.notBefore,
      error: o.error,
      attempts: d.attempts + (o.rateLimited ? 0 : 1),
      rateLimited: d.rateLimited + (o.rateLimited ? 1 : 0),
      uncertain: d.uncertain + (o.uncertain ? 1 : 0),
    });
  }

  markFailed(d: Delivery, error: string, permanent: boolean): void {
    this.update(d, { state: "failed", error, permanent });
  }

  moveChat(d: Delivery, newChatId: string): void {
    const chat = chatKey(d.channel, newChatId);
    this.db
      .prepare("UPDATE broadcast_deliveries SET chat = ?, chat_id = ?, updated_at = ? WHERE notice_id = ? AND chat = ?")
      .run(chat, newChatId, this.now(), d.noticeId, d.chat);
    Object.assign(d, { chat, chatId: newChatId });
  }

  setAsset(noticeId: string, key: string, value: string): void {
    const r = this.get(noticeId);
    if (!r) return;
    this.db.prepare("UPDATE broadcast_notices SET assets = ? WHERE id = ?").run(JSON.stringify({ ...r.assets, [key]: value }), noticeId);
  }

  setState(noticeId: string, state: BroadcastState): void {
    this.db
      .prepare("UPDATE broadcast_notices SET state = ?, finished_at = ? WHERE id = ?")
      .run(state, state === "done" || state === "cancelled" ? this.now() : null, noticeId);
  }

  close(): void {
    // The database belongs to whoever opened it (db.ts); nothing of our own to release.
  }
}
