/**
 * The outbox in Redis (keys in redis-conn.ts): the same rows and states as
 * outbox.ts, shared by every instance. The broadcast and all its rows are
 * created by one Lua script (all or nothing, and only once per notice id);
 * every later change of a row is one Lua script that also keeps the per-state
 * counts, and checks the row's `holder` — the worker that took the row for
 * its current job — so a worker that lost its job (its lock expired and the
 * job went to another worker) can no longer write the row.
 */
import type { Redis } from "ioredis";
import type { Channel, Notice } from "./notice.js";
import type { BroadcastRecord, BroadcastState, Delivery, DeliveryCounts, DeliveryState } from "./outbox.js";
import type { BroadcastKeys } from "./redis-conn.js";
import { chatKey } from "./subscriptions.js";

/** A delivery row with its position (its id within the broadcast, also the BullMQ job's). */
export type RedisDelivery = Delivery & { seq: number };

/** The row was taken over by another worker (this one lost its job's lock): stop working on it. */
export class LostRowError extends Error {
  constructor(
    readonly noticeId: string,
    readonly seq: number,
  ) {
    super(`row ${noticeId}#${seq} was taken over by another worker`);
    this.name = "LostRowError";
  }
}

/** KEYS notice, notices, counts; ARGV id, notice, state, by, at, scheduledAt, row prefix, then chat, channel, chatId, title per row. */
const CREATE = `if redis.call('EXISTS', KEYS[1]) == 1 then return -1 end
local n = 0
for i = 8, #ARGV, 4 do
  redis.call('HSET', ARGV[7] .. n, 'seq', n, 'chat', ARGV[i], 'channel', ARGV[i + 1], 'chatId', ARGV[i + 2], 'title', ARGV[i + 3],
    'state', 'pending', 'part', 0, 'messageIds', '[]', 'attempts', 0, 'rateLimited', 0, 'notBefore', 0, 'error', '',
    'permanent', 0, 'uncertain', 0, 'updatedAt', ARGV[5], 'holder', '')
  n = n + 1
end
redis.call('HSET', KEYS[1], 'notice', ARGV[2], 'state', ARGV[3], 'createdBy', ARGV[4], 'createdAt', ARGV[5], 'scheduledAt', ARGV[6],
  'finishedAt', '', 'total', n, 'assets', '{}')
redis.call('HSET', KEYS[3], 'pending', n, 'in_flight', 0, 'sent', 0, 'failed', 0, 'uncertain', 0, 'ever', 0)
redis.call('ZADD', KEYS[2], ARGV[5], ARGV[1])
return n`;

/** KEYS row, counts; ARGV holder ('' = take the row: no check), then field/value pairs. @returns 0 when held by another */
const UPDATE = `if ARGV[1] ~= '' and redis.call('HGET', KEYS[1], 'holder') ~= ARGV[1] then return 0 end
local old = redis.call('HGET', KEYS[1], 'state')
if not old then return -1 end
local oldU = tonumber(redis.call('HGET', KEYS[1], 'uncertain'))
local new, newU = old, oldU
for i = 2, #ARGV, 2 do
  if ARGV[i] == 'state' then new = ARGV[i + 1] end
  if ARGV[i] == 'uncertain' then newU = tonumber(ARGV[i + 1]) end
  redis.call('HSET', KEYS[1], ARGV[i], ARGV[i + 1])
end
if old ~= new then redis.call('HINCRBY', KEYS[2], old, -1) redis.call('HINCRBY', KEYS[2], new, 1) end
if oldU == 0 and newU > 0 then redis.call('HINCRBY', KEYS[2], 'ever', 1) end
return 1`;

/** KEYS notice, counts; ARGV finishedAt. @returns 1 when this call finished the broadcast */
const FINISH = `local s = redis.call('HGET', KEYS[1], 'state')
if s ~= 'running' and s ~= 'scheduled' then return 0 end
local c = redis.call('HMGET', KEYS[2], 'sent', 'failed')
if tonumber(c[1]) + tonumber(c[2]) < tonumber(redis.call('HGET', KEYS[1], 'total')) then return 0 end
redis.call('HSET', KEYS[1], 'state', 'done', 'finishedAt', ARGV[1]) return 1`;

/** KEYS notice; ARGV asset key, value. */
const SET_ASSET = `local a = cjson.decode(redis.call('HGET', KEYS[1], 'assets') or '{}')
a[ARGV[1]] = ARGV[2]
redis.call('HSET', KEYS[1], 'assets', cjson.encode(a)) return 1`;

const num = (v: string | undefined) => Number(v ?? 0);

function toRecord(id: string, h: Record<string, string>): BroadcastRecord {
  const assets = JSON.parse(h.assets || "{}") as Record<string, string> | unknown[];
  return {
    noticeId: id,
    notice: JSON.parse(h.notice as string) as Notice,
    state: h.state as BroadcastState,
    createdBy: h.createdBy as string,
    createdAt: num(h.createdAt),
    scheduledAt: h.scheduledAt ? Number(h.scheduledAt) : null,
    finishedAt: h.finishedAt ? Number(h.finishedAt) : null,
    total: num(h.total),
    // cjson writes an empty table as {} (never [] here: only string keys are set).
    assets: Array.isArray(assets) ? {} : assets,
  };
}

function toDelivery(noticeId: string, h: Record<string, string>): RedisDelivery {
  return {
    seq: num(h.seq),
    noticeId,
    chat: h.chat as string,
    channel: h.channel as Channel,
    chatId: h.chatId as string,
    title: h.title as string,
    state: h.state as DeliveryState,
    part: num(h.part),
    messageIds: JSON.parse(h.messageIds || "[]") as string[],
    attempts: num(h.attempts),
    rateLimited: num(h.rateLimited),
    notBefore: num(h.notBefore),
    ...(h.error ? { error: h.error } : {}),
    permanent: h.permanent === "1",
    uncertain: num(h.uncertain),
    updatedAt: num(h.updatedAt),
  };
}

/** The Redis outbox (asynchronous; the engine on Redis is redis-worker.ts). */
export class RedisOutbox {
  /** @param now clock in milliseconds (row timestamps; the limiter uses the Redis clock) */
  constructor(
    private readonly redis: Redis,
    private readonly keys: BroadcastKeys,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Create the broadcast with one pending row per chat (duplicates dropped), atomically; an existing broadcast is left as it is.
   * @returns the broadcast and whether this call created it
   */
  async create(
    notice: Notice,
    audience: { channel: Channel; chatId: string; title: string }[],
    by: string,
  ): Promise<{ record: BroadcastRecord; created: boolean }> {
    const at = this.now();
    const scheduledAt = notice.scheduledAt ? Date.parse(notice.scheduledAt) : null;
    const seen = new Set<string>();
    const rows: string[] = [];
    for (const a of audience) {
      const chat = chatKey(a.channel, a.chatId);
      if (seen.has(chat)) continue;
      seen.add(chat);
      rows.push(chat, a.channel, a.chatId, a.title);
    }
    const state = scheduledAt && scheduledAt > at ? "scheduled" : "running";
    const k = this.keys;
    const n = Number(
      await this.redis.eval(
        CREATE,
        3,
        k.notice(notice.id),
        k.notices(),
        k.counts(notice.id),
        notice.id,
        JSON.stringify(notice),
        state,
        by,
        at,
        scheduledAt ?? "",
        k.rowPrefix(notice.id),
        ...rows,
      ),
    );
    return { record: (await this.get(notice.id)) as BroadcastRecord, created: n >= 0 };
  }

  async get(noticeId: string): Promise<BroadcastRecord | undefined> {
    const h = await this.redis.hgetall(this.keys.notice(noticeId));
    return h.notice ? toRecord(noticeId, h) : undefined;
  }

  /** Broadcasts not yet done or cancelled, oldest first. */
  async unfinished(): Promise<BroadcastRecord[]> {
    const ids = await this.redis.zrange(this.keys.notices(), 0, -1);
    const all = await Promise.all(ids.map((id) => this.get(id)));
    return all.filter((r): r is BroadcastRecord => r !== undefined && (r.state === "scheduled" || r.state === "running"));
  }

  /** Every row, in creation order. */
  async rows(noticeId: string): Promise<RedisDelivery[]> {
    const total = Number((await this.redis.hget(this.keys.notice(noticeId), "total")) ?? 0);
    const out: RedisDelivery[] = [];
    for (let from = 0; from < total; from += 500) {
      const p = this.redis.pipeline();
      for (let i = from; i < Math.min(total, from + 500); i++) p.hgetall(this.keys.row(noticeId, i));
      for (const [, h] of (await p.exec()) ?? []) out.push(toDelivery(noticeId, h as Record<string, string>));
    }
    return out;
  }

  /** Rows not yet sent or failed (pending, uncertain, in flight), in creation order. */
  async todo(noticeId: string): Promise<RedisDelivery[]> {
    return (await this.rows(noticeId)).filter((d) => d.state !== "sent" && d.state !== "failed");
  }

  async counts(noticeId: string): Promise<DeliveryCounts> {
    const [c, total] = await Promise.all([
      this.redis.hgetall(this.keys.counts(noticeId)),
      this.redis.hget(this.keys.notice(noticeId), "total"),
    ]);
    return {
      total: Number(total ?? 0),
      pending: num(c.pending),
      inFlight: num(c.in_flight),
      sent: num(c.sent),
      failed: num(c.failed),
      uncertainNow: num(c.uncertain),
      everUncertain: num(c.ever),
    };
  }

  private async update(d: RedisDelivery, holder: string, set: Partial<Delivery> & { holder?: string }): Promise<void> {
    Object.assign(d, set, { updatedAt: this.now() });
    const fields: (string | number)[] = [];
    for (const [k, v] of Object.entries({ ...set, updatedAt: d.updatedAt })) {
      if (k === "messageIds") fields.push(k, JSON.stringify(v));
      else if (k === "permanent") fields.push(k, v ? 1 : 0);
      else fields.push(k, (v ?? "") as string | number);
    }
    const r = await this.redis.eval(UPDATE, 2, this.keys.row(d.noticeId, d.seq), this.keys.counts(d.noticeId), holder, ...fields);
    if (r !== 1) throw new LostRowError(d.noticeId, d.seq);
  }

  /** Take row `seq` for a job: it is now written only with `holder`. */
  async take(noticeId: string, seq: number, holder: string): Promise<RedisDelivery> {
    const r = await this.redis.eval(UPDATE, 2, this.keys.row(noticeId, seq), this.keys.counts(noticeId), "", "holder", holder);
    if (r !== 1) throw new Error(`unknown row ${noticeId}#${seq}`);
    return toDelivery(noticeId, await this.redis.hgetall(this.keys.row(noticeId, seq)));
  }

  /**
   * A row found in flight when its job starts (the previous worker died or lost the job with the request on the wire):
   * `pending` when the platform de-duplicates the resend (Lark's uuid, within its window), else `uncertain` (counted).
   */
  async recoverRow(d: RedisDelivery, holder: string, idempotent: boolean): Promise<void> {
    await this.update(d, holder, idempotent ? { state: "pending" } : { state: "uncertain", uncertain: d.uncertain + 1 });
  }

  /** The row goes on the wire (the limiter has already logged the send). */
  async markInFlight(d: RedisDelivery, holder: string): Promise<void> {
    await this.update(d, holder, { state: "in_flight" });
  }

  /** Part `d.part` was delivered with `messageId`; the row is `sent` after its last part. */
  async markPartSent(d: RedisDelivery, messageId: string, parts: number, holder: string): Promise<void> {
    const messageIds = [...d.messageIds];
    messageIds[d.part] = messageId;
    const part = d.part + 1;
    await this.update(d, holder, { state: part >= parts ? "sent" : "pending", part, messageIds, attempts: 0, notBefore: 0 });
  }

  /** Try again at `notBefore`; `uncertain` when the lost answer may hide a delivery. */
  async retryLater(d: RedisDelivery, o: { notBefore: number; error: string; rateLimited: boolean; uncertain: boolean }, holder: string) {
    await this.update(d, holder, {
      state: o.uncertain ? "uncertain" : "pending",
      notBefore: o.notBefore,
      error: o.error,
      attempts: d.attempts + (o.rateLimited ? 0 : 1),
      rateLimited: d.rateLimited + (o.rateLimited ? 1 : 0),
      uncertain: d.uncertain + (o.uncertain ? 1 : 0),
    });
  }

  /** The row failed for good. */
  async markFailed(d: RedisDelivery, error: string, permanent: boolean, holder: string): Promise<void> {
    await this.update(d, holder, { state: "failed", error, permanent });
  }

  /** A Telegram group became a supergroup: the row now targets `newChatId` (its seq, and so its job, stay). */
  async moveChat(d: RedisDelivery, newChatId: string, holder: string): Promise<void> {
    await this.update(d, holder, { chat: chatKey(d.channel, newChatId), chatId: newChatId });
  }

  async setAsset(noticeId: string, key: string, value: string): Promise<void> {
    await this.redis.eval(SET_ASSET, 1, this.keys.notice(noticeId), key, value);
  }

  /** Set the broadcast's state (`finishedAt` stamped for done and cancelled). */
  async setState(noticeId: string, state: BroadcastState): Promise<void> {
    const end = state === "done" || state === "cancelled" ? String(this.now()) : "";
    await this.redis.hset(this.keys.notice(noticeId), "state", state, "finishedAt", end);
  }

  /** Mark the broadcast done when every row is sent or failed. @returns true for the one call that did */
  async finishIfComplete(noticeId: string): Promise<boolean> {
    return (await this.redis.eval(FINISH, 2, this.keys.notice(noticeId), this.keys.counts(noticeId), this.now())) === 1;
  }
}
