/**
 * `serve` in webhook mode over real HTTP: GET /healthz, POST /telegram with and
 * without the secret header, against the fake Bot API server.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Update } from "grammy/types";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readEnv } from "../../src/config/env.js";
import { type Running, serve } from "../../src/server/serve.js";
import { FakeTelegram } from "./fake-telegram.js";

const fake = new FakeTelegram();
let running: Running;
let base = "";

beforeAll(async () => {
  const apiRoot = await fake.start();
  const env = readEnv({
    TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
    TELEGRAM_API_ROOT: apiRoot,
    TELEGRAM_MODE: "webhook",
    TELEGRAM_WEBHOOK_SECRET: "s3cret",
    PORT: "0",
    STORAGE_URL: `sqlite:${join(mkdtempSync(join(tmpdir(), "policybot-serve-")), "kv.sqlite")}`,
  });
  running = await serve(env, pino({ level: "silent" }));
  base = `http://127.0.0.1:${running.port}`;
});
afterAll(async () => {
  await running.close();
  await fake.stop();
});

const post = (u: unknown) => fake.deliver(`${base}/telegram`, "s3cret", u as Update);
const update = (id: number, text: string) => ({
  update_id: id,
  message: { message_id: id, date: 0, chat: { id: 5, type: "private" }, from: { id: 5, is_bot: false, first_name: "用户" }, text },
});

describe("policybot serve (Telegram webhook)", () => {
  it("registers the command menu and answers /healthz", async () => {
    const menus = fake.of("setMyCommands");
    expect(menus).toHaveLength(2);
    expect(menus[0]?.json?.commands).toContainEqual(expect.objectContaining({ command: "check" }));
    expect(menus[1]?.json).toMatchObject({ scope: { type: "all_group_chats" } });
    expect(menus[1]?.json?.commands).toContainEqual(expect.objectContaining({ command: "subscribe" }));
    const r = await fetch(`${base}/healthz`);
    expect(r.status).toBe(200);
    expect(await r.json()).toMatchObject({ ok: true, channels: ["telegram"] });
  });

  it("answers an update posted with the right secret, in the webhook response (one message)", async () => {
    const before = fake.of("sendMessage").length;
    const status = await post(update(1, "郑州社会事业人才培养经费怎么拨付？"));
    expect(status).toBe(200);
    expect(fake.of("sendMessage").length).toBe(before + 1);
    const reply = fake.of("sendMessage").at(-1);
    expect(reply?.webhookReply).toBe(true);
    expect(reply?.json).toMatchObject({ chat_id: 5, parse_mode: "HTML" });
    expect(String(reply?.json?.text)).toContain("20万元");
  });

  it("rejects a forged request (wrong secret) and processes nothing", async () => {
    const before = fake.of("sendMessage").length;
    expect(await fake.deliver(`${base}/telegram`, "wrong", update(2, "玉溪对口培养的研修期多长？") as Update)).toBe(401);
    expect(fake.of("sendMessage").length).toBe(before);
  });

  it("asks for consent (同意) before the first interview, then starts it", async () => {
    await post({
      ...update(3, "/check"),
      message: { ...update(3, "/check").message, entities: [{ type: "bot_command", offset: 0, length: 6 }] },
    });
    const notice = fake.of("sendMessage").at(-1)?.json;
    expect(String(notice?.text)).toContain("隐私说明");
    const buttons =
      (notice?.reply_markup as { inline_keyboard: { text: string; callback_data: string }[][] } | undefined)?.inline_keyboard ?? [];
    expect(buttons.map((r) => r[0]?.text)).toEqual(["同意", "不同意"]);
    const before = fake.of("sendMessage").length;
    await post({
      update_id: 4,
      callback_query: {
        id: "cb4",
        chat_instance: "x",
        data: buttons[0]?.[0]?.callback_data,
        from: { id: 5, is_bot: false, first_name: "用户" },
        message: { message_id: 9, date: 0, chat: { id: 5, type: "private" }, text: "…" },
      },
    });
    const started = fake.of("sendMessage").slice(before);
    // Two messages (intro, first question): each its own call, in order, none as the webhook reply.
    expect(started.map((c) => c.webhookReply ?? false)).toEqual([false, false]);
    expect(String(started[0]?.json?.text)).toContain("开始资格自测");
    expect(String(started[1]?.json?.text)).toContain("您的工作单位在哪个地区？");
  });

  it("an interview needs consent only once per chat", async () => {
    // After the self-check above was cancelled, 申报表 starts without the notice.
    await post(update(5, "取消"));
    await post(update(6, "申报表"));
    expect(String(fake.of("sendMessage").at(-1)?.json?.text)).not.toContain("隐私说明");
    expect(String(fake.of("sendMessage").at(-1)?.json?.text)).toContain("请选择要填写的表格");
  });
});

describe("serve without a channel", () => {
  it("stops with one line pointing to policybot chat", async () => {
    await expect(serve(readEnv({}), pino({ level: "silent" }))).rejects.toThrow(/policybot chat/);
  });
});

describe("serve on a port already in use", () => {
  it("stops with one line naming PORT, and leaves nothing running", async () => {
    const other = new FakeTelegram();
    const env = readEnv({
      TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
      TELEGRAM_API_ROOT: await other.start(),
      TELEGRAM_MODE: "webhook",
      TELEGRAM_WEBHOOK_SECRET: "s3cret",
      PORT: String(running.port),
      STORAGE_URL: "memory:",
    });
    await expect(serve(env, pino({ level: "silent" }))).rejects.toThrow(/^PORT: .*already in use/);
    await other.stop();
    // The first server still answers: the failed start took nothing down with it.
    expect((await fetch(`${base}/healthz`)).status).toBe(200);
  });
});

describe("serve with a token Telegram rejects", () => {
  it("stops with one line naming TELEGRAM_BOT_TOKEN", async () => {
    const { createServer } = await import("node:http");
    const api = createServer((_req, res) => {
      res.statusCode = 401;
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ok: false, error_code: 401, description: "Unauthorized" }));
    });
    await new Promise<void>((resolve) => api.listen(0, "127.0.0.1", resolve));
    const { port } = api.address() as { port: number };
    const env = readEnv({
      TELEGRAM_BOT_TOKEN: "123456:TEST-token-for-the-fake-server",
      TELEGRAM_API_ROOT: `http://127.0.0.1:${port}`,
      STORAGE_URL: "memory:",
    });
    await expect(serve(env, pino({ level: "silent" }))).rejects.toThrow(/^TELEGRAM_BOT_TOKEN: .*401/);
    await new Promise<void>((resolve) => api.close(() => resolve()));
  });
});
