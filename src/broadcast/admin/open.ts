/**
 * The chat side of broadcasts for `policybot serve`: the broadcast database
 * of STORAGE_URL (the SQLite file of the store), roles from ADMIN_IDS, the
 * engine with the configured senders, the background runner. Null (with the
 * reason) when the storage has no broadcast tables, so serve still answers
 * questions.
 */
import type { Env } from "../../config/env.js";
import type { KnowledgeBase } from "../../kb/load.js";
import type { Store } from "../../storage/store.js";
import { AuditLog } from "../audit.js";
import { BroadcastStorageError, type Database, openBroadcastDb, sqliteFileOf } from "../db.js";
import type { EngineDeps } from "../engine.js";
import { settingsFromEnv } from "../limits.js";
import type { Channel } from "../notice.js";
import { SqliteOutbox } from "../outbox-sqlite.js";
import { parseAdminIds, Roles } from "../roles.js";
import { configured, senderFactory } from "../senders.js";
import { SubscriptionRegistry } from "../subscriptions.js";
import { Origins } from "./origins.js";
import { ChatRunner } from "./runner.js";
import { ChatBroadcast } from "./service.js";

/** The opened chat side: the service, its runner, and close(). */
export interface OpenedChatBroadcast {
  broadcast: ChatBroadcast;
  runner: ChatRunner;
  /** Stop the runs (resumable) and close the database. */
  close(): Promise<void>;
}

/** Options of {@link openChatBroadcast}. */
export interface OpenOptions {
  env: Env;
  kb: KnowledgeBase;
  store: Store;
  templatesDir: string;
  log?: (event: string, detail: Record<string, unknown>) => void;
  /** An open database instead of STORAGE_URL's (tests). */
  db?: Database;
  /** Engine settings (default: from the process environment). */
  settings?: EngineDeps["settings"];
  /** Least time between two progress edits (default 1000 ms). */
  editEveryMs?: number;
}

/**
 * Open the chat side.
 * @returns null with a reason when STORAGE_URL has no broadcast tables (redis://)
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
  const outbox = new SqliteOutbox(db);
  const audit = new AuditLog(db);
  const deps: EngineDeps = {
    outbox,
    registry: new SubscriptionRegistry(db),
    audit,
    settings,
    sender: senderFactory(o.env, outbox, settings, o.templatesDir),
  };
  const runner = new ChatRunner({ deps, origins: new Origins(db), log: o.log, editEveryMs: o.editEveryMs });
  const channels = (["telegram", "lark"] as Channel[]).filter((c) => configured(o.env, c));
  const broadcast = new ChatBroadcast({
    deps,
    roles: new Roles(db, parseAdminIds(o.env.ADMIN_IDS), audit),
    runner,
    kb: o.kb,
    store: o.store,
    templatesDir: o.templatesDir,
    channels,
  });
  const opened = db;
  return {
    broadcast,
    runner,
    async close() {
      await runner.close();
      if (!o.db) opened.close();
    },
  };
}
