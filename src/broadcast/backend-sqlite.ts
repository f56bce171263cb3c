/**
 * The SQLite {@link BroadcastBackend}: the classes and the engine as they
 * are (subscriptions.ts, roles.ts, audit.ts, outbox-sqlite.ts, engine.ts),
 * wrapped in promises. Nothing changes for SQLite users.
 */
import { AuditLog } from "./audit.js";
import type { BroadcastBackend } from "./backend.js";
import { type Database, openBroadcastDb, sqliteFileOf } from "./db.js";
import { type EngineDeps, runBroadcast, startBroadcast } from "./engine.js";
import type { BroadcastSettings } from "./limits.js";
import { SqliteOutbox } from "./outbox-sqlite.js";
import { Roles } from "./roles.js";
import { SubscriptionRegistry } from "./subscriptions.js";

/** The sender factory of a backend, given where uploads are remembered (undefined: cannot send). */
export type SenderSource = (setAsset: (noticeId: string, key: string, value: string) => void) => EngineDeps["sender"] | undefined;

/**
 * @param url STORAGE_URL (absent, `sqlite:<file>` or `memory:`)
 * @param senders the sender factory, given where uploads are remembered (undefined: cannot send)
 * @throws BroadcastStorageError for other schemes
 */
export function openSqliteBackend(
  url: string | undefined,
  dataDir: string,
  settings: BroadcastSettings,
  senders: SenderSource,
): BroadcastBackend {
  return sqliteBackendOn(openBroadcastDb(sqliteFileOf(url, dataDir)), settings, senders, true);
}

/**
 * The backend over a database already open (the chat side shares it with its origins table).
 * @param ownsDb whether close() closes the database
 */
export function sqliteBackendOn(db: Database, settings: BroadcastSettings, senders: SenderSource, ownsDb: boolean): BroadcastBackend {
  const registry = new SubscriptionRegistry(db);
  const outbox = new SqliteOutbox(db);
  const audit = new AuditLog(db);
  const sender = senders((id, key, value) => outbox.setAsset(id, key, value));
  const deps: EngineDeps = {
    outbox,
    registry,
    audit,
    settings,
    sender:
      sender ??
      (() => {
        throw new Error("no sender factory: this backend was opened without one");
      }),
  };
  return {
    kind: "sqlite",
    subscriptions: registry,
    audit,
    roles: (adminIds) => new Roles(db, adminIds, audit),
    get: async (id) => outbox.get(id),
    unfinished: async () => outbox.unfinished(),
    start: async (notice, actor) => startBroadcast(deps, notice, actor),
    run: (id, o) => runBroadcast(deps, id, o),
    rows: async (id) => outbox.rows(id),
    close: async () => {
      if (ownsDb) db.close();
    },
  };
}
