/**
 * The webhook routes of the Lark channel (`LARK_MODE=webhook`):
 *
 * - `POST /lark/events` — event subscription (请求网址): `url_verification`
 *   challenges and events such as `im.message.receive_v1`, plain or encrypted;
 * - `POST /lark/cards` — card callbacks (卡片回调): `card.action.trigger`, or the
 *   legacy card format.
 *
 * Every request is checked first (verify.ts); a forged, stale or mismatched
 * one is answered 401 and nothing in it reaches the bot. Events are answered
 * as soon as they are claimed (Lark wants 200 within 3 s and re-delivers
 * otherwise); the conversation step runs afterwards.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { RouteHandler } from "../runtime.js";
import type { Dispatchers } from "./dispatch.js";
import { verifyRequest, type WebhookKind } from "./verify.js";

/** Options of {@link webhookRoutes}. */
export interface WebhookOptions {
  dispatchers: Dispatchers;
  /** LARK_VERIFICATION_TOKEN. */
  verificationToken: string;
  /** LARK_ENCRYPT_KEY. */
  encryptKey?: string;
  log: Logger;
  /** Largest accepted body (default 1 MiB). */
  maxBodyBytes?: number;
  /** False once the channel is stopping: requests then get 503 unclaimed, and Lark delivers them again later. */
  accepting?: () => boolean;
}

class TooLarge extends Error {}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new TooLarge();
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown): void {
  res.statusCode = status;
  res.setHeader("content-type", "application/json; charset=utf-8");
  res.end(JSON.stringify(body));
}

/**
 * The two routes, by `"METHOD /path"` as ChannelRuntime wants them.
 */
export function webhookRoutes(o: WebhookOptions): Record<string, RouteHandler> {
  const route =
    (kind: WebhookKind): RouteHandler =>
    async (req, res) => {
      if (o.accepting && !o.accepting()) return json(res, 503, { msg: "stopping" });
      let raw: Buffer;
      try {
        raw = await readBody(req, o.maxBodyBytes ?? 1 << 20);
      } catch (e) {
        if (e instanceof TooLarge) return json(res, 413, { msg: "too large" });
        throw e;
      }
      const v = verifyRequest(kind, req.headers, raw, { encryptKey: o.encryptKey, verificationToken: o.verificationToken });
      if (!v.ok) {
        o.log.warn({ channel: "lark", route: kind, reason: v.reason }, "webhook request refused");
        return json(res, v.status, { msg: v.reason });
      }
      if (v.challenge !== undefined) return json(res, 200, { challenge: v.challenge });
      const legacyCard = kind === "cards" && !("schema" in v.payload);
      // The SDK's handlers expect the request headers on the data's prototype, as its own adapters put them.
      const data = Object.assign(Object.create({ headers: req.headers }) as object, v.payload);
      const result: unknown = legacyCard
        ? await o.dispatchers.cards.invoke(data)
        : await o.dispatchers.events.invoke(data, { needCheck: false });
      json(res, 200, typeof result === "object" && result !== null ? result : {});
    };
  return { "POST /lark/events": route("events"), "POST /lark/cards": route("cards") };
}
