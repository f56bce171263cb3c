/**
 * Sending a notice on Telegram with grammY's `Api` (TELEGRAM_API_ROOT): part 0
 * is the HTML message with the deep-link buttons (sendMessage), part 1 the
 * 通知 .docx (sendDocument; uploaded once, then sent by its `file_id`).
 * No automatic retries here: the engine retries through its rate limiter.
 *
 * Telegram has no idempotency key, so a send whose answer was lost (a crash,
 * a network error after the request went out) is uncertain.
 */
import { Api, GrammyError, HttpError, InputFile } from "grammy";
import { type TelegramMessage, telegramMessage } from "./message.js";
import type { Notice } from "./notice.js";
import type { Delivery } from "./outbox.js";
import { SendError, type Sender, type SendFailure } from "./sender.js";

/** Answers that mean the bot can no longer write to the chat (Bot API descriptions, lower case). */
const GONE = [
  "bot was kicked",
  "bot was blocked",
  "bot is not a member",
  "chat not found",
  "group chat was deactivated",
  "user is deactivated",
  "have no rights to send",
  "not enough rights to send",
  "peer_id_invalid",
];

/**
 * Classify a Bot API failure: 429 → retry after `retry_after`; 403 and the
 * "chat gone" 400s → permanent, ending the subscription; a 400 with
 * `migrate_to_chat_id` → migrated; 5xx → retry with backoff; network errors → uncertain retry.
 * @param backoffMs the delay of a 5xx/network retry
 */
export function classifyTelegramError(e: unknown, backoffMs: number): SendFailure {
  if (e instanceof GrammyError) {
    const reason = `${e.error_code} ${e.description}`;
    if (e.error_code === 429)
      return { kind: "retry", afterMs: (e.parameters.retry_after ?? 1) * 1000, reason, rateLimited: true, uncertain: false };
    if (e.parameters.migrate_to_chat_id !== undefined)
      return { kind: "migrated", newChatId: String(e.parameters.migrate_to_chat_id), reason };
    if (e.error_code >= 500) return { kind: "retry", afterMs: backoffMs, reason, rateLimited: false, uncertain: false };
    const d = e.description.toLowerCase();
    return { kind: "permanent", reason, endSubscription: e.error_code === 403 || GONE.some((g) => d.includes(g)) };
  }
  const reason =
    e instanceof HttpError ? `network: ${String((e.error as Error)?.message ?? e.message)}` : String((e as Error)?.message ?? e);
  return { kind: "retry", afterMs: backoffMs, reason, rateLimited: false, uncertain: true };
}

/** Options of {@link TelegramSender}. */
export interface TelegramSenderOptions {
  token: string;
  /** TELEGRAM_API_ROOT. */
  apiRoot: string;
  notice: Notice;
  docx: Buffer;
  fileName: string;
  /** A `file_id` of the .docx from an earlier run (broadcast assets), if any. */
  fileId?: string;
  /** Called once the .docx has a `file_id` (store it in the broadcast's assets). */
  onFileId?: (fileId: string) => void;
  backoffMs: number;
}

/** The Telegram sender: 2 parts (sendMessage, sendDocument); build it with {@link TelegramSender.create}. */
export class TelegramSender implements Sender {
  readonly channel = "telegram" as const;
  readonly parts = 2;
  private message: TelegramMessage | null = null;
  private fileId: string | undefined;

  private constructor(
    readonly api: Api,
    private readonly o: TelegramSenderOptions,
  ) {
    this.fileId = o.fileId;
  }

  /**
   * Create the sender: asks getMe for the bot's username (for the deep links).
   * @throws GrammyError / HttpError when the token is refused or the API is unreachable
   */
  static async create(o: TelegramSenderOptions): Promise<TelegramSender> {
    const s = new TelegramSender(new Api(o.token, { apiRoot: o.apiRoot }), o);
    const me = await s.api.getMe();
    s.message = telegramMessage(o.notice, me.username);
    return s;
  }

  async send(d: Delivery): Promise<string> {
    try {
      if (d.part === 0) {
        const { text, ...other } = this.message as TelegramMessage;
        return String((await this.api.sendMessage(d.chatId, text, other)).message_id);
      }
      const doc = this.fileId ?? new InputFile(this.o.docx, this.o.fileName);
      const m = await this.api.sendDocument(d.chatId, doc, { caption: this.o.notice.title.slice(0, 1024) });
      if (!this.fileId && m.document?.file_id) {
        this.fileId = m.document.file_id;
        this.o.onFileId?.(this.fileId);
      }
      return String(m.message_id);
    } catch (e) {
      throw new SendError(classifyTelegramError(e, this.o.backoffMs * 2 ** d.attempts));
    }
  }
}
