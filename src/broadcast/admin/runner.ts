/**
 * Broadcasts started from chat run in the serving process, in the background,
 * over the broadcast backend (SQLite: this process sends; Redis: every
 * instance's BullMQ workers send together): one progress message in the
 * admin's chat edited as rows change (已发送 120/500，失败 3), then the report
 * as text and as a .csv, by the one runner holding the origin's claim
 * (progress.ts). A timer picks up scheduled broadcasts when they are due, and
 * on start those a restart interrupted (the outbox keeps every row, so the
 * engine resumes them); on Redis it also joins chat broadcasts another
 * instance started. close() aborts the runs, which stay resumable.
 */
import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import type { BroadcastBackend } from "../backend.js";
import type { Channel } from "../notice.js";
import { BroadcastBusyError } from "../outbox.js";
import { type Progress, progressLine, reportCsv, reportText } from "../report.js";
import { renderReportDocx, reportDocxName } from "../report-docx.js";
import type { OriginStore } from "./origins.js";
import type { AdminPort } from "./port.js";
import { ProgressMessage } from "./progress.js";

/** Options of {@link ChatRunner}. */
export interface ChatRunnerOptions {
  backend: Pick<BroadcastBackend, "get" | "unfinished" | "run" | "rows">;
  origins: OriginStore;
  /** The templates folder: the final report also goes to the admin as the 群发报告 .docx (without it, .csv only). */
  templatesDir?: string;
  /** Called on failures worth logging (no message texts). */
  log?: (event: string, detail: Record<string, unknown>) => void;
  /** Least time between two edits of the progress message (default 1000 ms). */
  editEveryMs?: number;
  /** How often the timer looks for due broadcasts (default 30 s). */
  tickMs?: number;
  /** How long the claim on a broadcast's progress message outlives its holder (default 30 s). */
  claimMs?: number;
  now?: () => number;
}

/** The progress message's text. */
export const progressText = (title: string, p: Progress): string => `群发《${title}》\n${progressLine(p)}`;

/** Runs chat broadcasts in the background. */
export class ChatRunner {
  private readonly ports = new Map<Channel, AdminPort>();
  private readonly running = new Map<string, Promise<void>>();
  private readonly controller = new AbortController();
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<void> | null = null;
  private tickAgain = false;
  private readonly now: () => number;
  /** This runner's name in the origins' claims. */
  readonly holder = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;

  constructor(private readonly o: ChatRunnerOptions) {
    this.now = o.now ?? Date.now;
  }

  /** Where each chat broadcast reports to. */
  get origins(): OriginStore {
    return this.o.origins;
  }

  /** A channel's way to reach admins (registered by the channel when it starts). */
  addPort(port: AdminPort): void {
    this.ports.set(port.channel, port);
  }

  /** Run (or resume, or on Redis join) a broadcast in the background, unless it runs here already. @returns its task */
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

  /** Look for chat broadcasts to run now (in the background; {@link idle} waits for it). */
  tick(): void {
    if (this.ticking) {
      this.tickAgain = true;
      return;
    }
    this.ticking = this.lookForDue()
      .catch((e: unknown) => this.o.log?.("broadcast look-up failed", { error: (e as Error)?.name ?? "error" }))
      .finally(() => {
        this.ticking = null;
        if (this.tickAgain && !this.controller.signal.aborted) {
          this.tickAgain = false;
          this.tick();
        }
      });
  }

  private async lookForDue(): Promise<void> {
    const now = this.now();
    for (const r of await this.o.backend.unfinished()) {
      if (this.controller.signal.aborted) return;
      if (!(await this.o.origins.get(r.noticeId))) continue; // started from the command line: `policybot broadcast --resume`
      if (r.scheduledAt === null || r.scheduledAt <= now + (this.o.tickMs ?? 30_000)) void this.run(r.noticeId, r.createdBy);
    }
  }

  /** Resolves once no broadcast runs here and no look-up is under way (tests). */
  async idle(): Promise<void> {
    while (this.ticking || this.running.size > 0) {
      await this.ticking;
      await Promise.allSettled([...this.running.values()]);
    }
  }

  /** Stop the timer and the runs (they stay resumable) and wait for them. */
  async close(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.controller.abort();
    await this.idle();
  }

  private async runOne(noticeId: string, actor: string): Promise<void> {
    const { backend } = this.o;
    const record = await backend.get(noticeId);
    if (!record) return;
    const origin = await this.o.origins.get(noticeId);
    const progress = new ProgressMessage({
      noticeId,
      origins: this.o.origins,
      origin,
      port: origin ? this.ports.get(origin.channel) : undefined,
      holder: this.holder,
      claimMs: this.o.claimMs ?? 30_000,
      log: this.o.log,
      now: this.now,
    });
    const title = record.notice.title;
    let finished = false;
    try {
      const report = await backend.run(noticeId, {
        actor,
        // Before its time a scheduled broadcast shows nothing; the first progress comes when sending begins.
        onProgress: (p) => {
          if (record.scheduledAt === null || record.scheduledAt <= this.now()) progress.show(progressText(title, p));
        },
        progressEveryMs: this.o.editEveryMs ?? 1000,
        signal: this.controller.signal,
      });
      await progress.settle();
      if (report.state !== "done") return;
      finished = true;
      const templatesDir = this.o.templatesDir;
      await progress.report(reportText(report), [
        { fileName: `群发报告-${noticeId}.csv`, data: async () => Buffer.from(reportCsv(await backend.rows(noticeId))) },
        ...(templatesDir ? [{ fileName: reportDocxName(noticeId), data: () => renderReportDocx(report, templatesDir) }] : []),
      ]);
    } finally {
      if (!finished) await progress.release();
    }
  }
}
