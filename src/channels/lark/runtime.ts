/**
 * Feishu/Lark under `policybot serve`:
 *
 * - `LARK_MODE=ws` (default): the SDK's long connection (`WSClient`, 长连接),
 *   no public URL needed; opened in `start()`, closed in `stop()`;
 * - `LARK_MODE=webhook`: routes `POST /lark/events` and `POST /lark/cards` on
 *   the server's HTTP listener (webhook.ts), checked with LARK_ENCRYPT_KEY and
 *   LARK_VERIFICATION_TOKEN.
 *
 * `LARK_DOMAIN` picks the open platform: `feishu` (open.feishu.cn), `lark`
 * (open.larksuite.com) or a base URL. Both modes run the same dispatcher.
 */
import { LoggerLevel, WSClient } from "@larksuiteoapi/node-sdk";
import { larkBotLink } from "../../broadcast/deep-link.js";
import { ConfigError } from "../../config/env.js";
import type { ChannelDeps, ChannelRuntime } from "../runtime.js";
import { LarkAdmin } from "./admin.js";
import { larkAdminPort } from "./admin-port.js";
import { LarkBot } from "./bot.js";
import { LarkApi, LarkApiError, larkBaseUrl } from "./client.js";
import { createDispatchers } from "./dispatch.js";
import { sdkLogger } from "./sdk-logger.js";
import { webhookRoutes } from "./webhook.js";

/** How long `start()` waits for the long connection before it lets it keep trying in the background. */
const CONNECT_WAIT_MS = 30_000;

/**
 * Build the Lark channel. The bot's identity is fetched (bot/v3/info, which
 * also proves the app id and secret) before this resolves.
 * @throws ConfigError when LARK_APP_ID cannot be used for the long connection
 * @throws LarkApiError when the open platform refuses the app
 */
export async function larkRuntime({ env, conversation, store, log, broadcast }: ChannelDeps): Promise<ChannelRuntime> {
  const appId = env.LARK_APP_ID;
  const appSecret = env.LARK_APP_SECRET;
  if (!appId || !appSecret) throw new ConfigError("LARK_APP_ID: LARK_APP_ID 与 LARK_APP_SECRET 须同时设置 / set both");
  const ws = env.LARK_MODE === "ws";
  // The SDK's WSClient silently does nothing for other ids.
  if (ws && !/^cli_[0-9a-fA-F]{16}$/.test(appId)) {
    throw new ConfigError("LARK_APP_ID: 长连接模式需要形如 cli_ 加 16 位十六进制的 App ID / must look like cli_ + 16 hex digits");
  }
  const baseUrl = larkBaseUrl(env.LARK_DOMAIN);
  const logger = sdkLogger(log);
  const api = new LarkApi({ appId, appSecret, baseUrl, logger });
  let me: Awaited<ReturnType<LarkApi["botInfo"]>>;
  try {
    me = await api.botInfo();
  } catch (e) {
    // One line naming what to check (the SDK's own retries are already logged).
    if (
      e instanceof LarkApiError &&
      e.httpStatus === 0 &&
      /ECONN|ENOTFOUND|EAI_AGAIN|ETIMEDOUT|EHOSTUNREACH|timeout|socket hang up/i.test(e.msg)
    ) {
      throw new ConfigError(`LARK_DOMAIN: 无法连接 ${baseUrl}（${e.msg}）/ cannot reach the Lark open platform`);
    }
    if (e instanceof LarkApiError) {
      throw new ConfigError(`LARK_APP_SECRET: 飞书不接受应用凭证或机器人未启用（${e.code} ${e.msg}）/ Lark refused the app credentials`);
    }
    throw e;
  }
  const bot = new LarkBot({
    api,
    botOpenId: me.openId,
    conversation,
    store,
    log,
    sessionTtlSeconds: env.SESSION_TTL_DAYS * 86_400,
    documentTtlSeconds: env.DOCUMENT_TTL_HOURS * 3600,
    admin: broadcast ? new LarkAdmin(broadcast, api, larkBotLink(appId, env.LARK_DOMAIN)) : undefined,
  });
  broadcast?.addPort(larkAdminPort(api));
  const dispatchers = createDispatchers(bot, logger, env.LARK_ENCRYPT_KEY);

  let verificationToken = env.LARK_VERIFICATION_TOKEN;
  if (!ws && !verificationToken) throw new ConfigError("LARK_VERIFICATION_TOKEN: webhook 模式需要 / required in webhook mode");
  verificationToken ??= "";
  let stopping = false;
  const accepting = () => !stopping;
  const routes = ws ? {} : webhookRoutes({ dispatchers, verificationToken, encryptKey: env.LARK_ENCRYPT_KEY, log, accepting });

  let client: WSClient | null = null;
  return {
    name: "lark",
    routes,
    async start() {
      if (!ws) return void log.info({ channel: "lark", mode: "webhook" }, "started");
      await new Promise<void>((resolve, reject) => {
        const waited = setTimeout(() => {
          log.warn({ channel: "lark", mode: "ws" }, "long connection not up yet; still trying");
          resolve();
        }, CONNECT_WAIT_MS);
        client = new WSClient({
          appId,
          appSecret,
          domain: baseUrl,
          logger,
          loggerLevel: LoggerLevel.info,
          onReady: () => {
            clearTimeout(waited);
            log.info({ channel: "lark", mode: "ws" }, "started");
            resolve();
          },
          onError: (error) => {
            clearTimeout(waited);
            reject(error);
          },
          onReconnected: () => log.info({ channel: "lark", mode: "ws" }, "reconnected"),
        });
        void client.start({ eventDispatcher: dispatchers.events });
      });
    },
    async stop() {
      stopping = true;
      client?.close();
      client = null;
      await bot.queue.idle();
    },
  };
}
