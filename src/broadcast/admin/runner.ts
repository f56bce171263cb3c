/**
 * Broadcasts started from chat run in the serving process, in the background:
 * one progress message in the admin's chat edited as rows change
 * (已发送 120/500，失败 3), then the report as text and as a .csv. A timer
 * picks up scheduled broadcasts when they are due, and on start those a
 * restart interrupted (the outbox keeps every row, so the engine resumes them);
 * close() aborts the runs, which stay resumable.
 */
import { type EngineDeps, runBroadcast } from "../engine.js";
import type { Channel } from "../notice.js";
import { BroadcastBusyError } from "../outbox.js";
import { type Progress, progressLine, reportCsv, reportText } from "../report.js";
import type { Origins } from "./origins.js";
import type { AdminPort } from "./port.js";

/** Options of {@link ChatRunner}. */
export interface ChatRunnerOptions {
  deps: EngineDeps;
  origins: Origins;
  /** Called on failures worth logging (no message texts). */
  log?: (event: string, detail: Record<string, unknown>) => void;
  /** Least time between two edits of the progress message (default 1000 ms). */
  editEveryMs?: number;
  /** How often the timer looks for due broadcasts (default 30 s). */
  tickMs?: number;
}

/** The progress message's text. */
export const progressText = (title: string, p: Progress): string => `群发《${title}》\n${progressLine(p)}`;

/** Runs chat broadcasts in the background. */
export class ChatRunner {
  private readonly ports = new Map<Channel, AdminPort>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;

  constructor(private readonly o: ChatRunnerOptions) {}

  /** Where each chat broadcast reports to. */
  get origins(): Origins {
    return this.o.origins;
  }

  /** A channel's way to reach admins (registered by the channel when it starts). */
  addPort(port: AdminPort): void {
    this.ports.set(port.channel, port);
  }

  /** Run (or resume) a broadcast in the background, unless it runs here already. @returns its task */
  run(noticeId: string, actor: string): Promise<void> {
    const existing = this.running.get(noticeId);
    if (existing) return existing;
    if (this.controller.signal.aborted) return Promise.resolve();
    const task = this.runOne(noticeId, actor)
      .catch((e: unknown) => {
        if (!(e instanceof BroadcastBusyError))
          this.o.log?.("broadcast failed", { notice: noticeId, error: (e as Error)?.name ?? "error" });
      })
      .finally(() => this.running.delete(noticeId));
    this.running.set(noticeId, task);
    return task;
  }

  /** Start the timer (and look once at once): due or interrupted chat broadcasts are run. */
  start(): void {
    if (this.timer) return;
    this.tick();
    this.timer = setInterval(() => this.tick(), this.o.tickMs ?? 30_000);
    this.timer.unref();
  }

  /** Look for chat broadcasts to run now. */
  tick(): void {
    const now = (this.o.deps.now ?? Date.now)();
    for (const r of this.o.deps.outbox.unfinished()) {
      if (!this.o.origins.get(r.noticeId)) continue; // started from the command line: `policybot broadcast --resume`
      if (r.scheduledAt === null || r.scheduledAt <= now + (this.o.tickMs ?? 30_000)) void this.run(r.noticeId, r.createdBy);
    }
  }

  /** Resolves once no broadcast runs here (tests). */
  async idle(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()]);
  }

  /** Stop the timer and the runs (they stay resumable) and wait for them. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.controller.abort();
    await this.idle();
  }

  private async runOne(noticeId: string, actor: string): Promise<void> {
    const { outbox } = this.o.deps;
    const record = outbox.get(noticeId);
    const origin = this.o.origins.get(noticeId);
    if (!record) return;
    const port = origin ? this.ports.get(origin.channel) : undefined;
    const title = record.notice.title;
    let messageId = origin?.progressMessageId ?? null;
    let wanted = "";
    let shown = "";
    let busy: Promise<void> | null = null;
    const pump = async () => {
      while (port && origin && messageId && wanted !== shown) {
        const t = wanted;
        try {
          await port.editText(origin.chatId, messageId, t);
        } catch (e) {
          this.o.log?.("progress edit failed", { notice: noticeId, error: (e as Error)?.name ?? "error" });
        }
        shown = t;
      }
    };
    const want = (t: string) => {
      wanted = t;
      busy ??= pump().finally(() => {
        busy = null;
      });
    };
    const onProgress = (p: Progress) => {
      // Before its time a scheduled broadcast shows nothing; the first progress comes when sending begins.
      if (!port || !origin) return;
      const t = progressText(title, p);
      if (messageId) return want(t);
      wanted = t;
      busy ??= port
        .sendText(origin.chatId, t)
        .then((id) => {
          messageId = id;
          shown = t;
          this.o.origins.setProgressMessage(noticeId, id);
        })
        .then(pump)
        .catch((e: unknown) => this.o.log?.("progress send failed", { notice: noticeId, error: (e as Error)?.name ?? "error" }))
        .finally(() => {
          busy = null;
        });
    };
    const report = await runBroadcast(this.o.deps, noticeId, {
      actor,
      onProgress,
      progressEveryMs: this.o.editEveryMs ?? 1000,
      signal: this.controller.signal,
    });
    while (busy) await busy;
    if (wanted !== shown) await pump();
    if (report.state !== "done" || !port || !origin || this.o.origins.get(noticeId)?.reported) return;
    await port.sendText(origin.chatId, reportText(report));
    await port.sendFile(origin.chatId, `群发报告-${noticeId}.csv`, Buffer.from(reportCsv(outbox.rows(noticeId))));
    this.o.origins.setReported(noticeId);
  }
}
