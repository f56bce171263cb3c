/**
 * Sending a notice on Feishu/Lark with the channel's `LarkApi`
 * (src/channels/lark/client.ts): part 0 is a `post` message, part 1 the 通知
 * .docx as a `file` message (uploaded once per broadcast, its `file_key`
 * reused). Lark's batch-send API reaches users and departments, not groups,
 * so each group gets its own `im.message.create`.
 *
 * Every send carries `uuid` = hash(notice id, chat id, part): Lark sends one
 * message per uuid within an hour, so a resend after a crash or a lost answer
 * is dropped by the platform and never doubles. Calls are made with one
 * attempt each: retries go back through the engine's rate limiter.
 */
import { createHash } from "node:crypto";
import type { Logger as SdkLogger } from "@larksuiteoapi/node-sdk";
import { pino } from "pino";
import { LarkApi, LarkApiError, larkBaseUrl, type MsgType, RATE_LIMITED } from "../channels/lark/client.js";
import { sdkLogger } from "../channels/lark/sdk-logger.js";
import { larkBotLink } from "./deep-link.js";
import { type LarkPost, larkPost } from "./message.js";
import type { Notice } from "./notice.js";
import type { Delivery } from "./outbox.js";
import { DEDUP_WINDOW_MS, SendError, type Sender, type SendFailure } from "./sender.js";

/** Lark's de-duplication window of `uuid` (message create: one message per uuid within 1 hour). */
export const LARK_UUID_WINDOW_MS = DEDUP_WINDOW_MS.lark;

/** Lark codes of a group the bot cannot reach any more: 230002 bot not in the group, 230045 chat does not exist. */
const GONE = new Set([230002, 230045]);
/** Lark codes of a rate limit besides 99991400: 230020 (message create's "frequency limit"). */
const LIMITED = new Set([RATE_LIMITED, 230020]);

/** The uuid of part `part` of a notice to a chat (32 hex digits; Lark allows up to 50 characters). */
export function larkUuid(noticeId: string, chatId: string, part: number): string {
  return createHash("sha256").update(`${noticeId}\n${chatId}\n${part}`).digest("hex").slice(0, 32);
}

/**
 * Classify an open-api failure: HTTP 429 / 99991400 / 230020 → retry (rate
 * limit) after Lark's `x-ogw-ratelimit-reset` when the answer carried it, else
 * after `rateLimitMs`; 230002/230045 → permanent, ending the subscription; 5xx
 * or no answer → retry with backoff (never uncertain: the uuid makes a resend
 * safe); other codes → permanent.
 * @param rateLimitMs the wait of a rate limit without a reset header
 */
export function classifyLarkError(e: unknown, backoffMs: number, rateLimitMs: number): SendFailure {
  if (!(e instanceof LarkApiError))
    return { kind: "retry", afterMs: backoffMs, reason: String((e as Error)?.message ?? e), rateLimited: false, uncertain: false };
  const reason = `${e.code} ${e.msg} (HTTP ${e.httpStatus})`;
  if (e.httpStatus === 429 || LIMITED.has(e.code))
    return {
      kind: "retry",
      afterMs: e.retryAfterSeconds !== undefined ? e.retryAfterSeconds * 1000 : rateLimitMs,
      reason,
      rateLimited: true,
      uncertain: false,
    };
  if (e.httpStatus === 0 || e.httpStatus >= 500) return { kind: "retry", afterMs: backoffMs, reason, rateLimited: false, uncertain: false };
  return { kind: "permanent", reason, endSubscription: GONE.has(e.code) };
}

/** Options of {@link LarkSender}. */
export interface LarkSenderOptions {
  appId: string;
  appSecret: string;
  /** LARK_DOMAIN. */
  domain: string;
  notice: Notice;
  docx: Buffer;
  fileName: string;
  /** The `file_key` of the .docx from an earlier run (broadcast assets), if any. */
  fileKey?: string;
  /** Called once the .docx is uploaded (store the key in the broadcast's assets). */
  onFileKey?: (fileKey: string) => void;
  backoffMs: number;
  /** Where the SDK logs (default: warnings and errors as JSON lines on stderr, never on stdout, without message contents). */
  logger?: SdkLogger;
}

/** The default SDK logger: the channel's filtering logger over pino on stderr at level warn. */
const stderrLogger = (): SdkLogger => sdkLogger(pino({ level: "warn" }, pino.destination(2)));

/** The Lark sender: 2 parts (post, file), uuid per (notice, chat, part); build it with {@link LarkSender.create}. */
export class LarkSender implements Sender {
  readonly channel = "lark" as const;
  readonly parts = 2;
  private readonly post: LarkPost;

  private constructor(
    private readonly api: LarkApi,
    private readonly o: LarkSenderOptions,
    private readonly fileKey: string,
  ) {
    this.post = larkPost(o.notice, larkBotLink(o.appId, o.domain));
  }

  /**
   * Create the sender: uploads the .docx unless an earlier run did (with the client's own retries).
   * @throws LarkApiError when the app is refused or the upload fails
   */
  static async create(o: LarkSenderOptions): Promise<LarkSender> {
    const baseUrl = larkBaseUrl(o.domain);
    const logger = o.logger ?? stderrLogger();
    let fileKey = o.fileKey;
    if (!fileKey) {
      const uploader = new LarkApi({ appId: o.appId, appSecret: o.appSecret, baseUrl, logger });
      fileKey = await uploader.uploadFile(o.fileName, o.docx, "doc");
      o.onFileKey?.(fileKey);
    }
    return new LarkSender(new LarkApi({ appId: o.appId, appSecret: o.appSecret, baseUrl, logger, maxAttempts: 1 }), o, fileKey);
  }

  async send(d: Delivery): Promise<string> {
    const uuid = larkUuid(d.noticeId, d.chatId, d.part);
    try {
      // `post` (rich text) is a message type of im/v1/messages the channel itself never sends, hence not in MsgType.
      if (d.part === 0) return await this.api.sendMessage(d.chatId, "post" as MsgType, this.post, uuid);
      return await this.api.sendMessage(d.chatId, "file", { file_key: this.fileKey }, uuid);
    } catch (e) {
      // Rate limits: Lark's reset time when given, else 1 s doubling with each answer for this row (windows of 1 s and 1 min).
      throw new SendError(classifyLarkError(e, this.o.backoffMs * 2 ** d.attempts, 1000 * 2 ** Math.min(d.rateLimited, 6)));
    }
  }
}
