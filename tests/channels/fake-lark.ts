/**
 * A fake Lark/Feishu open platform on loopback: the SDK talks to it through
 * LARK_DOMAIN over real HTTP. It records every call (method, path, query,
 * JSON body or multipart parts), answers like the open-api does (ids such as
 * `om_…` and `file_v3_…`), can be told to fail the next calls of a path with
 * a rate limit (HTTP 429, code 99991400, `x-ogw-ratelimit-reset`), a 5xx or no answer at all,
 * and hands out the long-connection endpoint (`/callback/ws/endpoint`).
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

/** A multipart part. */
export interface Part {
  filename?: string;
  data: Buffer;
}

/** One recorded call. */
export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingMessage["headers"];
  /** Parsed JSON body (null for multipart or empty bodies). */
  json: Record<string, unknown> | null;
  /** Multipart parts by name (uploads). */
  parts: Record<string, Part>;
  /** The HTTP status answered. */
  status: number;
}

/** A message the bot sent (a successful `POST /open-apis/im/v1/messages`). */
export interface Sent {
  messageId: string;
  chatId: string;
  msgType: string;
  content: Record<string, unknown>;
  uuid?: string;
}

type Failure = { kind: "rate-limit"; resetSeconds: number } | { kind: "server-error" } | { kind: "hang" };

export const BOT_OPEN_ID = "ou_fakebot0000000000000000000000";

function parseMultipart(raw: Buffer, contentType: string): Record<string, Part> {
  const m = /boundary=(?:"([^"]+)"|([^;]+))/.exec(contentType);
  const parts: Record<string, Part> = {};
  if (!m) return parts;
  const boundary = Buffer.from(`--${m[1] ?? m[2]}`);
  let start = raw.indexOf(boundary);
  while (start !== -1) {
    const next = raw.indexOf(boundary, start + boundary.length);
    if (next === -1) break;
    const part = raw.subarray(start + boundary.length + 2, next - 2);
    const sep = part.indexOf("\r\n\r\n");
    if (sep !== -1) {
      const head = part.subarray(0, sep).toString("utf8");
      const name = /name="([^"]*)"/.exec(head)?.[1] ?? "";
      const filename = /filename="([^"]*)"/.exec(head)?.[1];
      parts[name] = { filename, data: part.subarray(sep + 4) };
    }
    start = next;
  }
  return parts;
}

export class FakeLark {
  readonly calls: Call[] = [];
  readonly sent: Sent[] = [];
  /** Uploaded files by file_key. */
  readonly files = new Map<string, { name: string; type: string; data: Buffer }>();
  /** Groups for `GET /open-apis/im/v1/chats/:chat_id`: name, owner and managers (open_ids). */
  readonly chats = new Map<string, { name: string; owner_id: string; user_manager_id_list: string[] }>();
  /** Edits of sent messages (`PUT /open-apis/im/v1/messages/:message_id`), in order. */
  readonly updates: { messageId: string; msgType: string; content: Record<string, unknown> }[] = [];
  /** The ws:// URL handed out by `/callback/ws/endpoint` (set by the WS test). */
  wsUrl = "";
  private server: Server | null = null;
  private next = 1;
  private readonly failures = new Map<string, Failure[]>();
  private readonly waiters: { done: (sent: Sent[]) => boolean; resolve: () => void }[] = [];

  /** Start listening; returns the base URL to use as LARK_DOMAIN. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then(({ status, body, headers }) => {
        res.statusCode = status;
        for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
        res.setHeader("content-type", "application/json; charset=utf-8");
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Answer the next `n` calls of `path` with a failure instead of handling them. */
  failNext(path: string, n: number, failure: Failure): void {
    const list = this.failures.get(path) ?? [];
    for (let i = 0; i < n; i++) list.push(failure);
    this.failures.set(path, list);
  }

  /** Calls of one path, in order. */
  of(path: string): Call[] {
    return this.calls.filter((c) => c.path === path);
  }

  /**
   * Resolves once `done(sent)` holds for the messages sent so far (checked on
   * every new message): waits for the bot's background work without timing.
   */
  waitFor(done: (sent: Sent[]) => boolean, timeoutMs = 20_000): Promise<void> {
    if (done(this.sent)) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const waiter = {
        done,
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
      };
      const timer = setTimeout(() => {
        this.waiters.splice(this.waiters.indexOf(waiter), 1);
        reject(new Error(`gave up waiting after ${this.sent.length} sent messages`));
      }, timeoutMs);
      this.waiters.push(waiter);
    });
  }

  private async handle(req: IncomingMessage): Promise<{ status: number; body: unknown; headers?: Record<string, string> }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const url = new URL(req.url ?? "/", "http://fake");
    const type = req.headers["content-type"] ?? "";
    const json = type.includes("application/json") && raw.length > 0 ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>) : null;
    const parts = type.includes("multipart/form-data") ? parseMultipart(raw, type) : {};
    const call: Call = {
      method: req.method ?? "",
      path: url.pathname,
      query: url.searchParams,
      headers: req.headers,
      json,
      parts,
      status: 200,
    };
    this.calls.push(call);
    const answer = (status: number, body: unknown, headers?: Record<string, string>) => {
      call.status = status;
      return { status, body, headers };
    };

    const failure = this.failures.get(url.pathname)?.shift();
    if (failure?.kind === "rate-limit") {
      return answer(
        429,
        { code: 99991400, msg: "request trigger frequency limit" },
        { "x-ogw-ratelimit-limit": "5", "x-ogw-ratelimit-reset": String(failure.resetSeconds) },
      );
    }
    if (failure?.kind === "server-error") return answer(500, { code: 1, msg: "internal error" });
    if (failure?.kind === "hang") return new Promise(() => {}); // never answered (the connection is cut on stop)

    const authorized = req.headers.authorization === "Bearer t-fake-tenant-token";
    const chat = /^\/open-apis\/im\/v1\/chats\/([^/]+)$/.exec(url.pathname);
    if (req.method === "GET" && chat?.[1]) {
      const c = this.chats.get(decodeURIComponent(chat[1]));
      if (!c) return answer(400, { code: 232011, msg: "The bot is not in the chat." });
      return answer(200, { code: 0, msg: "success", data: { ...c, owner_id_type: url.searchParams.get("user_id_type") } });
    }
    const edit = /^\/open-apis\/im\/v1\/messages\/([^/]+)$/.exec(url.pathname);
    if (req.method === "PUT" && edit?.[1] && json) {
      const messageId = decodeURIComponent(edit[1]);
      if (!this.sent.some((x) => x.messageId === messageId)) return answer(400, { code: 230011, msg: "message not found" });
      this.updates.push({
        messageId,
        msgType: String(json.msg_type),
        content: JSON.parse(String(json.content)) as Record<string, unknown>,
      });
      return answer(200, { code: 0, msg: "success", data: { message_id: messageId } });
    }
    switch (`${req.method} ${url.pathname}`) {
      case "POST /open-apis/auth/v3/tenant_access_token/internal":
        if (json?.app_secret === "wrong-secret") return answer(200, { code: 10014, msg: "app secret invalid" });
        return answer(200, { code: 0, msg: "ok", tenant_access_token: "t-fake-tenant-token", expire: 7200 });
      case "GET /open-apis/bot/v3/info":
        if (!authorized) return answer(401, { code: 99991663, msg: "Invalid access token for authorization" });
        return answer(200, { code: 0, msg: "ok", bot: { activate_status: 2, app_name: "政策助手", open_id: BOT_OPEN_ID } });
      case "POST /open-apis/im/v1/messages": {
        if (!authorized) return answer(401, { code: 99991663, msg: "Invalid access token for authorization" });
        if (url.searchParams.get("receive_id_type") !== "chat_id" || !json) return answer(400, { code: 230001, msg: "bad request" });
        if (!json.receive_id) return answer(400, { code: 99992402, msg: "field validation failed" });
        const messageId = `om_${String(this.next++).padStart(8, "0")}`;
        const sent: Sent = {
          messageId,
          chatId: String(json.receive_id),
          msgType: String(json.msg_type),
          content: JSON.parse(String(json.content)) as Record<string, unknown>,
          uuid: typeof json.uuid === "string" ? json.uuid : undefined,
        };
        this.sent.push(sent);
        for (const w of this.waiters.filter((w) => w.done(this.sent))) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve();
        }
        return answer(200, {
          code: 0,
          msg: "success",
          data: { message_id: messageId, chat_id: sent.chatId, msg_type: sent.msgType, body: { content: json.content } },
        });
      }
      case "POST /open-apis/im/v1/files": {
        if (!authorized) return answer(401, { code: 99991663, msg: "Invalid access token for authorization" });
        const file = parts.file;
        const name = parts.file_name?.data.toString("utf8");
        if (!file || !name || file.data.length === 0) return answer(400, { code: 234001, msg: "Invalid request param." });
        const fileKey = `file_v3_${String(this.next++).padStart(8, "0")}`;
        this.files.set(fileKey, { name, type: parts.file_type?.data.toString("utf8") ?? "", data: file.data });
        return answer(200, { code: 0, msg: "success", data: { file_key: fileKey } });
      }
      case "POST /callback/ws/endpoint":
        return answer(200, {
          code: 0,
          msg: "ok",
          data: { URL: this.wsUrl, ClientConfig: { PingInterval: 120, ReconnectCount: 0, ReconnectInterval: 120, ReconnectNonce: 0 } },
        });
      default:
        return answer(404, { code: 404, msg: "not found" });
    }
  }
}
