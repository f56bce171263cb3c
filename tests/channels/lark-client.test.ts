/**
 * The open-api client (client.ts) against the fake open platform: retries on
 * rate limits and 5xx are bounded, and failures surface as LarkApiError with
 * the API's code, the path and the HTTP status.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LarkApi, LarkApiError, larkBaseUrl, RATE_LIMITED } from "../../src/channels/lark/client.js";
import { BOT_OPEN_ID, FakeLark } from "./fake-lark.js";
import { APP_ID } from "./lark-events.js";

const fake = new FakeLark();
let api: LarkApi;
const silent = { error() {}, warn() {}, info() {}, debug() {}, trace() {} };

beforeAll(async () => {
  const baseUrl = await fake.start();
  api = new LarkApi({ appId: APP_ID, appSecret: "s", baseUrl, logger: silent, maxAttempts: 3, backoffMs: 1, timeoutMs: 300 });
});
afterAll(() => fake.stop());

describe("LarkApi", () => {
  it("maps LARK_DOMAIN to the open platform", () => {
    expect(larkBaseUrl("feishu")).toBe("https://open.feishu.cn");
    expect(larkBaseUrl("lark")).toBe("https://open.larksuite.com");
    expect(larkBaseUrl("http://127.0.0.1:9/")).toBe("http://127.0.0.1:9");
  });

  it("reads the bot identity and sends with a tenant token", async () => {
    expect(await api.botInfo()).toEqual({ openId: BOT_OPEN_ID, name: "政策助手" });
    const id = await api.sendMessage("oc_c1", "text", { text: "你好" }, "uuid-1");
    expect(id).toMatch(/^om_/);
    expect(fake.sent.at(-1)).toMatchObject({ chatId: "oc_c1", msgType: "text", content: { text: "你好" }, uuid: "uuid-1" });
  });

  it("uploads a file as multipart with its name and type", async () => {
    const key = await api.uploadFile("申报表.docx", Buffer.from("PK\u0003\u0004 docx"), "doc");
    expect(fake.files.get(key)).toMatchObject({ name: "申报表.docx", type: "doc" });
    expect(fake.of("/open-apis/im/v1/files").at(-1)?.parts.file?.filename).toBe("申报表.docx");
    // The retry of an upload sends the whole file again.
    fake.failNext("/open-apis/im/v1/files", 1, { kind: "rate-limit", resetSeconds: 0 });
    const again = await api.uploadFile("b.docx", Buffer.from("PK again"), "doc");
    expect(fake.files.get(again)?.data.toString()).toBe("PK again");
  });

  it("gives up on a rate limit after the bounded attempts, with a typed error", async () => {
    const before = fake.of("/open-apis/im/v1/messages").length;
    fake.failNext("/open-apis/im/v1/messages", 3, { kind: "rate-limit", resetSeconds: 0 });
    const error = await api.sendMessage("oc_c2", "text", { text: "x" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LarkApiError);
    expect(error).toMatchObject({ method: "POST", path: "/open-apis/im/v1/messages", code: RATE_LIMITED, httpStatus: 429 });
    expect(fake.of("/open-apis/im/v1/messages").length - before).toBe(3);
  });

  it("gives a request that hangs up after its time limit and retries it", async () => {
    fake.failNext("/open-apis/im/v1/messages", 1, { kind: "hang" });
    const before = fake.of("/open-apis/im/v1/messages").length;
    expect(await api.sendMessage("oc_c3", "text", { text: "late" }, "uuid-3")).toMatch(/^om_/);
    expect(fake.of("/open-apis/im/v1/messages").length - before).toBe(2);
  });

  it("does not retry a client error", async () => {
    const before = fake.of("/open-apis/im/v1/messages").length;
    const error = await api.sendMessage("", "text", { text: "x" }).catch((e: unknown) => e);
    expect(fake.of("/open-apis/im/v1/messages").length - before).toBe(1);
    expect(error).toMatchObject({ name: "LarkApiError", httpStatus: 400, code: 99992402, msg: "field validation failed" });
  });
});
