/**
 * The cryptography of Lark/Feishu event and card callbacks, done with
 * `node:crypto` on the raw request bytes (the SDK signs a re-serialised body,
 * which differs from what Lark signed whenever key order or spacing differ).
 *
 * - Event signature: `X-Lark-Signature = sha256hex(timestamp + nonce + encryptKey + body)`
 *   (https://open.feishu.cn/document/server-docs/event-subscription-guide/event-subscription-configure-/encrypt-key-encryption-configuration-case).
 * - Legacy card callback signature: `sha1hex(timestamp + nonce + verificationToken + body)`
 *   (https://open.feishu.cn/document/uAjLw4CM/ukzMukzMukzM/feishu-cards/card-callback-communication).
 * - Encrypted bodies `{ "encrypt": base64 }`: AES-256-CBC, key = sha256(encryptKey),
 *   IV = the first 16 bytes of the decoded data, PKCS#7 padding.
 */
import { createDecipheriv, createHash, timingSafeEqual } from "node:crypto";

/**
 * The signature Lark puts in `X-Lark-Signature` when an encrypt key is set.
 * @param timestamp `X-Lark-Request-Timestamp`
 * @param nonce `X-Lark-Request-Nonce`
 * @param encryptKey LARK_ENCRYPT_KEY
 * @param rawBody the request body exactly as received
 * @returns lowercase hex sha256
 */
export function eventSignature(timestamp: string, nonce: string, encryptKey: string, rawBody: Buffer | string): string {
  return createHash("sha256")
    .update(timestamp + nonce + encryptKey)
    .update(rawBody)
    .digest("hex");
}

/**
 * The signature of a legacy (pre-`card.action.trigger`) card callback.
 * @param verificationToken LARK_VERIFICATION_TOKEN
 * @returns lowercase hex sha1
 */
export function legacyCardSignature(timestamp: string, nonce: string, verificationToken: string, rawBody: Buffer | string): string {
  return createHash("sha1")
    .update(timestamp + nonce + verificationToken)
    .update(rawBody)
    .digest("hex");
}

/**
 * Decrypt the `encrypt` field of an encrypted Lark request.
 * @param encrypted base64 of IV (16 bytes) + AES-256-CBC ciphertext
 * @param encryptKey LARK_ENCRYPT_KEY
 * @returns the plaintext (a JSON document)
 * @throws Error when the data is too short, the padding is broken or the result is not UTF-8 (a wrong key)
 */
export function decryptPayload(encrypted: string, encryptKey: string): string {
  const data = Buffer.from(encrypted, "base64");
  if (data.length < 32 || data.length % 16 !== 0) throw new Error("encrypted payload has a wrong length");
  const key = createHash("sha256").update(encryptKey).digest();
  const decipher = createDecipheriv("aes-256-cbc", key, data.subarray(0, 16));
  const plain = Buffer.concat([decipher.update(data.subarray(16)), decipher.final()]);
  // A wrong key passes the padding check 1 time in 256; its garbage is then
  // almost never UTF-8, and the caller's JSON.parse catches the rest.
  return new TextDecoder("utf-8", { fatal: true }).decode(plain);
}

/**
 * Compare two secrets in constant time (for their length: both are hashed
 * first, so a length difference is not observable either).
 */
export function safeEqual(a: string, b: string): boolean {
  const ha = createHash("sha256").update(a).digest();
  const hb = createHash("sha256").update(b).digest();
  return timingSafeEqual(ha, hb) && a.length === b.length;
}
