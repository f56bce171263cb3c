/**
 * Lark rate limits carry `x-ogw-ratelimit-reset` (seconds): the open-api
 * client keeps it on the LarkApiError (`retryAfterSeconds`), and the
 * broadcast's Lark sender waits that long instead of guessing (1 s doubling
 * is left for answers without the header).
 */
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { classifyLarkError, LarkSender } from "../../src/broadcast/lark-sender.js";
import { loadNotice } from "../../src/broadcast/notice.js";
import type { Delivery } from "../../src/broadcast/outbox.js";
import { SendError } from "../../src/broadcast/sender.js";
import { LarkApi, LarkApiError, RATE_LIMITED } from "../../src/channels/lark/client.js";
import { loadKnowledgeBase } from "../../src/kb/load.js";
import { FakeLark } from "../channels/fake-lark.js";
import { APP_ID } from "../channels/lark-events.js";
import { POLICIES, ROOT } from "../helpers/paths.js";

const fake = new FakeLark();
const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };
const MESSAGES = "/open-apis/im/v1/messages";
let baseUrl = "";

beforeAll(async () => {
  baseUrl = await fake.start();
});
afterAll(() => fake.stop());

describe("Lark rate-limit reset", () => {
  it("is carried by LarkApiError on 429 (and absent on other failures)", async () => {
    const api = new LarkApi({ appId: APP_ID, appSecret: "s", baseUrl, logger: silent, maxAttempts: 1, timeoutMs: 1000 });
    fake.failNext(MESSAGES, 1, { kind: "rate-limit", resetSeconds: 7 });
    const limited = await api.sendMessage("oc_r1", "text", { text: "x" }).catch((e: unknown) => e);
    expect(limited).toBeInstanceOf(LarkApiError);
    expect((limited as LarkApiError).httpStatus).toBe(429);
    expect((limited as LarkApiError).code).toBe(RATE_LIMITED);
    expect((limited as LarkApiError).retryAfterSeconds).toBe(7);

    fake.failNext(MESSAGES, 1, { kind: "server-error" });
    const failed = await api.sendMessage("oc_r1", "text", { text: "x" }).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(LarkApiError);
    expect((failed as LarkApiError).retryAfterSeconds).toBeUndefined();
  });

  it("sets the broadcast sender's wait; without the header the guess stays", () => {
    const withReset = new LarkApiError("POST", MESSAGES, RATE_LIMITED, "limit", 429, 3);
    expect(classifyLarkError(withReset, 10, 1000)).toMatchObject({ kind: "retry", afterMs: 3000, rateLimited: true });
    const noHeader = new LarkApiError("POST", MESSAGES, 230020, "frequency limit", 200);
    expect(classifyLarkError(noHeader, 10, 4000)).toMatchObject({ kind: "retry", afterMs: 4000, rateLimited: true });
  });

  it("makes a broadcast send wait Lark's reset time", async () => {
    const kb = loadKnowledgeBase(POLICIES, { verify: false }).kb;
    const notice = loadNotice(join(ROOT, "templates", "examples", "notice.yaml"), kb);
    const sender = await LarkSender.create({
      appId: APP_ID,
      appSecret: "s",
      domain: baseUrl,
      notice,
      docx: Buffer.from("PK fake docx"),
      fileName: "通知.docx",
      backoffMs: 10,
      logger: silent,
    });
    fake.failNext(MESSAGES, 1, { kind: "rate-limit", resetSeconds: 5 });
    const row = { noticeId: notice.id, chatId: "oc_r2", part: 0, attempts: 0, rateLimited: 3 } as Delivery;
    const e = await sender.send(row).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(SendError);
    // Not 1 s × 2³ (the guess for a row limited three times before): Lark said 5 s.
    expect((e as SendError).failure).toMatchObject({ kind: "retry", afterMs: 5000, rateLimited: true });
    expect(await sender.send(row)).toMatch(/^om_/);
  });
});
