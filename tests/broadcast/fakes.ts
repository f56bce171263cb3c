/**
 * Fake Telegram Bot API and Feishu/Lark open platform for broadcasts, on
 * loopback over real HTTP. Unlike the channel fakes they model what a
 * broadcast meets: every message request is recorded with its arrival time
 * (to check the limits afterwards), chosen chats answer 403 / 230002 (the bot
 * was removed), 429 with retry_after / 99991400 once, or a 5xx once; Lark
 * drops a second message with a uuid it has seen (as the platform does for an
 * hour), and a hook can kill the sending process while requests are in flight.
 */

import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { parseLimits } from "../../src/broadcast/limits.js";
import { uploadOf } from "../channels/fake-telegram.js";

/** One message request as it arrived. */
export interface Arrival {
  /** Milliseconds since the epoch, with sub-millisecond precision (when the request's headers arrived). */
  at: number;
  chatId: string;
  /** sendMessage / sendDocument (Telegram), post / file (Lark). */
  kind: string;
  /** The HTTP status answered (0: never answered, the sender died first). */
  status: number;
}

/** A message the platform delivered to a group. */
export interface Delivered {
  chatId: string;
  kind: string;
  messageId: string;
}

/** What to do with the first request(s) of a chat. */
export type Trouble = "forbidden" | "rate-limit-once" | "server-error-once" | "deliver-then-5xx-once";

const clock = () => performance.timeOrigin + performance.now();

async function body(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of req) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

abstract class FakePlatform {
  readonly arrivals: Arrival[] = [];
  readonly delivered: Delivered[] = [];
  /** Trouble per chat id. */
  readonly trouble = new Map<string, Trouble>();
  /** Called on every message request after it is recorded, before it is answered. */
  onMessage: ((count: number) => void) | null = null;
  protected server: Server | null = null;
  protected next = 1;
  private readonly used = new Set<string>();

  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      const at = clock();
      void this.handle(req, at).then(({ status, json, headers }) => {
        res.statusCode = status;
        for (const [k, v] of Object.entries(headers ?? {})) res.setHeader(k, v);
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify(json));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Delivered messages per chat and kind: `chatId kind` → count. */
  counts(): Map<string, number> {
    const m = new Map<string, number>();
    for (const d of this.delivered) m.set(`${d.chatId} ${d.kind}`, (m.get(`${d.chatId} ${d.kind}`) ?? 0) + 1);
    return m;
  }

  /** Whether this chat's trouble applies now (the "once" kinds only to the first request of that kind). */
  protected troubleFor(chatId: string, kind: string): Trouble | undefined {
    const t = this.trouble.get(chatId);
    if (!t || t === "forbidden") return t;
    const key = `${chatId} ${kind}`;
    if (this.used.has(key)) return undefined;
    this.used.add(key);
    return t;
  }

  protected arrive(at: number, chatId: string, kind: string): Arrival {
    const a = { at, chatId, kind, status: 0 };
    this.arrivals.push(a);
    this.onMessage?.(this.arrivals.length);
    return a;
  }

  protected abstract handle(req: IncomingMessage, at: number): Promise<{ status: number; json: unknown; headers?: Record<string, string> }>;
}

/** The Bot API: getMe, sendMessage, sendDocument (multipart upload or a file_id). */
export class FakeBotApi extends FakePlatform {
  /** Groups that became supergroups: old chat id → new chat id (answered 400 with migrate_to_chat_id). */
  readonly migrated = new Map<string, string>();

  protected async handle(req: IncomingMessage, at: number) {
    const raw = await body(req);
    const method = (req.url ?? "").split("/").pop() ?? "";
    if (method === "getMe")
      return { status: 200, json: { ok: true, result: { id: 42, is_bot: true, first_name: "政策助手", username: "policy_test_bot" } } };
    const multipart = (req.headers["content-type"] ?? "").includes("multipart/form-data");
    const json = multipart ? null : (JSON.parse(raw.toString("utf8") || "{}") as Record<string, unknown>);
    const chatId = String(json ? json.chat_id : uploadOf({ method, json: null, raw, headers: req.headers }).fields.chat_id);
    const a = this.arrive(at, chatId, method);
    const fail = (status: number, description: string, parameters?: Record<string, unknown>) => {
      a.status = status;
      return { status, json: { ok: false, error_code: status, description, ...(parameters ? { parameters } : {}) } };
    };
    const to = this.migrated.get(chatId);
    if (to) return fail(400, "Bad Request: group chat was upgraded to a supergroup chat", { migrate_to_chat_id: Number(to) });
    const trouble = this.troubleFor(chatId, method);
    if (trouble === "forbidden") return fail(403, "Forbidden: bot was kicked from the group chat");
    if (trouble === "rate-limit-once") return fail(429, "Too Many Requests: retry after 1", { retry_after: 1 });
    if (trouble === "server-error-once") return fail(502, "Bad Gateway");
    const messageId = this.next++;
    this.delivered.push({ chatId, kind: method, messageId: String(messageId) });
    if (trouble === "deliver-then-5xx-once") return fail(500, "Internal Server Error");
    a.status = 200;
    const document = method === "sendDocument" ? { document: { file_id: "BQACAgFAKE", file_unique_id: "u1", file_name: "n.docx" } } : {};
    return {
      status: 200,
      json: {
        ok: true,
        result: { message_id: messageId, date: Math.floor(at / 1000), chat: { id: Number(chatId), type: "supergroup" }, ...document },
      },
    };
  }
}

/** The open platform: tenant token, file upload, im/v1/messages with uuid de-duplication. */
export class FakeLarkApi extends FakePlatform {
  /** Uploaded files (name → bytes). */
  readonly files = new Map<string, Buffer>();
  private readonly byUuid = new Map<string, string>();

  protected async handle(req: IncomingMessage, at: number) {
    const raw = await body(req);
    const url = new URL(req.url ?? "/", "http://fake");
    const route = `${req.method} ${url.pathname}`;
    if (route === "POST /open-apis/auth/v3/tenant_access_token/internal")
      return { status: 200, json: { code: 0, msg: "ok", tenant_access_token: "t-fake", expire: 7200 } };
    if (route === "POST /open-apis/im/v1/files") {
      const key = `file_v3_${this.next++}`;
      this.files.set(key, raw);
      return { status: 200, json: { code: 0, msg: "success", data: { file_key: key } } };
    }
    if (route !== "POST /open-apis/im/v1/messages") return { status: 404, json: { code: 404, msg: "not found" } };
    const json = JSON.parse(raw.toString("utf8")) as { receive_id: string; msg_type: string; uuid?: string };
    const chatId = json.receive_id;
    const a = this.arrive(at, chatId, json.msg_type);
    const fail = (status: number, code: number, msg: string, headers?: Record<string, string>) => {
      a.status = status;
      return { status, json: { code, msg }, headers };
    };
    const trouble = this.troubleFor(chatId, json.msg_type);
    if (trouble === "forbidden") return fail(400, 230002, "The bot can not be outside the group.");
    if (trouble === "rate-limit-once")
      return fail(429, 99991400, "request trigger frequency limit", { "x-ogw-ratelimit-limit": "5", "x-ogw-ratelimit-reset": "1" });
    if (trouble === "server-error-once") return fail(500, 1, "internal error");
    let messageId = json.uuid ? this.byUuid.get(json.uuid) : undefined;
    if (!messageId) {
      messageId = `om_${String(this.next++).padStart(8, "0")}`;
      if (json.uuid) this.byUuid.set(json.uuid, messageId);
      this.delivered.push({ chatId, kind: json.msg_type, messageId });
    }
    if (trouble === "deliver-then-5xx-once") return fail(500, 1, "internal error");
    a.status = 200;
    return { status: 200, json: { code: 0, msg: "success", data: { message_id: messageId, chat_id: chatId, msg_type: json.msg_type } } };
  }
}

/** The most events in any window of `windowMs` (half-open, as the limiter counts). */
export function maxInWindow(times: number[], windowMs: number): number {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while ((t[hi] as number) - (t[lo] as number) >= windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/**
 * Every limit rule checked against recorded arrivals.
 * @returns one line per rule that was exceeded (empty: none)
 */
/**
 * Limits as the fakes can check them on a busy test machine: the fakes stamp a
 * request when their own process gets to it, some tens of ms after the limiter
 * let it go, so a few sends of one window can land in the next. Global windows
 * get `slack` more requests (twice the in-flight bound is what was seen); the
 * per-chat ones stay exact (one send at a time per chat).
 */
export function withArrivalJitter(limits: string, slack: number) {
  return parseLimits(limits).map((r) => (r.scope === "global" ? { ...r, max: r.max + slack } : r));
}

export function limitViolations(arrivals: Arrival[], rules: { scope: "global" | "chat"; max: number; windowMs: number }[]): string[] {
  const out: string[] = [];
  for (const r of rules) {
    if (r.scope === "global") {
      const n = maxInWindow(
        arrivals.map((a) => a.at),
        r.windowMs,
      );
      if (n > r.max) out.push(`global ${n} > ${r.max}/${r.windowMs}ms`);
      continue;
    }
    const byChat = new Map<string, number[]>();
    for (const a of arrivals) byChat.set(a.chatId, [...(byChat.get(a.chatId) ?? []), a.at]);
    for (const [chat, times] of byChat) {
      const n = maxInWindow(times, r.windowMs);
      if (n > r.max) out.push(`chat ${chat}: ${n} > ${r.max}/${r.windowMs}ms`);
    }
  }
  return out;
}
