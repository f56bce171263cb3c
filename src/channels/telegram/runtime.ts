/**
 * Telegram under `policybot serve`: long polling (`TELEGRAM_MODE=polling`) or a
 * webhook route `POST /telegram` that checks the
 * `X-Telegram-Bot-Api-Secret-Token` header (grammY `webhookCallback`).
 */
import { webhookCallback } from "grammy";
import type { ChannelDeps, ChannelRuntime } from "../runtime.js";
import { COMMANDS, createTelegramBot } from "./bot.js";

/**
 * Build the Telegram channel: the bot is initialised (getMe) and the command
 * menu registered (setMyCommands) before this resolves.
 */
export async function telegramRuntime({ env, conversation, store, log }: ChannelDeps): Promise<ChannelRuntime> {
  const token = env.TELEGRAM_BOT_TOKEN;
  if (!token) throw new Error("TELEGRAM_BOT_TOKEN is not set");
  const bot = createTelegramBot({
    token,
    apiRoot: env.TELEGRAM_API_ROOT,
    conversation,
    store,
    sessionTtlSeconds: env.SESSION_TTL_DAYS * 86_400,
  });
  bot.catch((err) =>
    log.error(
      { channel: "telegram", update: err.ctx.update.update_id, error: err.error instanceof Error ? err.error.name : "error" },
      "update failed",
    ),
  );
  await bot.init();
  await bot.api.setMyCommands(COMMANDS);
  const webhook = env.TELEGRAM_MODE === "webhook";
  const routes: ChannelRuntime["routes"] = webhook
    ? { "POST /telegram": webhookCallback(bot, "http", { secretToken: env.TELEGRAM_WEBHOOK_SECRET }) }
    : {};
  return {
    name: "telegram",
    routes,
    async start() {
      if (webhook) return;
      void bot.start({ onStart: () => log.info({ channel: "telegram", mode: "polling" }, "started") });
    },
    async stop() {
      if (bot.isRunning()) await bot.stop();
    },
  };
}
