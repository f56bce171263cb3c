/**
 * The delivery engine on Redis + BullMQ: several instances share one
 * broadcast. Each channel has a queue (`broadcast-telegram`,
 * `broadcast-lark`) with one job per delivery row, `jobId` = the row's id, so
 * adding the rows again (a resume, a second instance, a periodic reconcile) never
 * queues a row twice (BullMQ ignores an add whose jobId exists). Every instance
 * runs one worker per channel with `concurrency = maxInFlight`, so at most
 * `maxInFlight` requests per channel are on the wire per instance — the bound
 * of Telegram repeats when that instance dies. A dead instance's jobs keep
 * their lock until `lockDuration` runs out; the stalled-job check of any live
 * worker then moves them back to wait (https://docs.bullmq.io/guide/jobs/stalled)
 * and the next worker recovers their rows (redis-worker.ts). `maxStalledCount`
 * is high so such a job is never failed for stalling; a row whose job vanished
 * anyway is queued again by the reconcile that every waiting instance runs.
 */
import { hostname } from "node:os";
import { type Job, Queue, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { EngineDeps, RunOptions } from "./engine.js";
import type { BroadcastSettings } from "./limits.js";
import type { Channel, Notice } from "./notice.js";
import type { BroadcastRecord } from "./outbox.js";
import type { RedisOutbox } from "./outbox-redis.js";
import { type BroadcastKeys, connectRedis } from "./redis-conn.js";
import { SharedRateLimiter } from "./redis-limiter.js";
import { type DeliveryJobData, deliveryJobId, type JobContext, processDelivery } from "./redis-worker.js";
import { type BroadcastReport, buildReport } from "./report.js";
import type { Sender } from "./sender.js";
import { sleep } from "./sleep.js";
import type { AuditStore, SubscriptionStore } from "./stores.js";

const CHANNELS: readonly Channel[] = ["telegram", "lark"];

/** The queue of a channel. */
export const queueName = (channel: Channel): string => `broadcast-${channel}`;

/** What the Redis engine works with. */
export interface RedisEngineDeps {
  /** Connection for the stores, the limiter and the queues (BullMQ opens its own blocking ones from `url`). */
  redis: Redis;
  /** The ioredis URL (without `namespace`). */
  url: string;
  keys: BroadcastKeys;
  outbox: RedisOutbox;
  registry: SubscriptionStore;
  audit: AuditStore;
  settings: BroadcastSettings;
  /** Create a channel's sender (called once per broadcast and channel in this instance). */
  sender?: EngineDeps["sender"];
  /**
   * BullMQ `lockDuration` of the workers, ms (default 30 000; `BROADCAST_LOCK_MS`): how long a dead
   * instance's jobs wait before another instance takes them over. The stalled check runs every half of it.
   */
  lockMs?: number;
  /** How often a waiting run re-queues rows that have no job (ms, default 10 000). */
  reconcileMs?: number;
  now?: () => number;
}

/** The engine of one instance (see the module comment). */
export class RedisBroadcastEngine {
  private readonly queues = new Map<Channel, Queue<DeliveryJobData>>();
  private readonly workers: Worker<DeliveryJobData>[] = [];
  private readonly connections: Redis[] = [];
  private readonly senders = new Map<string, Promise<Sender>>();
  private readonly limiters = new Map<Channel, SharedRateLimiter>();
  private readonly now: () => number;
  /** This instance's name (host:pid), recorded in the rows' `holder`. */
  readonly instance = `${hostname()}:${process.pid}`;

  constructor(private readonly deps: RedisEngineDeps) {
    this.now = deps.now ?? Date.now;
  }

  private queue(channel: Channel): Queue<DeliveryJobData> {
    let q = this.queues.get(channel);
    if (!q) {
      q = new Queue<DeliveryJobData>(queueName(channel), {
        connection: this.deps.redis,
        prefix: this.deps.keys.bullPrefix(),
        defaultJobOptions: { removeOnComplete: true, removeOnFail: true, attempts: 1 },
      });
      q.on("error", () => {
        // Reported on the failing call.
      });
      this.queues.set(channel, q);
    }
    return q;
  }

  private limiter(channel: Channel): SharedRateLimiter {
    let l = this.limiters.get(channel);
    if (!l) {
      const s = this.deps.settings;
      l = new SharedRateLimiter(
        this.deps.redis,
        this.deps.keys,
        channel,
        channel === "telegram" ? s.telegramLimits : s.larkLimits,
        s.margin,
      );
      this.limiters.set(channel, l);
    }
    return l;
  }

  /**
   * Create a notice's broadcast (audience from the registry now, rows written
   * atomically, audited as `broadcast.start`) and queue its rows. A notice that
   * already has a broadcast keeps it.
   */
  async start(notice: Notice, actor: string): Promise<{ record: BroadcastRecord; created: boolean }> {
    const audience = await this.deps.registry.audience(notice.effectiveAudience, notice.channels);
    const r = await this.deps.outbox.create(notice, audience, actor);
    if (r.created)
      await this.deps.audit.append({
        actor,
        action: "broadcast.start",
        target: notice.id,
        count: r.record.total,
        detail: { title: notice.title, program: notice.program, scheduledAt: notice.scheduledAt ?? null },
      });
    await this.enqueue(notice.id);
    return r;
  }

  /** Queue a job for every row not yet sent or failed (rows that have one are left alone). @returns rows offered */
  async enqueue(noticeId: string): Promise<number> {
    const record = await this.deps.outbox.get(noticeId);
    if (!record || record.state === "done" || record.state === "cancelled") return 0;
    const todo = await this.deps.outbox.todo(noticeId);
    const delay = record.scheduledAt !== null ? Math.max(0, record.scheduledAt - this.now()) : 0;
    for (const c of CHANNELS) {
      const jobs = todo
        .filter((d) => d.channel === c)
        .map((d) => ({ name: "deliver", data: { noticeId, seq: d.seq }, opts: { jobId: deliveryJobId(noticeId, d.seq), delay } }));
      for (let i = 0; i < jobs.length; i += 500) await this.queue(c).addBulk(jobs.slice(i, i + 500));
    }
    return todo.length;
  }

  /** Start this instance's workers (once): they process jobs of every broadcast until {@link close}. */
  work(): void {
    if (this.workers.length > 0) return;
    const lockDuration = this.deps.lockMs ?? 30_000;
    const ctx: JobContext = {
      outbox: this.deps.outbox,
      registry: this.deps.registry,
      audit: this.deps.audit,
      settings: this.deps.settings,
      sender: (channel, record) => this.senderFor(channel, record),
      limiter: (channel) => this.limiter(channel),
      instance: this.instance,
      now: this.now,
    };
    for (const c of CHANNELS) {
      const connection = connectRedis(this.deps.url);
      this.connections.push(connection);
      const w = new Worker<DeliveryJobData>(queueName(c), (job: Job<DeliveryJobData>, token?: string) => processDelivery(ctx, job, token), {
        connection,
        prefix: this.deps.keys.bullPrefix(),
        concurrency: this.deps.settings.maxInFlight,
        lockDuration,
        stalledInterval: Math.max(500, Math.floor(lockDuration / 2)),
        maxStalledCount: 1_000_000,
      });
      w.on("error", () => {
        // Connection trouble: the worker reconnects; stalled jobs are recovered by whoever is alive.
      });
      this.workers.push(w);
    }
  }

  private senderFor(channel: Channel, record: BroadcastRecord): Promise<Sender> {
    const key = `${channel} ${record.noticeId}`;
    let s = this.senders.get(key);
    if (!s) {
      if (!this.deps.sender) throw new Error("no sender factory: this backend was opened without one");
      s = this.deps.sender(channel, record);
      s.catch(() => this.senders.delete(key));
      this.senders.set(key, s);
    }
    return s;
  }

  /** The report of a broadcast. */
  async report(noticeId: string): Promise<BroadcastReport> {
    const { outbox } = this.deps;
    return buildReport((await outbox.get(noticeId)) as BroadcastRecord, await outbox.rows(noticeId), await outbox.counts(noticeId));
  }

  /**
   * Take part in a broadcast until it is done (with the other instances), or until the signal aborts (the
   * broadcast stays resumable; this instance's jobs in flight finish when the engine is closed).
   * Audited as `broadcast.resume` when rows were already done or in flight.
   * @returns the report (also for a broadcast that was already done)
   */
  async run(noticeId: string, o: RunOptions): Promise<BroadcastReport> {
    const { outbox, audit } = this.deps;
    const initial = await outbox.get(noticeId);
    if (!initial) throw new Error(`unknown broadcast ${noticeId}`);
    if (initial.state === "done" || initial.state === "cancelled") return this.report(noticeId);
    const before = await outbox.counts(noticeId);
    if (before.sent + before.failed + before.inFlight + before.uncertainNow > 0)
      await audit.append({
        actor: o.actor,
        action: "broadcast.resume",
        target: noticeId,
        count: before.total - before.sent - before.failed,
        detail: { inFlight: before.inFlight, uncertain: before.uncertainNow, instance: this.instance },
      });
    // Without rows left, nobody's job would finish it.
    if (await outbox.finishIfComplete(noticeId))
      await audit.append({ actor: o.actor, action: "broadcast.finish", target: noticeId, count: before.sent, detail: { ...before } });
    await this.enqueue(noticeId);
    this.work();
    let reconciled = this.now();
    let last = 0;
    for (;;) {
      const r = await outbox.get(noticeId);
      const done = !r || r.state === "done" || r.state === "cancelled";
      if (o.onProgress && (done || this.now() - last >= (o.progressEveryMs ?? 200))) {
        last = this.now();
        o.onProgress({ noticeId, ...(await outbox.counts(noticeId)) });
      }
      if (done || o.signal?.aborted) break;
      if (this.now() - reconciled >= (this.deps.reconcileMs ?? 10_000)) {
        reconciled = this.now();
        await this.enqueue(noticeId);
      }
      await sleep(100, o.signal);
    }
    return this.report(noticeId);
  }

  /** Stop: workers finish their active jobs (BullMQ `worker.close()`), then the queues close. */
  async close(): Promise<void> {
    await Promise.all(this.workers.map((w) => w.close()));
    await Promise.all([...this.queues.values()].map((q) => q.close()));
    for (const c of this.connections) await c.quit().catch(() => c.disconnect());
    this.workers.length = 0;
    this.connections.length = 0;
    this.queues.clear();
  }
}
