/**
 * Checks of an incoming webhook request (`POST /lark/events`, `POST /lark/cards`)
 * before anything in it is processed. The SDK's `EventDispatcher` checks
 * neither the verification token nor the age of a request, and signs a
 * re-serialised body; this module does all three on the raw bytes.
 *
 * Rules (https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/request-url-configuration-case,
 * …/encrypt-key-encryption-configuration-case, and the card callback guide):
 * - with an encrypt key, events and `card.action.trigger` callbacks carry
 *   `X-Lark-Request-Timestamp`, `X-Lark-Request-Nonce` and `X-Lark-Signature`
 *   (sha256 over timestamp + nonce + key + body); the `url_verification`
 *   challenge is the one request that may come unsigned (it is checked by its token);
 * - legacy card callbacks (no `schema`) are signed with sha1 over timestamp +
 *   nonce + verification token + body;
 * - `{ "encrypt": … }` bodies are decrypted (see crypto.ts);
 * - the verification token must match: v1 events and `url_verification` carry
 *   it as `token`, v2 events and callbacks as `header.token`;
 * - a signed request older (or newer) than `maxSkewSeconds` is refused as stale
 *   or replayed.
 */
import type { IncomingHttpHeaders } from "node:http";
import { decryptPayload, eventSignature, legacyCardSignature, safeEqual } from "./crypto.js";

/** Which webhook route a request came to. */
export type WebhookKind = "events" | "cards";

/** The secrets and clock a check uses. */
export interface VerifyOptions {
  /** LARK_ENCRYPT_KEY (absent: requests are neither encrypted nor signed with it). */
  encryptKey?: string;
  /** LARK_VERIFICATION_TOKEN. */
  verificationToken: string;
  /** Unix seconds now (tests pass a fixed clock). */
  now?: number;
  /** How far a signed request's timestamp may be from now (default 300 s). */
  maxSkewSeconds?: number;
}

/** Why a request was refused. */
export type VerifyFailure = "malformed" | "undecryptable" | "unsigned" | "stale" | "bad-signature" | "bad-token";

/** The outcome of {@link verifyRequest}. */
export type Verified =
  | { ok: true; payload: Record<string, unknown>; challenge?: string }
  | { ok: false; status: 400 | 401; reason: VerifyFailure };

const header = (h: IncomingHttpHeaders, name: string): string | undefined => {
  const v = h[name];
  return Array.isArray(v) ? v[0] : v;
};

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

function parseJson(text: string): Record<string, unknown> | null {
  try {
    const v: unknown = JSON.parse(text);
    return isObject(v) ? v : null;
  } catch {
    return null;
  }
}

/** The verification token a payload carries (v2: `header.token`, v1 and url_verification: `token`). */
function tokenOf(payload: Record<string, unknown>): string | undefined {
  if (isObject(payload.header) && typeof payload.header.token === "string") return payload.header.token;
  return typeof payload.token === "string" ? payload.token : undefined;
}

/**
 * Check one webhook request.
 * @param kind the route (`cards` also accepts the legacy card callback format)
 * @param headers the request headers (lower-case names, as node gives them)
 * @param rawBody the body exactly as received
 * @returns the decrypted payload (and the challenge of a `url_verification`),
 *   or the HTTP status to answer (400 malformed, 401 anything not proven to come from Lark)
 */
export function verifyRequest(kind: WebhookKind, headers: IncomingHttpHeaders, rawBody: Buffer, o: VerifyOptions): Verified {
  const fail = (reason: VerifyFailure): Verified => ({ ok: false, status: reason === "malformed" ? 400 : 401, reason });
  const body = parseJson(rawBody.toString("utf8"));
  if (!body) return fail("malformed");

  let payload = body;
  if (typeof body.encrypt === "string") {
    if (!o.encryptKey) return fail("undecryptable");
    let plain: Record<string, unknown> | null = null;
    try {
      plain = parseJson(decryptPayload(body.encrypt, o.encryptKey));
    } catch {
      return fail("undecryptable");
    }
    if (!plain) return fail("undecryptable");
    payload = plain;
  }

  const timestamp = header(headers, "x-lark-request-timestamp");
  const nonce = header(headers, "x-lark-request-nonce");
  const signature = header(headers, "x-lark-signature");
  const sig = timestamp !== undefined && nonce !== undefined && signature !== undefined ? { timestamp, nonce, signature } : null;
  const fresh = (ts: number) => {
    const now = o.now ?? Math.floor(Date.now() / 1000);
    return Number.isFinite(ts) && Math.abs(now - ts) <= (o.maxSkewSeconds ?? 300);
  };

  const challenge = payload.type === "url_verification";
  const legacyCard = kind === "cards" && !challenge && !("schema" in payload) && typeof body.encrypt !== "string";
  if (legacyCard) {
    // Signed with the verification token; its `token` field is the card's update token.
    if (!sig) return fail("unsigned");
    if (!fresh(Number(sig.timestamp))) return fail("stale");
    const expected = legacyCardSignature(sig.timestamp, sig.nonce, o.verificationToken, rawBody);
    return safeEqual(expected, sig.signature.toLowerCase()) ? { ok: true, payload } : fail("bad-signature");
  }

  if (o.encryptKey && (sig || !challenge)) {
    if (!sig) return fail("unsigned");
    if (!fresh(Number(sig.timestamp))) return fail("stale");
    const expected = eventSignature(sig.timestamp, sig.nonce, o.encryptKey, rawBody);
    if (!safeEqual(expected, sig.signature.toLowerCase())) return fail("bad-signature");
  }
  const token = tokenOf(payload);
  if (token === undefined || !safeEqual(token, o.verificationToken)) return fail("bad-token");
  if (challenge) return { ok: true, payload, challenge: typeof payload.challenge === "string" ? payload.challenge : "" };
  return { ok: true, payload };
}
