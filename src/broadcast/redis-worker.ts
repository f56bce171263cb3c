/**
 * One BullMQ job = one delivery row: what a worker of any instance does with
 * it. The job takes the row (its `holder`), recovers it when it is found
 * `in_flight` (the job stalled: its worker died or lost the lock with a request
 * on the wire → Telegram: `uncertain`, resent; Lark: `pending`, resent with the
 * same uuid), then sends its remaining parts, each after the shared limiter
 * allowed it and after the row was marked in flight. Waits longer than a
 * moment (a chat's own window, retry_after, a backoff, a scheduled start) do
 * not hold a worker slot: the job moves itself to BullMQ's delayed set
 * (`job.moveToDelayed(at, token)` + `DelayedError`, the "process step jobs"
 * pattern, https://docs.bullmq.io/patterns/process-step-jobs) and the row
 * keeps its state, so a crash while waiting loses nothing.
 */
import { randomUUID } from "node:crypto";
import { DelayedError, type Job } from "bullmq";
import type { BroadcastSettings } from "./limits.js";
import type { Channel } from "./notice.js";
import type { BroadcastRecord } from "./outbox.js";
import { LostRowError, type RedisDelivery, type RedisOutbox } from "./outbox-redis.js";
import type { SharedRateLimiter } from "./redis-limiter.js";
import { DEDUP_WINDOW_MS, SendError, type Sender, type SendFailure, unknownFailure } from "./sender.js";
import { sleep } from "./sleep.js";
import type { AuditStore, SubscriptionStore } from "./stores.js";

/** The data of a delivery job (its id is `<noticeId>.<seq>`, so a row is queued once). */
export interface DeliveryJobData {
  noticeId: string;
  seq: number;
}

/** The BullMQ job id of a row (notice ids are `[A-Za-z0-9_-]`; BullMQ refuses `:` and integers). */
export const deliveryJobId = (noticeId: string, seq: number): string => `${noticeId}.${seq}`;

/** What a job needs from its instance. */
export interface JobContext {
  outbox: RedisOutbox;
  registry: SubscriptionStore;
  audit: AuditStore;
  settings: BroadcastSettings;
  /** The channel's sender for a broadcast (cached by the caller). */
  sender: (channel: Channel, record: BroadcastRecord) => Promise<Sender>;
  limiter: (channel: Channel) => SharedRateLimiter;
  /** This instance (host:pid:random), recorded as the rows' holder prefix. */
  instance: string;
  now: () => number;
}

/** Most rate-limit answers one row may get before it fails (as engine.ts). */
const MAX_RATE_LIMITED = 20;
/** Limiter waits up to this long (ms) are slept in the job; longer ones delay the job. */
const SHORT_WAIT_MS = 150;

/** Park the job until `at` (ms since the epoch) without holding a worker slot. */
async function delay(job: Job, token: string | undefined, at: number): Promise<never> {
  await job.moveToDelayed(Math.ceil(at), token);
  throw new DelayedError();
}

/**
 * Process one delivery job (the BullMQ processor; `token` is the job's lock token).
 * @returns `sent`, `failed` or `skipped` (row already final, broadcast cancelled or gone)
 * @throws DelayedError when the job parked itself; LostRowError when another worker took the row over
 */
export async function processDelivery(ctx: JobContext, job: Job<DeliveryJobData>, token?: string): Promise<string> {
  const { outbox, now } = ctx;
  const { noticeId, seq } = job.data;
  const record = await outbox.get(noticeId);
  if (!record || record.state === "cancelled" || record.state === "done") return "skipped";
  if (record.state === "scheduled") {
    if (record.scheduledAt !== null && record.scheduledAt > now()) return delay(job, token, record.scheduledAt);
    await outbox.setState(noticeId, "running");
  }
  const holder = `${ctx.instance}:${randomUUID().slice(0, 8)}`;
  const d = await outbox.take(noticeId, seq, holder);
  if (d.state === "sent" || d.state === "failed") return "skipped";
  if (d.state === "in_flight") {
    const window = DEDUP_WINDOW_MS[d.channel];
    await outbox.recoverRow(d, holder, window > 0 && d.updatedAt > now() - window);
  }
  const sender = await ctx.sender(d.channel, record);
  const limiter = ctx.limiter(d.channel);
  for (;;) {
    if (d.notBefore > now()) return delay(job, token, d.notBefore);
    const wait = await limiter.tryAcquire(d.chat);
    if (wait > 0) {
      if (wait > SHORT_WAIT_MS) return delay(job, token, now() + wait);
      await sleep(wait);
      continue;
    }
    await outbox.markInFlight(d, holder);
    try {
      const id = await sender.send(d);
      await outbox.markPartSent(d, id, sender.parts, holder);
    } catch (e) {
      if (e instanceof LostRowError) throw e;
      await failed(ctx, d, e instanceof SendError ? e.failure : unknownFailure(e, ctx.settings.backoffMs), holder);
    }
    const state: string = d.state; // changed by the outbox calls above
    if (state === "sent" || state === "failed") break;
  }
  if (await outbox.finishIfComplete(noticeId)) {
    const c = await outbox.counts(noticeId);
    await ctx.audit.append({ actor: "system", action: "broadcast.finish", target: noticeId, count: c.sent, detail: { ...c } });
  }
  return d.state;
}

/** A failed send (the engine's `ChannelRun.failed`, on the Redis stores). */
async function failed(ctx: JobContext, d: RedisDelivery, f: SendFailure, holder: string): Promise<void> {
  const { outbox, registry, audit, settings } = ctx;
  const now = ctx.now();
  if (f.kind === "retry") {
    const exhausted = f.rateLimited ? d.rateLimited + 1 >= MAX_RATE_LIMITED : d.attempts + 1 >= settings.maxAttempts;
    if (exhausted) return outbox.markFailed(d, `${f.reason}（重试 ${d.attempts + d.rateLimited + 1} 次后放弃 / gave up）`, false, holder);
    return outbox.retryLater(
      d,
      { notBefore: now + f.afterMs, error: f.reason, rateLimited: f.rateLimited, uncertain: f.uncertain },
      holder,
    );
  }
  if (f.kind === "migrated") {
    const sub = await registry.get(d.channel, d.chatId);
    await registry.end(d.channel, d.chatId, `迁移至 / migrated to ${f.newChatId}`);
    if (sub)
      await registry.add({ channel: sub.channel, chatId: f.newChatId, title: sub.title, topics: sub.topics, by: sub.by, at: sub.at });
    await outbox.moveChat(d, f.newChatId, holder);
    return outbox.retryLater(d, { notBefore: now, error: f.reason, rateLimited: true, uncertain: false }, holder);
  }
  await outbox.markFailed(d, f.reason, true, holder);
  if (f.endSubscription && (await registry.end(d.channel, d.chatId, f.reason)))
    await audit.append({
      actor: "system",
      action: "subscription.end",
      target: d.chat,
      count: 1,
      detail: { reason: f.reason, notice: d.noticeId },
    });
}
