/**
 * The chat side of broadcasts for `policybot serve`: the broadcast backend of
 * STORAGE_URL (the SQLite file of the store, or Redis with BullMQ so several
 * instances share the work), roles from ADMIN_IDS, the configured senders,
 * the origins of chat broadcasts next to the outbox, the background runner.
 * Unavailable (with the reason) when the storage cannot hold broadcasts, so
 * serve still answers questions.
 *
 * ```ts
 * const opened = await openChatBroadcastBackend({ env, kb, store, templatesDir });
 * if (!("unavailable" in opened)) opened.runner.start();
 * ```
 */
import type { Env } from "../../config/env.js";
import type { KnowledgeBase } from "../../kb/load.js";
import type { Store } from "../../storage/store.js";
import { type BroadcastBackend, type OpenBackendOptions, openBroadcastBackend, senderOf } from "../backend.js";
import { sqliteBackendOn } from "../backend-sqlite.js";
import { BroadcastStorageError, type Database, openBroadcastDb, sqliteFileOf } from "../db.js";
import type { EngineDeps } from "../engine.js";
import { settingsFromEnv } from "../limits.js";
import type { Channel } from "../notice.js";
import { BroadcastKeys, connectRedis, isRedisUrl, redisTarget } from "../redis-conn.js";
import { parseAdminIds } from "../roles.js";
import { configured } from "../senders.js";
import { type OriginStore, Origins } from "./origins.js";
import { RedisOrigins } from "./origins-redis.js";
import { ChatRunner } from "./runner.js";
import { ChatBroadcast } from "./service.js";

/** The opened chat side: the service, its runner, and close(). */
export interface OpenedChatBroadcast {
  broadcast: ChatBroadcast;
  runner: ChatRunner;
  /** Which backend it runs on. */
  kind: BroadcastBackend["kind"];
  /** Stop the runs (resumable), then the backend (Redis: this instance's workers finish their jobs) and close its storage. */
  close(): Promise<void>;
}

/** Options of {@link openChatBroadcast} and {@link openChatBroadcastBackend}. */
export interface OpenOptions {
  env: Env;
  kb: KnowledgeBase;
  store: Store;
  templatesDir: string;
  log?: (event: string, detail: Record<string, unknown>) => void;
  /** An open SQLite database instead of STORAGE_URL's (tests); left open by close(). */
  db?: Database;
  /** Engine settings (default: from the process environment). */
  settings?: EngineDeps["settings"];
  /** Least time between two progress edits (default 1000 ms). */
  editEveryMs?: number;
  /** How often the runner looks for due, interrupted or (Redis) other instances' chat broadcasts (default 30 s). */
  tickMs?: number;
  /** How long a dead instance's claim on a progress message holds (default 30 s). */
  claimMs?: number;
  /** A sender factory of one's own instead of the configured channels' (tests). */
  sender?: OpenBackendOptions["sender"];
}

/** The backend's options: the configured senders (or the test's own). */
const backendOptions = (o: OpenOptions, settings: EngineDeps["settings"]): OpenBackendOptions => ({
  settings,
  env: o.env,
  templatesDir: o.templatesDir,
  ...(o.sender ? { sender: o.sender } : {}),
});

/** Assemble the chat side over a backend and its origins; `closeStorage` runs after the runner stopped. */
function assemble(o: OpenOptions, backend: BroadcastBackend, origins: OriginStore, closeStorage: () => Promise<void>): OpenedChatBroadcast {
  const runner = new ChatRunner({
    backend,
    origins,
    templatesDir: o.templatesDir,
    log: o.log,
    editEveryMs: o.editEveryMs,
    tickMs: o.tickMs,
    claimMs: o.claimMs,
  });
  const channels = (["telegram", "lark"] as Channel[]).filter((c) => configured(o.env, c));
  const broadcast = new ChatBroadcast({
    backend,
    roles: backend.roles(parseAdminIds(o.env.ADMIN_IDS)),
    runner,
    kb: o.kb,
    store: o.store,
    templatesDir: o.templatesDir,
    channels,
  });
  return {
    broadcast,
    runner,
    kind: backend.kind,
    async close() {
      await runner.close();
      await backend.close();
      await closeStorage();
    },
  };
}

/**
 * Open the chat side on SQLite (`o.db`, or STORAGE_URL's file), at once.
 * @returns `{ unavailable }` with a reason for redis:// (use {@link openChatBroadcastBackend}) or an unknown scheme
 * @throws AdminIdError for a malformed ADMIN_IDS entry; LimitsError for malformed BROADCAST_* settings
 */
export function openChatBroadcast(o: OpenOptions): OpenedChatBroadcast | { unavailable: string } {
  let db = o.db;
  if (!db) {
    try {
      db = openBroadcastDb(sqliteFileOf(o.env.STORAGE_URL));
    } catch (e) {
      if (e instanceof BroadcastStorageError) return { unavailable: e.message };
      throw e;
    }
  }
  const settings = o.settings ?? settingsFromEnv();
  const backend = sqliteBackendOn(db, settings, (setAsset) => senderOf(backendOptions(o, settings), setAsset), false);
  const opened = db;
  return assemble(o, backend, new Origins(db), async () => {
    if (!o.db) opened.close();
  });
}

/**
 * Open the chat side on STORAGE_URL's backend: SQLite as {@link openChatBroadcast}; on redis:// the Redis
 * stores and BullMQ (every instance's workers send a chat broadcast, the origins live in Redis).
 * @returns `{ unavailable }` with a reason when Redis does not answer or the scheme is unknown
 * @throws AdminIdError for a malformed ADMIN_IDS entry; LimitsError for malformed BROADCAST_* settings
 */
export async function openChatBroadcastBackend(o: OpenOptions): Promise<OpenedChatBroadcast | { unavailable: string }> {
  const url = o.env.STORAGE_URL;
  if (o.db || !isRedisUrl(url)) return openChatBroadcast(o);
  const settings = o.settings ?? settingsFromEnv();
  let backend: BroadcastBackend;
  try {
    backend = await openBroadcastBackend(url, backendOptions(o, settings));
  } catch (e) {
    if (e instanceof BroadcastStorageError) return { unavailable: e.message };
    throw e;
  }
  const target = redisTarget(url);
  const redis = connectRedis(target.url);
  return assemble(o, backend, new RedisOrigins(redis, new BroadcastKeys(target.namespace)), async () => {
    await redis.quit().catch(() => redis.disconnect());
  });
}
