/**
 * The request checks of the Lark webhook (verify.ts, crypto.ts) on requests
 * built as Lark builds them; the SDK's own AESCipher confirms the test
 * helper's encryption is Lark's format.
 */
import { AESCipher } from "@larksuiteoapi/node-sdk";
import { describe, expect, it } from "vitest";
import { decryptPayload, eventSignature, safeEqual } from "../../src/channels/lark/crypto.js";
import { verifyRequest } from "../../src/channels/lark/verify.js";
import {
  cardTrigger,
  ENCRYPT_KEY,
  encrypt,
  type LarkRequest,
  legacyCard,
  legacySigned,
  messageEvent,
  signed,
  urlVerification,
  VERIFICATION_TOKEN,
} from "./lark-events.js";

const keys = { encryptKey: ENCRYPT_KEY, verificationToken: VERIFICATION_TOKEN };
const check = (kind: "events" | "cards", r: LarkRequest, o: Parameters<typeof verifyRequest>[3] = keys) =>
  verifyRequest(kind, r.headers, Buffer.from(r.body), o);

describe("Lark crypto", () => {
  it("decrypts what Lark encrypts, as the SDK does", () => {
    const plain = JSON.stringify({ challenge: "c1", token: "t", type: "url_verification", 文: "中文" });
    const encrypted = encrypt(plain);
    expect(decryptPayload(encrypted, ENCRYPT_KEY)).toBe(plain);
    expect(new AESCipher(ENCRYPT_KEY).decrypt(encrypted)).toBe(plain);
    // A fixed IV: with a random one, a wrong key yields valid padding 1 time in 256.
    const fixed = encrypt(plain, ENCRYPT_KEY, Buffer.alloc(16, 7));
    expect(decryptPayload(fixed, ENCRYPT_KEY)).toBe(plain);
    expect(() => decryptPayload(fixed, "wrong-key")).toThrow();
    expect(() => decryptPayload("c2hvcnQ=", ENCRYPT_KEY)).toThrow();
  });

  it("signs timestamp + nonce + key + raw body with sha256", () => {
    const r = signed(messageEvent("你好"));
    const { "x-lark-request-timestamp": ts = "", "x-lark-request-nonce": nonce = "" } = r.headers;
    expect(eventSignature(ts, nonce, ENCRYPT_KEY, r.body)).toBe(r.headers["x-lark-signature"]);
  });

  it("compares secrets of any length", () => {
    expect(safeEqual("abc", "abc")).toBe(true);
    expect(safeEqual("abc", "abd")).toBe(false);
    expect(safeEqual("abc", "abcd")).toBe(false);
  });
});

describe("verifyRequest", () => {
  it("accepts a signed encrypted v2 event and returns the plain payload", () => {
    const v = check("events", signed(messageEvent("你好")));
    expect(v).toMatchObject({ ok: true, payload: { schema: "2.0", header: { event_type: "im.message.receive_v1" } } });
  });

  it("checks the signature over the raw bytes, not a re-serialised body", () => {
    const r = signed(messageEvent("你好"), { encrypted: false });
    const spaced = r.body.replace(/,"/g, ', "');
    const resigned = signed(JSON.parse(spaced) as object, { encrypted: false, timestamp: Number(r.headers["x-lark-request-timestamp"]) });
    const ts = resigned.headers["x-lark-request-timestamp"] ?? "";
    const nonce = resigned.headers["x-lark-request-nonce"] ?? "";
    const headers = { ...resigned.headers, "x-lark-signature": eventSignature(ts, nonce, ENCRYPT_KEY, spaced) };
    expect(check("events", { headers, body: spaced })).toMatchObject({ ok: true });
  });

  it("refuses forged, unsigned, stale, future and mis-tokened requests with 401", () => {
    const now = Math.floor(Date.now() / 1000);
    const forged = signed(messageEvent("x"));
    forged.headers["x-lark-signature"] = "f".repeat(64);
    expect(check("events", forged)).toMatchObject({ ok: false, status: 401, reason: "bad-signature" });
    expect(check("events", signed(messageEvent("x"), { unsigned: true }))).toMatchObject({ status: 401, reason: "unsigned" });
    expect(check("events", signed(messageEvent("x"), { timestamp: now - 301 }))).toMatchObject({ status: 401, reason: "stale" });
    expect(check("events", signed(messageEvent("x"), { timestamp: now + 301 }))).toMatchObject({ status: 401, reason: "stale" });
    expect(check("events", signed(messageEvent("x"), { timestamp: now - 299 }))).toMatchObject({ ok: true });
    expect(check("events", signed(messageEvent("x", { token: "nope" })))).toMatchObject({ status: 401, reason: "bad-token" });
    expect(check("events", signed(messageEvent("x"), { key: "other-key" }))).toMatchObject({ status: 401 });
  });

  it("checks the token of v1 events and url_verification without an encrypt key", () => {
    const v1 = { uuid: "u-1", token: VERIFICATION_TOKEN, ts: "1", type: "event_callback", event: { type: "message" } };
    const plain = (payload: object) => ({ headers: {}, body: JSON.stringify(payload) });
    const noKey = { verificationToken: VERIFICATION_TOKEN };
    expect(check("events", plain(v1), noKey)).toMatchObject({ ok: true });
    expect(check("events", plain({ ...v1, token: "forged" }), noKey)).toMatchObject({ status: 401, reason: "bad-token" });
    expect(check("events", plain(urlVerification("c9")), noKey)).toEqual({ ok: true, payload: urlVerification("c9"), challenge: "c9" });
    expect(check("events", signed(messageEvent("x")), noKey)).toMatchObject({ status: 401, reason: "undecryptable" });
  });

  it("accepts card.action.trigger and legacy card callbacks, each with its own signature", () => {
    const card = cardTrigger({ i: 0, s: "ab" }, { chatId: "oc_1", messageId: "om_1" });
    expect(check("cards", signed(card))).toMatchObject({ ok: true, payload: { header: { event_type: "card.action.trigger" } } });
    const legacy = legacyCard({ i: 0, s: "ab" }, { chatId: "oc_1", messageId: "om_1" });
    expect(check("cards", legacySigned(legacy))).toMatchObject({ ok: true, payload: { open_message_id: "om_1" } });
    expect(check("cards", legacySigned(legacy, "not-the-token"))).toMatchObject({ status: 401, reason: "bad-signature" });
    expect(check("cards", { headers: {}, body: JSON.stringify(legacy) })).toMatchObject({ status: 401, reason: "unsigned" });
    expect(check("cards", legacySigned(legacy, VERIFICATION_TOKEN, 1))).toMatchObject({ status: 401, reason: "stale" });
    // On the events route, a legacy card's update token is no verification token.
    expect(check("events", legacySigned(legacy))).toMatchObject({ status: 401 });
  });

  it("answers malformed bodies with 400", () => {
    expect(check("events", { headers: {}, body: "not json" })).toMatchObject({ ok: false, status: 400, reason: "malformed" });
    expect(check("events", { headers: {}, body: "[1,2]" })).toMatchObject({ status: 400 });
  });
});
