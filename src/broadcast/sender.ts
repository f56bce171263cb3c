/**
 * What the delivery engine needs from a channel: send part `i` of the notice
 * to one chat and return the platform's message id, or throw a
 * {@link SendError} saying what to do about the failure.
 */
import type { Channel } from "./notice.js";
import type { Delivery } from "./outbox.js";

/** What a failed send means for the row. */
export type SendFailure =
  /** Try again after `afterMs`: a rate limit (`rateLimited`) or a 5xx/network error; `uncertain` when the message may have arrived. */
  | { kind: "retry"; afterMs: number; reason: string; rateLimited: boolean; uncertain: boolean }
  /** Never retry: `endSubscription` when the chat is gone for the bot (blocked, kicked, chat not found). */
  | { kind: "permanent"; reason: string; endSubscription: boolean }
  /** The Telegram group became a supergroup with this id: resend there. */
  | { kind: "migrated"; newChatId: string; reason: string };

/** A classified failure of one send. */
export class SendError extends Error {
  constructor(readonly failure: SendFailure) {
    super(failure.reason);
    this.name = "SendError";
  }
}

/** One channel's sending side of a broadcast. */
export interface Sender {
  readonly channel: Channel;
  /** Parts of every delivery (the message, then the .docx). */
  readonly parts: number;
  /**
   * Send part `d.part` to `d.chatId`.
   * @returns the platform's message id
   * @throws SendError (anything else is treated as an uncertain retry)
   */
  send(d: Delivery): Promise<string>;
}

/**
 * How long each platform de-duplicates a resend by itself (0: never):
 * Lark's message `uuid` holds for one hour; Telegram has no idempotency key.
 */
export const DEDUP_WINDOW_MS: Record<Channel, number> = { telegram: 0, lark: 3_600_000 };

/**
 * The failure for an error no sender classified: retried after `backoffMs` ms and counted as
 * uncertain (the request may have reached the platform).
 */
export const unknownFailure = (e: unknown, backoffMs: number): SendFailure => ({
  kind: "retry",
  afterMs: backoffMs,
  reason: String((e as Error)?.message ?? e),
  rateLimited: false,
  uncertain: true,
});
