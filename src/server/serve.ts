/**
 * `policybot serve`: start every configured channel over the one conversation
 * core. One HTTP server on PORT serves the webhook routes of the channels in
 * webhook mode (`POST /telegram`, `POST /lark/events`, `POST /lark/cards`) and
 * `GET /healthz`. Graceful shutdown: channels stop receiving and finish the
 * updates in flight, then the store is closed. Logs are JSON (pino) and never
 * contain message texts, ID numbers or phone numbers.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { openChatBroadcastBackend } from "../broadcast/admin/open.js";
import { larkRuntime } from "../channels/lark/runtime.js";
import type { ChannelDeps, ChannelRuntime, RouteHandler } from "../channels/runtime.js";
import { telegramRuntime } from "../channels/telegram/runtime.js";
import { PROJECT_ROOT, policiesDir } from "../cli/paths.js";
import { ConfigError, channelsOf, type Env } from "../config/env.js";
import { Conversation } from "../core/conversation.js";
import { today } from "../rules/evaluate.js";
import { openStore } from "../storage/open.js";
import { createLogger } from "./log.js";

/** A running server. */
export interface Running {
  /** The HTTP port in use (some channel in webhook mode), else null. */
  port: number | null;
  /** Finish in-flight updates, stop the channels, close the store. */
  close(): Promise<void>;
  /** Resolves with the error when a channel stopped for good after start (the server is closed by then). */
  failed: Promise<Error>;
}

/** Channel factories by name; each reads its own part of the configuration. */
const FACTORIES: Record<"telegram" | "lark", (deps: ChannelDeps) => Promise<ChannelRuntime>> = {
  telegram: telegramRuntime,
  lark: larkRuntime,
};

/**
 * Start the configured channels.
 * @throws ConfigError when no channel is configured, or one cannot start with its configuration
 */
export async function serve(env: Env, log = createLogger()): Promise<Running> {
  const names = channelsOf(env);
  if (names.length === 0) {
    throw new ConfigError(
      "没有配置任何通道（TELEGRAM_BOT_TOKEN 或 LARK_APP_ID）；在终端里对话请用 policybot chat / no channel configured: use `policybot chat`",
    );
  }
  // Long-running: expired SQLite rows (sessions after SESSION_TTL_DAYS) are also removed hourly.
  const store = await openStore(env.STORAGE_URL, undefined, { purgeEveryMs: 3_600_000 });
  const folders = Conversation.folders(PROJECT_ROOT, policiesDir());
  const conversation = Conversation.load(folders, today(), { requireConsent: true });
  // Broadcast commands (/subscribe, /notice …) over STORAGE_URL's broadcast backend: the store's SQLite file,
  // or Redis with BullMQ (every instance's workers send; one instance edits the progress and reports).
  let chatBroadcast: Awaited<ReturnType<typeof openChatBroadcastBackend>>;
  try {
    chatBroadcast = await openChatBroadcastBackend({
      env,
      kb: conversation.engine.kb,
      store,
      templatesDir: folders.templates,
      log: (event, detail) => log.warn({ ...detail }, event),
    });
  } catch (e) {
    await store.close();
    throw new ConfigError((e as Error).message);
  }
  if ("unavailable" in chatBroadcast) log.warn({ reason: chatBroadcast.unavailable }, "broadcast commands unavailable");
  const broadcasting = "unavailable" in chatBroadcast ? null : chatBroadcast;
  let reportFailure: (error: Error) => void = () => {};
  const failed = new Promise<Error>((resolve) => {
    reportFailure = resolve;
  });
  let failing = false;
  const deps: ChannelDeps = {
    env,
    conversation,
    store,
    log,
    broadcast: broadcasting?.broadcast,
    fail: (error) => {
      if (failing) return;
      failing = true;
      log.error({ error: error.message }, "channel failed");
      void close().then(() => reportFailure(error));
    },
  };
  const channels: ChannelRuntime[] = [];
  try {
    for (const name of names) channels.push(await FACTORIES[name](deps));
  } catch (e) {
    await broadcasting?.close();
    await store.close();
    throw e;
  }
  const routes = new Map<string, RouteHandler>();
  for (const c of channels) for (const [route, handler] of Object.entries(c.routes)) routes.set(route, handler);

  let server: Server | null = null;
  let closing = false;
  if (routes.size > 0) {
    server = createServer((req, res) => {
      // Shutting down: a keep-alive connection closes once its last request is answered.
      res.once("finish", () => closing && server?.closeIdleConnections());
      const path = (req.url ?? "/").split("?")[0];
      if (req.method === "GET" && path === "/healthz") {
        res.setHeader("content-type", "application/json");
        res.end(JSON.stringify({ ok: true, channels: names }));
        return;
      }
      const handler = routes.get(`${req.method} ${path}`);
      if (!handler) {
        res.statusCode = 404;
        res.end();
        return;
      }
      Promise.resolve(handler(req, res)).catch((error: unknown) => {
        log.error({ route: path, error: error instanceof Error ? error.name : "error" }, "request failed");
        if (!res.headersSent) res.statusCode = 500;
        res.end();
      });
    });
  }

  let shutdownDone: Promise<void> | null = null;
  /** Idempotent: a signal after a channel failure waits for the same shutdown. */
  function close(): Promise<void> {
    shutdownDone ??= shutdown();
    return shutdownDone;
  }
  async function shutdown(): Promise<void> {
    log.info("stopping");
    closing = true;
    // Stop accepting requests first, then let every channel finish what it is doing.
    const closed = server ? new Promise<void>((resolve) => server?.close(() => resolve())) : Promise.resolve();
    server?.closeIdleConnections();
    await Promise.all(channels.map((c) => c.stop()));
    await closed;
    // Broadcasts in progress stop between sends and stay resumable (the next start picks them up).
    await broadcasting?.close();
    await store.close();
    log.info("stopped");
  }
  try {
    if (server) {
      const listening = server;
      await new Promise<void>((resolve, reject) => {
        listening.once("error", reject);
        listening.listen(env.PORT, () => {
          listening.off("error", reject);
          resolve();
        });
      });
      log.info({ routes: [...routes.keys()], port: (listening.address() as AddressInfo).port }, "webhook server started");
    }
    for (const c of channels) await c.start();
    broadcasting?.runner.start();
  } catch (e) {
    // Nothing half-started is left behind: channels stopped, port released, store closed.
    await Promise.allSettled(channels.map((c) => c.stop()));
    await broadcasting?.close();
    if (server?.listening) await new Promise<void>((resolve) => server?.close(() => resolve()));
    await store.close();
    if ((e as NodeJS.ErrnoException).code === "EADDRINUSE") {
      throw new ConfigError(`PORT: 端口 ${env.PORT} 已被占用 / port ${env.PORT} is already in use`);
    }
    throw e;
  }
  return { port: server ? (server.address() as AddressInfo).port : null, close, failed };
}
