/**
 * Telegram under `policybot serve`: long polling with grammY runner
 * (`TELEGRAM_MODE=polling`: updates of different chats handled concurrently,
 * one chat's in order) or a webhook route `POST /telegram` that checks the
 * `X-Telegram-Bot-Api-Secret-Token` header (grammY `webhookCallback`; a
 * one-message answer is sent as the webhook reply). Either way, stop() returns
 * once the updates in flight are finished.
 */
import { type RunnerHandle, run } from "@grammyjs/runner";
import { GrammyError, webhookCallback } from "grammy";
import { ConfigError } from "../../config/env.js";
import type { ChannelDeps, ChannelRuntime } from "../runtime.js";
import { COMMANDS, createTelegramBot, GROUP_COMMANDS } from "./bot.js";
import { Pending } from "./pending.js";

/** How long start-up (getMe, setMyCommands) may take before serve gives up. */
const STARTUP_TIMEOUT_MS = 20_000;

/** A start-up failure as one line naming the variable to check. */
function startupError(e: unknown, apiRoot: string): ConfigError {
  if (e instanceof GrammyError && (e.error_code === 401 || e.error_code === 404)) {
    return new ConfigError(
      `TELEGRAM_BOT_TOKEN: Telegram 不接受这个 token（${e.error_code} ${e.description}）/ Telegram rejected the token`,
    );
  }
  const why = e instanceof Error ? e.message : String(e);
  return new ConfigError(`TELEGRAM_API_ROOT: 无法连接 ${apiRoot}（${why}）/ cannot reach the Bot API`);
}

/** The update types the bot handles (getUpdates `allowed_updates`). */
const ALLOWED_UPDATES = ["message", "callback_query", "my_chat_member"] as const;

/**
 * Build the Telegram channel: the bot is initialised (getMe) and the command
 * menu registered (setMyCommands) before this resolves.
 */
export async function telegramRuntime({ env, conversation, store, log, fail, broadcast }: ChannelDeps): Promise<ChannelRuntime> {
  const token = env.TELEGRAM_BOT_TOKEN;
  if (!token) throw new Error("TELEGRAM_BOT_TOKEN is not set");
  const webhook = env.TELEGRAM_MODE === "webhook";
  const pending = new Pending();
  const bot = createTelegramBot({
    token,
    apiRoot: env.TELEGRAM_API_ROOT,
    conversation,
    store,
    sessionTtlSeconds: env.SESSION_TTL_DAYS * 86_400,
    documentTtlSeconds: env.DOCUMENT_TTL_HOURS * 3600,
    pending,
    // One-message answers go back in the webhook response: one Bot API call fewer per update.
    webhookReply: webhook,
    broadcast,
  });
  bot.catch((err) =>
    log.error(
      { channel: "telegram", update: err.ctx.update.update_id, error: err.error instanceof Error ? err.error.name : "error" },
      "update failed",
    ),
  );
  // The runner retries failed getUpdates calls by itself; log them as JSON instead of its console output.
  bot.api.config.use(async (prev, method, payload, signal) => {
    try {
      return await prev(method, payload, signal);
    } catch (error) {
      if (method === "getUpdates" && !signal?.aborted) {
        log.warn({ channel: "telegram", method, error: error instanceof Error ? error.name : "error" }, "api call failed");
      }
      throw error;
    }
  });
  // Start-up must not wait forever (auto-retry retries network errors without end): give up after a while and
  // say which variable to check.
  // (grammY types its signal parameter with the abort-controller shim; a Node AbortSignal is what it uses at run time.)
  const startup = AbortSignal.timeout(STARTUP_TIMEOUT_MS) as unknown as Parameters<typeof bot.init>[0];
  try {
    await bot.init(startup);
    await bot.api.setMyCommands(COMMANDS, {}, startup);
    await bot.api.setMyCommands(GROUP_COMMANDS, { scope: { type: "all_group_chats" } }, startup);
  } catch (e) {
    throw startupError(e, env.TELEGRAM_API_ROOT);
  }
  const routes: ChannelRuntime["routes"] = webhook
    ? { "POST /telegram": webhookCallback(bot, "http", { secretToken: env.TELEGRAM_WEBHOOK_SECRET }) }
    : {};
  let runner: RunnerHandle | null = null;
  return {
    name: "telegram",
    routes,
    async start() {
      if (webhook) return;
      // getUpdates fails with 409 Conflict while a webhook is set.
      await bot.api.deleteWebhook();
      runner = run(bot, { runner: { fetch: { allowed_updates: ALLOWED_UPDATES }, silent: true } });
      // The runner gives up on errors it cannot retry; the commonest is a second poller on the same token.
      runner.task()?.catch((error: unknown) => {
        const conflict = error instanceof GrammyError && error.error_code === 409;
        fail(
          new Error(
            conflict
              ? "TELEGRAM_MODE=polling: 另一个进程正在用同一个 token 拉取更新（409 Conflict）；多个实例请用 webhook 模式 / another process polls with this token: run several instances in webhook mode"
              : `Telegram 拉取更新失败 / polling stopped: ${error instanceof Error ? error.message : String(error)}`,
          ),
        );
      });
      log.info({ channel: "telegram", mode: "polling" }, "started");
    },
    async stop() {
      // Stop fetching (aborts the pending long poll), then finish what was fetched.
      if (runner?.isRunning()) await runner.stop();
      runner = null;
      await pending.idle();
    },
  };
}
