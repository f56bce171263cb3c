/**
 * The subscription registry: which groups receive notices, on which topics.
 * One row per (channel, chat id); /subscribe adds or updates it, /unsubscribe
 * and the platforms (bot removed from the group, chat gone, a permanent send
 * error) end it with a reason. Ended rows are kept (who ended it, when, why),
 * so the history is never lost; a new /subscribe revives the row.
 */
import type { Database } from "./db.js";
import type { Channel } from "./notice.js";
import { matches, type Topics } from "./topics.js";

/** One subscribed group. */
export interface Subscription {
  channel: Channel;
  /** The platform's chat id (Telegram: a negative number as text, e.g. `-1001234`; Lark: `oc_…`). */
  chatId: string;
  /** The group's title when it subscribed (for lists and reports). */
  title: string;
  topics: Topics;
  /** Who subscribed (a principal, see roles.ts: `telegram:123`). */
  by: string;
  /** When, in milliseconds since the epoch. */
  at: number;
  /** Set when the subscription ended. */
  ended?: { at: number; reason: string; by: string };
}

/** The key of a chat across channels: `telegram:-1001234`, `lark:oc_…` (also the outbox's chat key). */
export const chatKey = (channel: Channel, chatId: string): string => `${channel}:${chatId}`;

interface Row {
  channel: Channel;
  chat_id: string;
  title: string;
  topics: string;
  by: string;
  at: number;
  ended_at: number | null;
  ended_reason: string | null;
  ended_by: string | null;
}

const toSubscription = (r: Row): Subscription => ({
  channel: r.channel,
  chatId: r.chat_id,
  title: r.title,
  topics: JSON.parse(r.topics) as Topics,
  by: r.by,
  at: r.at,
  ...(r.ended_at !== null ? { ended: { at: r.ended_at, reason: r.ended_reason ?? "", by: r.ended_by ?? "" } } : {}),
});

/** Subscriptions in the broadcast database (table `broadcast_subscriptions`). */
export class SubscriptionRegistry {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS broadcast_subscriptions (
      channel TEXT NOT NULL, chat_id TEXT NOT NULL, title TEXT NOT NULL, topics TEXT NOT NULL,
      by TEXT NOT NULL, at INTEGER NOT NULL, ended_at INTEGER, ended_reason TEXT, ended_by TEXT,
      PRIMARY KEY (channel, chat_id))`);
  }

  /**
   * Subscribe a group, or update its topics and title (an ended subscription starts again).
   * @param s channel, chatId, title, topics and who subscribed (`at` defaults to now)
   */
  add(s: Omit<Subscription, "at" | "ended"> & { at?: number }): Subscription {
    const at = s.at ?? this.now();
    this.db
      .prepare(
        `INSERT INTO broadcast_subscriptions (channel, chat_id, title, topics, by, at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT (channel, chat_id) DO UPDATE SET title = excluded.title, topics = excluded.topics, by = excluded.by,
           at = excluded.at, ended_at = NULL, ended_reason = NULL, ended_by = NULL`,
      )
      .run(s.channel, s.chatId, s.title, JSON.stringify(s.topics), s.by, at);
    return { channel: s.channel, chatId: s.chatId, title: s.title, topics: s.topics, by: s.by, at };
  }

  /**
   * Many groups in one transaction (imports, tests with hundreds of groups).
   * @returns how many were written
   */
  addMany(list: (Omit<Subscription, "at" | "ended"> & { at?: number })[]): number {
    this.db.transaction(() => {
      for (const s of list) this.add(s);
    })();
    return list.length;
  }

  /**
   * End a subscription: /unsubscribe (reason `unsubscribed`), the bot removed
   * from the group, or a permanent send error (the error's text).
   * @param by who ended it: a principal, or `system` for the platforms' answers
   * @returns false when there was no active subscription
   */
  end(channel: Channel, chatId: string, reason: string, by = "system"): boolean {
    return (
      this.db
        .prepare(
          "UPDATE broadcast_subscriptions SET ended_at = ?, ended_reason = ?, ended_by = ? WHERE channel = ? AND chat_id = ? AND ended_at IS NULL",
        )
        .run(this.now(), reason, by, channel, chatId).changes > 0
    );
  }

  /** Remove a subscription with its history (个人信息保护法 deletion requests). @returns false when absent */
  remove(channel: Channel, chatId: string): boolean {
    return this.db.prepare("DELETE FROM broadcast_subscriptions WHERE channel = ? AND chat_id = ?").run(channel, chatId).changes > 0;
  }

  /** One subscription (active or ended), or undefined. */
  get(channel: Channel, chatId: string): Subscription | undefined {
    const r = this.db.prepare("SELECT * FROM broadcast_subscriptions WHERE channel = ? AND chat_id = ?").get(channel, chatId) as
      | Row
      | undefined;
    return r ? toSubscription(r) : undefined;
  }

  /**
   * Subscriptions in subscription order.
   * @param o.channel one channel only; o.includeEnded also the ended ones
   */
  list(o: { channel?: Channel; includeEnded?: boolean } = {}): Subscription[] {
    const where = [o.includeEnded ? "1 = 1" : "ended_at IS NULL", o.channel ? "channel = ?" : "1 = 1"].join(" AND ");
    const rows = this.db
      .prepare(`SELECT * FROM broadcast_subscriptions WHERE ${where} ORDER BY at, rowid`)
      .all(...(o.channel ? [o.channel] : [])) as Row[];
    return rows.map(toSubscription);
  }

  /**
   * The audience of a notice: active subscriptions whose topics match (see topics.ts).
   * @param channels only these channels (default both)
   */
  audience(topics: Topics, channels?: readonly Channel[]): Subscription[] {
    return this.list().filter((s) => (!channels || channels.includes(s.channel)) && matches(s.topics, topics));
  }
}
