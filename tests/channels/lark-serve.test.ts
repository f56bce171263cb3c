/**
 * `policybot serve` with Feishu/Lark next to Telegram on one HTTP server, and
 * the start-up errors of the Lark channel.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnv } from "../../src/config/env.js";
import { serve } from "../../src/server/serve.js";
import { FakeLark } from "./fake-lark.js";
import { FakeTelegram } from "./fake-telegram.js";
import { APP_ID, signed, urlVerification, VERIFICATION_TOKEN } from "./lark-events.js";

const lark = new FakeLark();
const telegram = new FakeTelegram();
let domain = "";
let apiRoot = "";
const silent = pino({ level: "silent" });
const storage = () => `sqlite:${join(mkdtempSync(join(tmpdir(), "policybot-lark-serve-")), "kv.sqlite")}`;

beforeAll(async () => {
  domain = await lark.start();
  apiRoot = await telegram.start();
});
afterAll(async () => {
  await lark.stop();
  await telegram.stop();
});

describe("serve with Telegram and Lark", () => {
  it("mounts both channels' webhook routes on one server and lists both in /healthz", async () => {
    const running = await serve(
      readEnv({
        TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
        TELEGRAM_API_ROOT: apiRoot,
        TELEGRAM_MODE: "webhook",
        TELEGRAM_WEBHOOK_SECRET: "s3cret",
        LARK_APP_ID: APP_ID,
        LARK_APP_SECRET: "fake-app-secret",
        LARK_DOMAIN: domain,
        LARK_MODE: "webhook",
        LARK_VERIFICATION_TOKEN: VERIFICATION_TOKEN,
        PORT: "0",
        STORAGE_URL: storage(),
      }),
      silent,
    );
    try {
      const base = `http://127.0.0.1:${running.port}`;
      expect(await (await fetch(`${base}/healthz`)).json()).toEqual({ ok: true, channels: ["telegram", "lark"] });
      const challenge = signed(urlVerification("both-1"), { encrypted: false, unsigned: true });
      const r = await fetch(`${base}/lark/events`, { method: "POST", headers: challenge.headers, body: challenge.body });
      expect(await r.json()).toEqual({ challenge: "both-1" });
      const t = await fetch(`${base}/telegram`, { method: "POST", headers: { "x-telegram-bot-api-secret-token": "wrong" }, body: "{}" });
      expect(t.status).toBe(401);
    } finally {
      await running.close();
    }
  });
});

describe("Lark start-up errors", () => {
  const env = (over: Record<string, string>) =>
    readEnv({ LARK_APP_ID: APP_ID, LARK_APP_SECRET: "fake-app-secret", LARK_DOMAIN: domain, STORAGE_URL: storage(), ...over });

  it("refuses an app id the long connection cannot use, naming LARK_APP_ID", async () => {
    await expect(serve(env({ LARK_APP_ID: "not-an-app-id" }), silent)).rejects.toThrow(/^LARK_APP_ID: /);
  });

  it("stops when the open platform refuses the app secret", async () => {
    await expect(
      serve(env({ LARK_APP_SECRET: "wrong-secret", LARK_MODE: "webhook", LARK_VERIFICATION_TOKEN: "t" }), silent),
    ).rejects.toThrow(/^LARK_APP_SECRET: .*10014/);
  });

  it("needs the verification token in webhook mode", () => {
    expect(() => env({ LARK_MODE: "webhook" })).toThrow(/LARK_VERIFICATION_TOKEN/);
  });
});
