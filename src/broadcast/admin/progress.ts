/**
 * The progress message of one chat broadcast in the admin's chat, and its
 * final report: sent once, then edited as rows change (the latest text wins,
 * edits never overlap). Only the holder of the origin's claim speaks
 * (origins.ts): with several instances on Redis every one runs the broadcast,
 * one edits and reports; when it dies its claim runs out and another one
 * takes the same message over.
 */
import type { Channel } from "../notice.js";
import type { Origin, OriginStore } from "./origins.js";
import type { AdminPort } from "./port.js";

/** Options of {@link ProgressMessage}. */
export interface ProgressMessageOptions {
  noticeId: string;
  origins: OriginStore;
  /** The admin chat (none: a broadcast started from the command line shows nothing). */
  origin: Origin | undefined;
  /** The origin channel's port (none: that channel is not configured here). */
  port: AdminPort | undefined;
  /** The runner's name in claims (unique per runner). */
  holder: string;
  /** How long a claim lasts without renewal (ms). */
  claimMs: number;
  log?: (event: string, detail: Record<string, unknown>) => void;
  now?: () => number;
}

const errorName = (e: unknown) => (e as Error)?.name ?? "error";

/** One broadcast's progress message (see the module comment). */
export class ProgressMessage {
  private wanted = "";
  private shown = "";
  private busy: Promise<void> | null = null;
  private mine = false;
  private renewedAt = Number.NEGATIVE_INFINITY;
  /** The report was sent (by anyone): nothing more to say. */
  private over = false;
  private messageId: string | null;
  private readonly now: () => number;

  constructor(private readonly o: ProgressMessageOptions) {
    this.messageId = o.origin?.progressMessageId ?? null;
    this.now = o.now ?? Date.now;
  }

  private get target(): { port: AdminPort; chatId: string; channel: Channel } | null {
    return this.o.port && this.o.origin ? { port: this.o.port, chatId: this.o.origin.chatId, channel: this.o.origin.channel } : null;
  }

  /** Show this text (sent or edited in the background; a newer text replaces one not yet shown). */
  show(text: string): void {
    if (!this.target) return;
    this.wanted = text;
    // The same text again: nothing to edit, but the claim is renewed (a quiet stretch does not lose it).
    if (text === this.shown && !(this.mine && this.now() - this.renewedAt >= this.o.claimMs / 3)) return;
    this.busy ??= this.pump().finally(() => {
      this.busy = null;
    });
  }

  /** Wait until the latest text is shown (or could not be). */
  async settle(): Promise<void> {
    while (this.busy) await this.busy;
    if (this.wanted !== this.shown) await this.pump();
  }

  /**
   * Send the report (text, then the .csv) unless it was sent already, then remember it was; only the claim's
   * holder does. A failure to send rejects (the report is not marked sent).
   */
  async report(text: string, files: { fileName: string; data: () => Promise<Buffer> }[]): Promise<void> {
    const t = this.target;
    if (!t) return;
    await this.settle();
    if (!(await this.hold(true))) return;
    if ((await this.o.origins.get(this.o.noticeId))?.reported) return;
    await t.port.sendText(t.chatId, text);
    for (const f of files) await t.port.sendFile(t.chatId, f.fileName, await f.data());
    await this.o.origins.setReported(this.o.noticeId);
    this.over = true;
  }

  /** Give the claim up (the broadcast stopped here before its end: another runner may take over at once). */
  async release(): Promise<void> {
    if (!this.mine) return;
    this.mine = false;
    await Promise.resolve(this.o.origins.release(this.o.noticeId, this.o.holder)).catch(() => {
      // It runs out by itself.
    });
  }

  private async pump(): Promise<void> {
    const t = this.target;
    if (this.wanted === this.shown) await this.hold(false);
    while (t && this.wanted !== this.shown) {
      const text = this.wanted;
      if (!(await this.hold(false))) return;
      if (this.messageId) {
        try {
          await t.port.editText(t.chatId, this.messageId, text);
        } catch (e) {
          this.o.log?.("progress edit failed", { notice: this.o.noticeId, error: errorName(e) });
        }
      } else {
        try {
          const id = await t.port.sendText(t.chatId, text);
          this.messageId = id;
          await this.o.origins.setProgressMessage(this.o.noticeId, id);
        } catch (e) {
          this.o.log?.("progress send failed", { notice: this.o.noticeId, error: errorName(e) });
        }
      }
      this.shown = text;
    }
  }

  /**
   * Whether this runner may speak: takes or renews the claim (renewed at most every third of its time
   * unless `renew`). On taking it over, the progress message another runner sent is edited from then on.
   */
  private async hold(renew: boolean): Promise<boolean> {
    if (this.over) return false;
    const now = this.now();
    if (this.mine && !renew && now - this.renewedAt < this.o.claimMs / 3) return true;
    let ok: boolean;
    try {
      ok = await this.o.origins.claim(this.o.noticeId, this.o.holder, this.o.claimMs);
      if (ok && !this.mine) {
        const origin = await this.o.origins.get(this.o.noticeId);
        if (origin?.reported) {
          this.over = true;
          return false;
        }
        this.messageId = origin?.progressMessageId ?? this.messageId;
      }
    } catch (e) {
      this.o.log?.("progress claim failed", { notice: this.o.noticeId, error: errorName(e) });
      return this.mine && now - this.renewedAt < this.o.claimMs;
    }
    this.mine = ok;
    if (ok) this.renewedAt = now;
    return ok;
  }
}
