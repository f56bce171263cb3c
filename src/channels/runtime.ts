/**
 * What a chat channel gives `policybot serve`: HTTP routes for webhook mode and
 * a start/stop pair for modes that pull (Telegram long polling, Lark long
 * connection). The server owns one HTTP listener and mounts every channel's
 * routes on it; channels never open ports of their own.
 */
import type { IncomingMessage, ServerResponse } from "node:http";
import type { Logger } from "pino";
import type { ChatBroadcast } from "../broadcast/admin/service.js";
import type { Env } from "../config/env.js";
import type { Conversation } from "../core/conversation.js";
import type { Store } from "../storage/store.js";

/** Dependencies every channel gets from the server. */
export interface ChannelDeps {
  /** The validated configuration (each channel reads its own variables). */
  env: Env;
  /** The one conversation core. */
  conversation: Conversation;
  /** Sessions and de-duplication keys. */
  store: Store;
  /** JSON logger; never log message texts or personal data. */
  log: Logger;
  /**
   * Report that the channel stopped receiving for good after start (e.g. Telegram
   * 409 Conflict: another poller uses the token). The server then shuts down and
   * `policybot serve` exits 1 with the message.
   */
  fail(error: Error): void;
  /** Broadcast commands and progress reports (absent when the storage has no broadcast tables). */
  broadcast?: ChatBroadcast;
}

/** Handles one HTTP request; must end the response. */
export type RouteHandler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A started or startable channel. */
export interface ChannelRuntime {
  /** `telegram` or `lark`, for logs and /healthz. */
  name: string;
  /** Webhook routes by `"METHOD /path"`, e.g. `"POST /telegram"` (empty when the channel pulls). */
  routes: Record<string, RouteHandler>;
  /** Begin receiving (polling / long connection); resolves once receiving has begun. */
  start(): Promise<void>;
  /** Stop receiving and finish the updates in flight. */
  stop(): Promise<void>;
}
