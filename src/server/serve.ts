/**
 * `policybot serve`: start every configured channel over the one conversation
 * core. Telegram by long polling or webhook; in webhook mode one HTTP server on
 * PORT serves `POST /telegram` (secret header checked) and `GET /healthz`.
 * Graceful shutdown on SIGTERM/SIGINT. Logs are JSON (pino) and never contain
 * message texts, ID numbers or phone numbers.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { type Bot, webhookCallback } from "grammy";
import { pino } from "pino";
import { COMMANDS, createTelegramBot } from "../channels/telegram/bot.js";
import { PROJECT_ROOT, policiesDir } from "../cli/paths.js";
import { ConfigError, channelsOf, type Env } from "../config/env.js";
import { Conversation } from "../core/conversation.js";
import { today } from "../rules/evaluate.js";
import { openStore } from "../storage/open.js";

/** A running server. */
export interface Running {
  /** The HTTP port in use (webhook mode), else null. */
  port: number | null;
  /** Finish in-flight updates, stop the channels, close the store. */
  close(): Promise<void>;
}

/**
 * Start the configured channels.
 * @throws ConfigError when no channel is configured, or one is not available yet
 */
export async function serve(env: Env, log = pino({ name: "policybot" })): Promise<Running> {
  const channels = channelsOf(env);
  if (channels.length === 0) {
    throw new ConfigError(
      "没有配置任何通道（TELEGRAM_BOT_TOKEN 或 LARK_APP_ID）；在终端里对话请用 policybot chat / no channel configured: use `policybot chat`",
    );
  }
  if (channels.includes("lark")) throw new ConfigError("LARK_APP_ID: 飞书/Lark 通道尚未提供 / the Lark channel is not available yet");
  const store = await openStore(env.STORAGE_URL);
  const conversation = Conversation.load(Conversation.folders(PROJECT_ROOT, policiesDir()), today(), { requireConsent: true });
  let bot: Bot | null = null;
  let server: Server | null = null;
  if (env.TELEGRAM_BOT_TOKEN) {
    bot = createTelegramBot({
      token: env.TELEGRAM_BOT_TOKEN,
      apiRoot: env.TELEGRAM_API_ROOT,
      conversation,
      store,
      sessionTtlSeconds: env.SESSION_TTL_DAYS * 86_400,
    });
    bot.catch((err) =>
      log.error({ update: err.ctx.update.update_id, error: err.error instanceof Error ? err.error.name : "error" }, "update failed"),
    );
    await bot.init();
    await bot.api.setMyCommands(COMMANDS);
    if (env.TELEGRAM_MODE === "polling") {
      void bot.start({ onStart: () => log.info({ channel: "telegram", mode: "polling" }, "started") });
    }
  }
  if (bot && env.TELEGRAM_MODE === "webhook") {
    const telegram = webhookCallback(bot, "http", { secretToken: env.TELEGRAM_WEBHOOK_SECRET });
    server = createServer((req, res) => {
      if (req.method === "GET" && req.url === "/healthz") {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ ok: true, channels }));
      } else if (req.method === "POST" && req.url === "/telegram") {
        void telegram(req, res);
      } else {
        res.statusCode = 404;
        res.end();
      }
    });
    await new Promise<void>((resolve) => server?.listen(env.PORT, resolve));
    log.info({ channel: "telegram", mode: "webhook", port: (server.address() as AddressInfo).port }, "started");
  }
  const close = async () => {
    if (bot?.isRunning()) await bot.stop();
    if (server) await new Promise<void>((resolve) => server?.close(() => resolve()));
    await store.close();
    log.info("stopped");
  };
  return { port: server ? (server.address() as AddressInfo).port : null, close };
}
