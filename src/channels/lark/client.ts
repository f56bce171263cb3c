/**
 * The Lark/Feishu open-api calls the channel makes, over the SDK's `Client`
 * (which fetches and caches the tenant_access_token), with the retries the SDK
 * does not do:
 *
 * - rate limits (https://open.feishu.cn/document/server-docs/api-call-guide/frequency-control):
 *   HTTP 429 or code `99991400` → wait `x-ogw-ratelimit-reset` seconds, then retry;
 * - HTTP 5xx and network errors → exponential backoff;
 * - every attempt bounded; anything else, and the last failure, surface as a
 *   {@link LarkApiError}.
 *
 * Sending a message carries a `uuid` when given, so Lark itself drops a
 * duplicate of a send that was retried after it had in fact succeeded.
 */
import { Readable } from "node:stream";
import {
  Client,
  DefaultCache,
  defaultHttpInstance,
  type HttpInstance,
  type HttpRequestOptions,
  LoggerLevel,
  type Logger as SdkLogger,
} from "@larksuiteoapi/node-sdk";

/** Lark's code for "too many requests" (with HTTP 429). */
export const RATE_LIMITED = 99991400;

/**
 * The open-api base URL of a LARK_DOMAIN value.
 * @param domain `feishu` (https://open.feishu.cn), `lark` (https://open.larksuite.com) or a base URL (tests: a fake server)
 */
export function larkBaseUrl(domain: string): string {
  if (domain === "feishu") return "https://open.feishu.cn";
  if (domain === "lark") return "https://open.larksuite.com";
  return domain.replace(/\/+$/, "");
}

/** A failed open-api call: the API's own code and message, and the HTTP status (0: no response). */
export class LarkApiError extends Error {
  constructor(
    /** HTTP method. */
    readonly method: string,
    /** API path, e.g. `/open-apis/im/v1/messages`. */
    readonly path: string,
    /** Lark's error code (-1 when the response carried none). */
    readonly code: number,
    /** Lark's error message. */
    readonly msg: string,
    /** HTTP status (0 when no response arrived). */
    readonly httpStatus: number,
    /** A rate limit's `x-ogw-ratelimit-reset` header (seconds until the window resets), when the answer carried it. */
    readonly retryAfterSeconds?: number,
  ) {
    super(`${method} ${path}: ${code} ${msg} (HTTP ${httpStatus})`);
    this.name = "LarkApiError";
  }
}

/** Options of {@link LarkApi}. */
export interface LarkApiOptions {
  appId: string;
  appSecret: string;
  /** Open-api base URL (see {@link larkBaseUrl}). */
  baseUrl: string;
  /** Where the SDK logs (see sdk-logger.ts). */
  logger?: SdkLogger;
  /** Attempts per call, the first included (default 5). */
  maxAttempts?: number;
  /** Longest wait honoured from `x-ogw-ratelimit-reset` (default 30 s). */
  maxWaitSeconds?: number;
  /** First 5xx backoff, doubled on each retry (default 500 ms). */
  backoffMs?: number;
  /** Time limit of one HTTP request (default 30 s). */
  timeoutMs?: number;
}

/**
 * The SDK's HTTP instance (axios, answering with the response body) with a
 * time limit on every request: the SDK sets none, and one hung call would
 * hold up its chat's queue for good. A timeout is retried like a network error.
 * @param timeoutMs per request (the long connection's endpoint call keeps its own 15 s)
 */
export function httpWithTimeout(timeoutMs: number): HttpInstance {
  const http = defaultHttpInstance as unknown as HttpInstance;
  const timed = <D>(opts?: HttpRequestOptions<D>): HttpRequestOptions<D> => ({ timeout: timeoutMs, ...opts });
  return {
    request: (opts) => http.request(timed(opts)),
    get: (url, opts) => http.get(url, timed(opts)),
    delete: (url, opts) => http.delete(url, timed(opts)),
    head: (url, opts) => http.head(url, timed(opts)),
    options: (url, opts) => http.options(url, timed(opts)),
    post: (url, data, opts) => http.post(url, data, timed(opts)),
    put: (url, data, opts) => http.put(url, data, timed(opts)),
    patch: (url, data, opts) => http.patch(url, data, timed(opts)),
  };
}

/** Message types the channel sends. */
export type MsgType = "text" | "interactive" | "file" | "post";

interface HttpFailure {
  isAxiosError?: boolean;
  message?: string;
  response?: { status?: number; headers?: Record<string, unknown>; data?: unknown };
}

type Outcome<T> = { ok: true; value: T } | { ok: false; error: LarkApiError; retryAfterMs: number | null };

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const codeMsg = (data: unknown): { code?: number; msg?: string } =>
  typeof data === "object" && data !== null ? (data as { code?: number; msg?: string }) : {};

/** The open-api client of the channel. */
export class LarkApi {
  /** The SDK client (token management, typed endpoints). */
  readonly sdk: Client;
  private readonly maxAttempts: number;
  private readonly maxWaitMs: number;
  private readonly backoffMs: number;

  constructor(o: LarkApiOptions) {
    this.sdk = new Client({
      appId: o.appId,
      appSecret: o.appSecret,
      domain: o.baseUrl,
      // A cache per client: the SDK's default is shared by every client in the process.
      cache: new DefaultCache(),
      httpInstance: httpWithTimeout(o.timeoutMs ?? 30_000),
      logger: o.logger,
      loggerLevel: LoggerLevel.info,
    });
    this.maxAttempts = o.maxAttempts ?? 5;
    this.maxWaitMs = (o.maxWaitSeconds ?? 30) * 1000;
    this.backoffMs = o.backoffMs ?? 500;
  }

  /**
   * Send a message to a chat (`POST /open-apis/im/v1/messages?receive_id_type=chat_id`,
   * https://open.feishu.cn/document/server-docs/im-v1/message/create).
   * @param content the message content object (serialised to the `content` JSON string)
   * @param uuid idempotency key: Lark sends one message per uuid within an hour
   * @returns the new message_id
   * @throws LarkApiError
   */
  async sendMessage(chatId: string, msgType: MsgType, content: object, uuid?: string): Promise<string> {
    const res = await this.call("POST", "/open-apis/im/v1/messages", () =>
      this.sdk.im.v1.message.create({
        params: { receive_id_type: "chat_id" },
        data: { receive_id: chatId, msg_type: msgType, content: JSON.stringify(content), ...(uuid ? { uuid } : {}) },
      }),
    );
    return res.data?.message_id ?? "";
  }

  /**
   * Upload a file for a file message (`POST /open-apis/im/v1/files`, multipart,
   * https://open.feishu.cn/document/server-docs/im-v1/file/create).
   * @param fileType `doc` for Word documents, `stream` for anything else
   * @returns the file_key
   * @throws LarkApiError (also when the answer carries no file_key)
   */
  async uploadFile(fileName: string, data: Uint8Array, fileType: "doc" | "stream" = "stream"): Promise<string> {
    const path = "/open-apis/im/v1/files";
    const res = await this.call("POST", path, () => {
      // A fresh stream per attempt; its `path` gives the multipart part a filename, as an fs.ReadStream would.
      const file = Object.assign(Readable.from([Buffer.from(data)]), { path: fileName });
      return this.sdk.im.v1.file.create({ data: { file_type: fileType, file_name: fileName, file: file as never } });
    });
    if (!res?.file_key) throw new LarkApiError("POST", path, -1, "no file_key in the answer", 200);
    return res.file_key;
  }

  /**
   * Edit a text or post message the bot sent (`PUT /open-apis/im/v1/messages/:message_id`,
   * https://open.feishu.cn/document/server-docs/im-v1/message/update; Lark allows 20 edits per message).
   * @throws LarkApiError
   */
  async updateMessage(messageId: string, msgType: "text" | "post", content: object): Promise<void> {
    await this.call("PUT", "/open-apis/im/v1/messages/:message_id", () =>
      this.sdk.im.v1.message.update({ path: { message_id: messageId }, data: { msg_type: msgType, content: JSON.stringify(content) } }),
    );
  }

  /**
   * A group's name, owner and managers as open_ids (`GET /open-apis/im/v1/chats/:chat_id`,
   * https://open.feishu.cn/document/server-docs/group/chat/get): who may subscribe it.
   * @throws LarkApiError (the bot is not in the group …)
   */
  async chatInfo(chatId: string): Promise<{ name: string; ownerId: string; managerIds: string[] }> {
    const res = await this.call("GET", "/open-apis/im/v1/chats/:chat_id", () =>
      this.sdk.im.v1.chat.get({ path: { chat_id: chatId }, params: { user_id_type: "open_id" } }),
    );
    const d = res.data ?? {};
    return { name: d.name ?? "", ownerId: d.owner_id ?? "", managerIds: d.user_manager_id_list ?? [] };
  }

  /**
   * The bot's own identity (`GET /open-apis/bot/v3/info`), to recognise @mentions of it in groups.
   * @throws LarkApiError (wrong app id/secret, bot ability not enabled …)
   */
  async botInfo(): Promise<{ openId: string; name: string }> {
    const path = "/open-apis/bot/v3/info";
    const res = await this.call("GET", path, () =>
      this.sdk.request<{ code?: number; msg?: string; bot?: { open_id?: string; app_name?: string } }>({ method: "GET", url: path }),
    );
    if (!res.bot?.open_id) throw new LarkApiError("GET", path, -1, "no bot open_id in the answer", 200);
    return { openId: res.bot.open_id, name: res.bot.app_name ?? "" };
  }

  /**
   * Run one call with the retry rules above. A resolved body whose `code` is
   * not 0 is a failure too.
   */
  private async call<T>(method: string, path: string, run: () => Promise<T>): Promise<T> {
    let delay = this.backoffMs;
    for (let attempt = 1; ; attempt++) {
      const outcome = await this.attempt(method, path, run, delay);
      if (outcome.ok) return outcome.value;
      if (outcome.retryAfterMs === null || attempt >= this.maxAttempts) throw outcome.error;
      await sleep(outcome.retryAfterMs);
      if (outcome.error.code !== RATE_LIMITED) delay *= 2;
    }
  }

  private async attempt<T>(method: string, path: string, run: () => Promise<T>, backoff: number): Promise<Outcome<T>> {
    let value: T;
    try {
      value = await run();
    } catch (e) {
      return this.classify(method, path, e as HttpFailure, backoff);
    }
    const { code, msg } = codeMsg(value);
    if (code === undefined || code === 0) return { ok: true, value };
    const error = new LarkApiError(method, path, code, msg ?? "", 200);
    return { ok: false, error, retryAfterMs: code === RATE_LIMITED ? 1000 : null };
  }

  private classify<T>(method: string, path: string, e: HttpFailure, backoff: number): Outcome<T> {
    if (!e?.isAxiosError) {
      return { ok: false, error: new LarkApiError(method, path, -1, e instanceof Error ? e.message : String(e), 0), retryAfterMs: null };
    }
    const status = e.response?.status ?? 0;
    const { code, msg } = codeMsg(e.response?.data);
    const limited = status === 429 || code === RATE_LIMITED;
    const header = e.response?.headers?.["x-ogw-ratelimit-reset"];
    const reset = limited && header !== undefined && header !== "" ? Number(header) : Number.NaN;
    const retryAfterSeconds = Number.isFinite(reset) && reset >= 0 ? reset : undefined;
    const error = new LarkApiError(method, path, code ?? -1, msg ?? e.message ?? "", status, retryAfterSeconds);
    if (limited) {
      const ms = retryAfterSeconds !== undefined ? retryAfterSeconds * 1000 : 1000;
      return { ok: false, error, retryAfterMs: Math.min(ms, this.maxWaitMs) };
    }
    if (status === 0 || status >= 500) return { ok: false, error, retryAfterMs: backoff };
    return { ok: false, error, retryAfterMs: null };
  }
}
