/**
 * Requests built the way the Lark open platform builds them: v2 event bodies
 * (`schema: "2.0"`, header + event), card callbacks, url_verification; encrypted
 * with the encrypt key (AES-256-CBC, key sha256(encryptKey), random IV in
 * front, base64) and signed with X-Lark-Request-Timestamp / -Nonce / -Signature.
 * Written with node:crypto only, independently of src/channels/lark.
 */
import { createCipheriv, createHash, randomBytes, randomUUID } from "node:crypto";

export const APP_ID = "cli_a1b2c3d4e5f60718";
export const ENCRYPT_KEY = "kP3vZ8qW1sX5mN7bT2yR6uE4";
export const VERIFICATION_TOKEN = "vt-4fB9xQ2mL7kW1nR5";

/** Lark's encryption of a JSON body. */
export function encrypt(plain: string, key = ENCRYPT_KEY, iv: Buffer = randomBytes(16)): string {
  const cipher = createCipheriv("aes-256-cbc", createHash("sha256").update(key).digest(), iv);
  return Buffer.concat([iv, cipher.update(plain, "utf8"), cipher.final()]).toString("base64");
}

/** A request as Lark posts it. */
export interface LarkRequest {
  headers: Record<string, string>;
  body: string;
}

/** Options of {@link signed}. */
export interface SignOptions {
  /** Encrypt the body (default true). */
  encrypted?: boolean;
  /** Unix seconds (default now). */
  timestamp?: number;
  key?: string;
  /** Leave the signature headers out. */
  unsigned?: boolean;
}

/** A body encrypted (by default) and signed with the encrypt key, as Lark sends events and card.action.trigger. */
export function signed(payload: object, o: SignOptions = {}): LarkRequest {
  const key = o.key ?? ENCRYPT_KEY;
  const body = o.encrypted === false ? JSON.stringify(payload) : JSON.stringify({ encrypt: encrypt(JSON.stringify(payload), key) });
  if (o.unsigned) return { headers: { "content-type": "application/json" }, body };
  const timestamp = String(o.timestamp ?? Math.floor(Date.now() / 1000));
  const nonce = randomBytes(8).toString("hex");
  const signature = createHash("sha256")
    .update(timestamp + nonce + key + body)
    .digest("hex");
  return {
    headers: {
      "content-type": "application/json",
      "x-lark-request-timestamp": timestamp,
      "x-lark-request-nonce": nonce,
      "x-lark-signature": signature,
    },
    body,
  };
}

/** A legacy card callback, signed sha1(timestamp + nonce + verification token + body). */
export function legacySigned(payload: object, token = VERIFICATION_TOKEN, timestamp = Math.floor(Date.now() / 1000)): LarkRequest {
  const body = JSON.stringify(payload);
  const nonce = randomBytes(8).toString("hex");
  const signature = createHash("sha1")
    .update(String(timestamp) + nonce + token + body)
    .digest("hex");
  return {
    headers: {
      "content-type": "application/json",
      "x-lark-request-timestamp": String(timestamp),
      "x-lark-request-nonce": nonce,
      "x-lark-signature": signature,
    },
    body,
  };
}

const header = (eventType: string, token: string, eventId = randomUUID().replaceAll("-", "")) => ({
  event_id: eventId,
  event_type: eventType,
  create_time: String(Date.now()),
  token,
  app_id: APP_ID,
  tenant_key: "tenant_fake",
});

/** Options of {@link messageEvent}. */
export interface MessageOptions {
  chatId?: string;
  chatType?: "p2p" | "group";
  openId?: string;
  messageType?: string;
  /** Content object (default `{ text }`). */
  content?: object;
  mentions?: { key: string; id: { open_id: string; union_id?: string; user_id?: string }; name: string; mentioned_type?: string }[];
  eventId?: string;
  token?: string;
}

/** An `im.message.receive_v1` event (v2 schema). */
export function messageEvent(text: string, o: MessageOptions = {}) {
  return {
    schema: "2.0",
    header: header("im.message.receive_v1", o.token ?? VERIFICATION_TOKEN, o.eventId),
    event: {
      sender: {
        sender_id: { open_id: o.openId ?? "ou_user1", union_id: "on_user1", user_id: null },
        sender_type: "user",
        tenant_key: "tenant_fake",
      },
      message: {
        message_id: `om_in_${randomBytes(6).toString("hex")}`,
        create_time: String(Date.now()),
        chat_id: o.chatId ?? "oc_p2p1",
        chat_type: o.chatType ?? "p2p",
        message_type: o.messageType ?? "text",
        content: JSON.stringify(o.content ?? { text }),
        ...(o.mentions ? { mentions: o.mentions } : {}),
      },
    },
  };
}

/** A `card.action.trigger` callback (v2 schema) for a pressed button. */
export function cardTrigger(value: unknown, o: { chatId: string; messageId: string; openId?: string; token?: string }) {
  return {
    schema: "2.0",
    header: header("card.action.trigger", o.token ?? VERIFICATION_TOKEN),
    event: {
      operator: { tenant_key: "tenant_fake", open_id: o.openId ?? "ou_user1", union_id: "on_user1" },
      token: `c-${randomBytes(8).toString("hex")}`,
      action: { value, tag: "button" },
      host: "im_message",
      context: { open_message_id: o.messageId, open_chat_id: o.chatId },
    },
  };
}

/** A legacy card callback body for a pressed button. */
export function legacyCard(value: unknown, o: { chatId: string; messageId: string; openId?: string }) {
  return {
    open_id: o.openId ?? "ou_user1",
    user_id: "u1",
    open_message_id: o.messageId,
    open_chat_id: o.chatId,
    tenant_key: "tenant_fake",
    token: `c-${randomBytes(8).toString("hex")}`,
    action: { value, tag: "button" },
  };
}

/** The url_verification challenge. */
export const urlVerification = (challenge: string, token = VERIFICATION_TOKEN) => ({ challenge, token, type: "url_verification" });
