/**
 * The delivery engine: runs a broadcast from its outbox rows to the end, with
 * the platforms' limits, retries, permanent-error handling and progress.
 *
 * ```ts
 * const { record } = startBroadcast(deps, notice, "telegram:123");
 * const report = await runBroadcast(deps, record.noticeId, { onProgress: (p) => edit(progressLine(p)) });
 * ```
 * Exactly once, as far as each platform allows:
 * - every row is written before anything is sent, and marked `in_flight`
 *   right before its request, `sent` with the message id right after the
 *   answer — so a killed process leaves in_flight only what was on the wire;
 * - a restart (`runBroadcast` again, or `policybot broadcast --resume`) first
 *   recovers those rows: on Lark they are resent with the same `uuid`, which
 *   Lark de-duplicates (never doubled); on Telegram they are resent and marked
 *   uncertain (never missing; possibly doubled, at most `maxInFlight` of them,
 *   listed in the report);
 * - sends in flight per channel are bounded by `settings.maxInFlight`.
 */
import type { AuditLog } from "./audit.js";
import { ChannelQueue } from "./channel-queue.js";
import { RateLimiter } from "./limiter.js";
import type { BroadcastSettings } from "./limits.js";
import type { Channel, Notice } from "./notice.js";
import type { BroadcastRecord, Delivery, Outbox } from "./outbox.js";
import { type BroadcastReport, buildReport, type Progress } from "./report.js";
import { DEDUP_WINDOW_MS, SendError, type Sender, type SendFailure, unknownFailure } from "./sender.js";
import { sleep } from "./sleep.js";
import type { SubscriptionRegistry } from "./subscriptions.js";

/** What the engine works with. */
export interface EngineDeps {
  outbox: Outbox;
  registry: SubscriptionRegistry;
  audit: AuditLog;
  settings: BroadcastSettings;
  /** Create a channel's sender (called once per run for each channel with rows left). */
  sender: (channel: Channel, record: BroadcastRecord) => Promise<Sender>;
  /** Clock in milliseconds. */
  now?: () => number;
}

/** Options of one run. */
export interface RunOptions {
  /** Who runs it (audit log). */
  actor: string;
  /** Called as rows change (at most every `progressEveryMs`) and once at the end. */
  onProgress?: (p: Progress) => void;
  /** Throttle of onProgress (default 200 ms). */
  progressEveryMs?: number;
  /** Stop taking new rows; sends in flight finish; the broadcast stays unfinished (resumable). */
  signal?: AbortSignal;
}

/** Most rate-limit answers one row may get before it fails. */
const MAX_RATE_LIMITED = 20;

/**
 * Create a notice's broadcast: the audience is selected now (active
 * subscriptions matching the notice's topics, on its channels) and written as
 * pending rows; audited as `broadcast.start`. A notice that already has a
 * broadcast keeps it (same id: a re-run resumes, it never sends twice).
 * @param actor the principal (check `Roles.require(actor, "broadcast")` first)
 */
export function startBroadcast(deps: EngineDeps, notice: Notice, actor: string): { record: BroadcastRecord; created: boolean } {
  const audience = deps.registry.audience(notice.effectiveAudience, notice.channels);
  const r = deps.outbox.create(notice, audience, actor);
  if (r.created)
    deps.audit.append({
      actor,
      action: "broadcast.start",
      target: notice.id,
      count: r.record.total,
      detail: { title: notice.title, program: notice.program, scheduledAt: notice.scheduledAt ?? null },
    });
  return r;
}

/** One channel's part of a run. */
class ChannelRun {
  readonly limiter: RateLimiter;
  readonly queue: ChannelQueue;

  constructor(
    private readonly deps: EngineDeps,
    private readonly sender: Sender,
    rows: Delivery[],
    private readonly changed: () => void,
    private readonly signal: AbortSignal | undefined,
  ) {
    const now = deps.now ?? Date.now;
    const s = deps.settings;
    this.limiter = new RateLimiter(sender.channel === "telegram" ? s.telegramLimits : s.larkLimits, s.margin, now);
    // Sends of earlier processes (a crash, another broadcast just before) still count in the windows.
    for (const x of deps.outbox.recentSends(sender.channel, now() - this.limiter.longestWindowMs())) this.limiter.seed(x.chat, x.at);
    this.queue = new ChannelQueue(rows, sender.parts, this.limiter, now);
  }

  async run(): Promise<void> {
    await Promise.all(Array.from({ length: this.deps.settings.maxInFlight }, () => this.worker()));
  }

  private async worker(): Promise<void> {
    const { outbox } = this.deps;
    const now = this.deps.now ?? Date.now;
    while (!this.signal?.aborted) {
      // The row is chosen only once the global limit lets a send go, so the choice sees which chats are
      // ready at that moment (a .docx whose chat just became ready goes before another group's message).
      const at = this.queue.queued() ? this.limiter.globalReadyAt() : 0;
      if (at > now()) {
        await sleep(at - now(), this.signal);
        continue;
      }
      const d = this.queue.take();
      if (!d) {
        if (this.queue.finished()) return;
        await this.queue.wait(this.signal);
        continue;
      }
      await this.limiter.acquire(d.chat);
      outbox.markInFlight(d);
      try {
        const id = await this.sender.send(d);
        outbox.markPartSent(d, id, this.sender.parts);
        if (d.state === "sent") this.queue.done();
        else this.queue.requeue(d);
      } catch (e) {
        this.failed(d, e instanceof SendError ? e.failure : unknownFailure(e, this.deps.settings.backoffMs));
      }
      this.changed();
    }
  }

  private failed(d: Delivery, f: SendFailure): void {
    const { outbox, registry, audit, settings } = this.deps;
    const now = (this.deps.now ?? Date.now)();
    if (f.kind === "retry") {
      const exhausted = f.rateLimited ? d.rateLimited + 1 >= MAX_RATE_LIMITED : d.attempts + 1 >= settings.maxAttempts;
      if (exhausted) {
        outbox.markFailed(d, `${f.reason}（重试 ${d.attempts + d.rateLimited + 1} 次后放弃 / gave up）`, false);
        this.queue.done();
        return;
      }
      outbox.retryLater(d, { notBefore: now + f.afterMs, error: f.reason, rateLimited: f.rateLimited, uncertain: f.uncertain });
      this.queue.requeue(d);
      return;
    }
    if (f.kind === "migrated") {
      const sub = registry.get(d.channel, d.chatId);
      registry.end(d.channel, d.chatId, `迁移至 / migrated to ${f.newChatId}`);
      if (sub) registry.add({ channel: sub.channel, chatId: f.newChatId, title: sub.title, topics: sub.topics, by: sub.by, at: sub.at });
      outbox.moveChat(d, f.newChatId);
      outbox.retryLater(d, { notBefore: now, error: f.reason, rateLimited: true, uncertain: false });
      this.queue.requeue(d);
      return;
    }
    outbox.markFailed(d, f.reason, true);
    this.queue.done();
    if (f.endSubscription && registry.end(d.channel, d.chatId, f.reason))
      audit.append({
        actor: "system",
        action: "subscription.end",
        target: d.chat,
        count: 1,
        detail: { reason: f.reason, notice: d.noticeId },
      });
  }
}

/**
 * Run (or resume) a broadcast to the end: recover rows left in flight by a
 * crash, wait for `scheduledAt`, send every remaining row, and mark the
 * broadcast done (audited as `broadcast.finish`). With an aborted signal it
 * stops early and the broadcast stays resumable.
 * @returns the report (also for a broadcast that was already done)
 * @throws BroadcastBusyError when another live process runs it; whatever a sender factory throws
 */
export async function runBroadcast(deps: EngineDeps, noticeId: string, o: RunOptions): Promise<BroadcastReport> {
  const { outbox, audit } = deps;
  const now = deps.now ?? Date.now;
  const initial = outbox.get(noticeId);
  if (!initial) throw new Error(`unknown broadcast ${noticeId}`);
  const report = () => buildReport(outbox.get(noticeId) as BroadcastRecord, outbox.rows(noticeId), outbox.counts(noticeId));
  if (initial.state === "done" || initial.state === "cancelled") return report();
  outbox.claim(noticeId);
  const heartbeat = setInterval(() => outbox.heartbeat(noticeId), 3000);
  heartbeat.unref();
  let last = 0;
  const progress = (force = false) => {
    if (!o.onProgress || (!force && now() - last < (o.progressEveryMs ?? 200))) return;
    last = now();
    o.onProgress({ noticeId, ...outbox.counts(noticeId) });
  };
  try {
    const recovered = outbox.recover(
      noticeId,
      (c) => DEDUP_WINDOW_MS[c] > 0,
      Math.min(...Object.values(DEDUP_WINDOW_MS).filter((w) => w > 0)),
    );
    const before = outbox.counts(noticeId);
    if (recovered.uncertain + recovered.pending > 0 || before.sent + before.failed > 0)
      audit.append({
        actor: o.actor,
        action: "broadcast.resume",
        target: noticeId,
        count: before.total - before.sent - before.failed,
        detail: recovered,
      });
    if (initial.scheduledAt !== null && initial.scheduledAt > now()) {
      await sleep(initial.scheduledAt - now(), o.signal);
      if (o.signal?.aborted) return report();
    }
    outbox.setState(noticeId, "running");
    progress(true);
    const todo = outbox.todo(noticeId);
    const channels = [...new Set(todo.map((d) => d.channel))];
    const runs: ChannelRun[] = [];
    for (const c of channels) {
      const sender = await deps.sender(c, outbox.get(noticeId) as BroadcastRecord);
      runs.push(
        new ChannelRun(
          deps,
          sender,
          todo.filter((d) => d.channel === c),
          () => progress(),
          o.signal,
        ),
      );
    }
    await Promise.all(runs.map((r) => r.run()));
    if (!o.signal?.aborted) {
      outbox.setState(noticeId, "done");
      const c = outbox.counts(noticeId);
      audit.append({ actor: o.actor, action: "broadcast.finish", target: noticeId, count: c.sent, detail: { ...c } });
    }
    progress(true);
    return report();
  } finally {
    clearInterval(heartbeat);
    outbox.release(noticeId);
  }
}

/** Cancel a broadcast that has not finished: rows not yet sent stay as they are; audited as `broadcast.cancel`. */
export function cancelBroadcast(deps: EngineDeps, noticeId: string, actor: string): boolean {
  const r = deps.outbox.get(noticeId);
  if (!r || r.state === "done" || r.state === "cancelled") return false;
  deps.outbox.setState(noticeId, "cancelled");
  const c = deps.outbox.counts(noticeId);
  deps.audit.append({ actor, action: "broadcast.cancel", target: noticeId, count: c.total - c.sent - c.failed });
  return true;
}
