/**
 * The broadcast backend named by STORAGE_URL, behind one asynchronous face:
 *
 * - absent, `sqlite:<file>`, `memory:` → the SQLite tables and the in-process
 *   engine (engine.ts; one process runs a broadcast, a lease keeps a second out);
 * - `redis://…` / `rediss://…` (`?namespace=app:`, default `policybot:`) → the
 *   Redis stores, the shared limiter and BullMQ queues (engine-redis.ts):
 *   every instance that runs a broadcast (or `policybot broadcast --resume`)
 *   works on it together with the others.
 *
 * ```ts
 * const backend = await openBroadcastBackend(env.STORAGE_URL, { settings, env, templatesDir });
 * const { record } = await backend.start(notice, "telegram:1");
 * const report = await backend.run(record.noticeId, { actor: "telegram:1" });
 * await backend.close();
 * ```
 */
import { join } from "node:path";
import type { Env } from "../config/env.js";
import type { EngineDeps, RunOptions } from "./engine.js";
import type { BroadcastSettings } from "./limits.js";
import type { Notice } from "./notice.js";
import type { BroadcastRecord, Delivery, Outbox } from "./outbox.js";
import { isRedisUrl } from "./redis-conn.js";
import type { BroadcastReport } from "./report.js";
import { senderFactory } from "./senders.js";
import type { AuditStore, RoleStore, SubscriptionStore } from "./stores.js";

/** A broadcast backend (see the module comment). Every method may reject with the store's error. */
export interface BroadcastBackend {
  readonly kind: "sqlite" | "redis";
  readonly subscriptions: SubscriptionStore;
  readonly audit: AuditStore;
  /** The role store with these root admins (principals from `parseAdminIds`). */
  roles(adminIds: readonly string[]): RoleStore;
  get(noticeId: string): Promise<BroadcastRecord | undefined>;
  /** Broadcasts not yet done or cancelled, oldest first. */
  unfinished(): Promise<BroadcastRecord[]>;
  /** Create the notice's broadcast (or keep the existing one); audited as `broadcast.start`. */
  start(notice: Notice, actor: string): Promise<{ record: BroadcastRecord; created: boolean }>;
  /**
   * Run or resume the broadcast to the end (on Redis: together with the other instances).
   * @throws BroadcastBusyError (SQLite) while another process runs it
   */
  run(noticeId: string, o: RunOptions): Promise<BroadcastReport>;
  /** Every row, in creation order. */
  rows(noticeId: string): Promise<Delivery[]>;
  close(): Promise<void>;
}

/** Options of {@link openBroadcastBackend}. */
export interface OpenBackendOptions {
  settings: BroadcastSettings;
  /** With `templatesDir`: build the Telegram/Lark senders (senders.ts). Without a sender, `run` cannot send. */
  env?: Env;
  templatesDir?: string;
  /** A sender factory of one's own (tests); `setAsset` stores the broadcast's uploads. */
  sender?: (setAsset: (noticeId: string, key: string, value: string) => void) => EngineDeps["sender"];
  /** Folder of the default SQLite file. */
  dataDir?: string;
  /** Redis: BullMQ lockDuration in ms (default `BROADCAST_LOCK_MS` or 30 000). */
  lockMs?: number;
  /** Redis: how long to wait for the first answer before failing with BroadcastStorageError (ms, default 5000). */
  connectTimeoutMs?: number;
}

/** The sender factory the options ask for, given where uploads are remembered. */
export function senderOf(
  o: OpenBackendOptions,
  setAsset: (noticeId: string, key: string, value: string) => void,
): EngineDeps["sender"] | undefined {
  if (o.sender) return o.sender(setAsset);
  if (!o.env || !o.templatesDir) return undefined;
  // senderFactory only calls the outbox's setAsset.
  return senderFactory(o.env, { setAsset } as Pick<Outbox, "setAsset"> as Outbox, o.settings, o.templatesDir);
}

/**
 * Open the backend of a STORAGE_URL.
 * @throws BroadcastStorageError for an unsupported scheme, or a Redis that does not answer
 */
export async function openBroadcastBackend(url: string | undefined, o: OpenBackendOptions): Promise<BroadcastBackend> {
  if (isRedisUrl(url)) {
    const { openRedisBackend } = await import("./backend-redis.js");
    return openRedisBackend(url, o, (setAsset) => senderOf(o, setAsset));
  }
  const { openSqliteBackend } = await import("./backend-sqlite.js");
  return openSqliteBackend(url, o.dataDir ?? join(process.cwd(), "data"), o.settings, (setAsset) => senderOf(o, setAsset));
}
