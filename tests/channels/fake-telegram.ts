/**
 * A fake Telegram Bot API server on loopback: grammY talks to it through
 * `apiRoot` over real HTTP. It records every call (method, JSON body or raw
 * multipart bytes) and answers like the Bot API does.
 *
 * Long polling: {@link FakeTelegram.push} queues updates; `getUpdates` answers
 * those at or after `offset` (earlier ones count as confirmed and are dropped,
 * as Telegram does), and when there are none it holds the request until
 * updates are pushed or a short hold ends, then answers `[]`.
 *
 * Webhooks: {@link FakeTelegram.deliver} POSTs an update to the bot and takes a
 * Bot API call in the response (grammY webhook reply) as Telegram would.
 */
import { EventEmitter } from "node:events";
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { Update } from "grammy/types";

export interface Call {
  method: string;
  /** Parsed JSON body, or null for multipart uploads. */
  json: Record<string, unknown> | null;
  /** The raw body (multipart uploads: the file is inside). */
  raw: Buffer;
  headers: IncomingHttpHeaders;
  /** Sent as the response to a webhook delivery instead of a request of its own. */
  webhookReply?: boolean;
}

/** A file uploaded with sendDocument (multipart/form-data). */
export interface Upload {
  fileName: string;
  data: Buffer;
  /** The other form fields (chat_id …). */
  fields: Record<string, string>;
}

/** An error answer of the Bot API. */
class ApiFailure {
  constructor(
    readonly code: number,
    readonly description: string,
  ) {}
}

export class FakeTelegram {
  readonly calls: Call[] = [];
  private server: Server | null = null;
  private messageId = 1000;
  private readonly queue: Update[] = [];
  private readonly events = new EventEmitter();
  private readonly held = new Map<string, Promise<void>>();
  /** Chats whose sendMessage/sendDocument answer 403 (the bot was kicked), by chat id. */
  readonly forbidden = new Set<string>();
  /** getChatMember statuses by `chatId:userId` (default `member`). */
  readonly members = new Map<string, string>();
  /** When set, getUpdates answers 409 Conflict, as Telegram does while another process polls with the token. */
  conflict = false;

  /** @param holdMs how long an empty getUpdates waits before answering `[]` (Telegram: `timeout` seconds) */
  constructor(private readonly holdMs = 200) {
    this.events.setMaxListeners(0);
  }

  /** Start listening; returns the apiRoot to give grammY. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      res.setHeader("content-type", "application/json");
      if (this.conflict && (req.url ?? "").endsWith("/getUpdates")) {
        res.statusCode = 409;
        const description = "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running";
        res.end(JSON.stringify({ ok: false, error_code: 409, description }));
        return;
      }
      void this.handle(req).then((result) => {
        if (result instanceof ApiFailure) {
          res.statusCode = result.code;
          res.end(JSON.stringify({ ok: false, error_code: result.code, description: result.description }));
        } else res.end(JSON.stringify({ ok: true, result }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    this.events.emit("stop");
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Calls of one method, in order. */
  of(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  /**
   * Deliver an update to a bot's webhook, as Telegram does: a Bot API call in
   * the response body (grammY webhook reply) is recorded and answered like any
   * other call. @returns the HTTP status
   */
  async deliver(url: string, secret: string, update: Update): Promise<number> {
    const r = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", "x-telegram-bot-api-secret-token": secret },
      body: JSON.stringify(update),
    });
    const body = Buffer.from(await r.arrayBuffer());
    if (r.status === 200 && body.length > 0 && (r.headers.get("content-type") ?? "").includes("application/json")) {
      const { method, ...json } = JSON.parse(body.toString("utf8")) as { method: string };
      const call: Call = { method, json, raw: body, headers: {}, webhookReply: true };
      this.calls.push(call);
      this.events.emit("call", call);
    }
    return r.status;
  }

  /** Queue updates for getUpdates (long polling). */
  push(...updates: Update[]): void {
    this.queue.push(...updates);
    this.events.emit("updates");
  }

  /**
   * Resolves once `count` calls of `method` have been received in total (a
   * guard rejects after `ms`, so a broken bot fails the test instead of hanging it).
   */
  async waitFor(method: string, count: number, ms = 20_000): Promise<Call[]> {
    const done = () => this.of(method).length >= count;
    if (!done()) {
      await new Promise<void>((resolve, reject) => {
        const guard = setTimeout(() => {
          this.events.off("call", check);
          reject(new Error(`expected ${count} ${method} calls, got ${this.of(method).length}`));
        }, ms);
        const check = () => {
          if (!done()) return;
          clearTimeout(guard);
          this.events.off("call", check);
          resolve();
        };
        this.events.on("call", check);
      });
    }
    return this.of(method);
  }

  /**
   * Answer calls of `method` only once the returned function is called (an
   * update that is still being handled: graceful-shutdown tests).
   */
  hold(method: string): () => void {
    let release = () => {};
    this.held.set(
      method,
      new Promise<void>((resolve) => {
        release = resolve;
      }),
    );
    return () => {
      this.held.delete(method);
      release();
    };
  }

  private async handle(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const method = (req.url ?? "").split("/").pop() ?? "";
    const json = (req.headers["content-type"] ?? "").includes("application/json")
      ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>)
      : null;
    if (method === "getUpdates") return this.getUpdates(json ?? {}, req);
    const call = { method, json, raw, headers: req.headers };
    this.calls.push(call);
    this.events.emit("call", call);
    await this.held.get(method);
    const chatId = json?.chat_id ?? (method === "sendDocument" ? uploadOf(call).fields.chat_id : undefined);
    const chat = { id: Number(chatId ?? 1), type: "private" };
    if ((method === "sendMessage" || method === "sendDocument") && this.forbidden.has(String(chatId)))
      return new ApiFailure(403, "Forbidden: bot was kicked from the group chat");
    switch (method) {
      case "getMe":
        return { id: 42, is_bot: true, first_name: "政策助手", username: "policy_test_bot" };
      case "getChatMember":
        return {
          status: this.members.get(`${String(json?.chat_id)}:${String(json?.user_id)}`) ?? "member",
          user: { id: Number(json?.user_id), is_bot: false, first_name: "用户" },
        };
      case "sendMessage":
      case "sendDocument":
        return { message_id: this.messageId++, date: 0, chat, text: json?.text ?? "" };
      default:
        return true;
    }
  }

  private async getUpdates(args: Record<string, unknown>, req: IncomingMessage): Promise<Update[]> {
    const call = { method: "getUpdates", json: args, raw: Buffer.alloc(0), headers: req.headers };
    this.calls.push(call);
    this.events.emit("call", call);
    const offset = Number(args.offset ?? 0);
    const limit = Number(args.limit ?? 100);
    // Updates before the offset are confirmed: Telegram forgets them.
    while (this.queue.length > 0 && (this.queue[0]?.update_id ?? 0) < offset) this.queue.shift();
    if (this.queue.length === 0 && Number(args.timeout ?? 0) > 0) {
      await new Promise<void>((resolve) => {
        const done = () => {
          clearTimeout(timer);
          this.events.off("updates", done);
          this.events.off("stop", done);
          req.off("close", done);
          resolve();
        };
        const timer = setTimeout(done, this.holdMs);
        this.events.on("updates", done);
        this.events.on("stop", done);
        req.on("close", done); // the bot aborted the long poll (stopping)
      });
    }
    return this.queue.filter((u) => u.update_id >= offset).slice(0, limit);
  }
}

/** The file and fields of a multipart sendDocument call. */
export function uploadOf(call: Call): Upload {
  const boundary = /boundary=(?:"([^"]+)"|([^;]+))/.exec(String(call.headers["content-type"] ?? ""));
  const marker = Buffer.from(`--${boundary?.[1] ?? boundary?.[2] ?? ""}`);
  const fields: Record<string, string> = {};
  let file: Upload | null = null;
  let at = call.raw.indexOf(marker);
  while (at >= 0) {
    const next = call.raw.indexOf(marker, at + marker.length);
    if (next < 0) break;
    const part = call.raw.subarray(at + marker.length + 2, next - 2); // after CRLF, before CRLF
    const split = part.indexOf("\r\n\r\n");
    const head = part.subarray(0, split).toString("utf8");
    const body = part.subarray(split + 4);
    const name = /;\s*name="([^"]*)"/.exec(head)?.[1] ?? "";
    // grammY writes the file name unquoted (filename=资格自测报告.docx).
    const quoted = /filename=(?:"([^"]*)"|([^;\r\n]*))/.exec(head);
    const fileName = quoted ? (quoted[1] ?? quoted[2] ?? "") : undefined;
    if (fileName !== undefined) file = { fileName, data: Buffer.from(body), fields };
    else fields[name] = body.toString("utf8");
    at = next;
  }
  if (!file) throw new Error(`${call.method}: no file in the multipart body`);
  return file;
}
