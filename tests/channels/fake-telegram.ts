/**
 * A fake Telegram Bot API server on loopback: grammY talks to it through
 * `apiRoot` over real HTTP. It records every call (method, JSON body or raw
 * multipart bytes) and answers like the Bot API does.
 */
import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";

export interface Call {
  method: string;
  /** Parsed JSON body, or null for multipart uploads. */
  json: Record<string, unknown> | null;
  /** The raw body (multipart uploads: the file is inside). */
  raw: Buffer;
}

export class FakeTelegram {
  readonly calls: Call[] = [];
  private server: Server | null = null;
  private messageId = 1000;

  /** Start listening; returns the apiRoot to give grammY. */
  async start(): Promise<string> {
    this.server = createServer((req, res) => {
      void this.handle(req).then((result) => {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ ok: true, result }));
      });
    });
    await new Promise<void>((resolve) => this.server?.listen(0, "127.0.0.1", resolve));
    const { port } = this.server.address() as AddressInfo;
    return `http://127.0.0.1:${port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }

  /** Calls of one method, in order. */
  of(method: string): Call[] {
    return this.calls.filter((c) => c.method === method);
  }

  private async handle(req: IncomingMessage): Promise<unknown> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks);
    const method = (req.url ?? "").split("/").pop() ?? "";
    const json = (req.headers["content-type"] ?? "").includes("application/json")
      ? (JSON.parse(raw.toString("utf8")) as Record<string, unknown>)
      : null;
    this.calls.push({ method, json, raw });
    const chat = { id: Number(json?.chat_id ?? 1), type: "private" };
    switch (method) {
      case "getMe":
        return { id: 42, is_bot: true, first_name: "政策助手", username: "policy_test_bot" };
      case "sendMessage":
      case "sendDocument":
        return { message_id: this.messageId++, date: 0, chat, text: json?.text ?? "" };
      default:
        return true;
    }
  }
}
