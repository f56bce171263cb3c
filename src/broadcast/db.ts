/**
 * The SQLite database of the broadcast tables (subscriptions, roles, audit
 * log, outbox): the same file as the default store — `./data/policybot.sqlite`,
 * or the `sqlite:<file>` of STORAGE_URL — opened with its own `libsql`
 * connection (WAL, so the store's connection and this one work side by side).
 * `memory:` gives a private in-memory database (tests).
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";

/** The better-sqlite3-compatible surface of `libsql` the broadcast tables use. */
export interface Statement {
  run(...params: unknown[]): { changes: number; lastInsertRowid: number | bigint };
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
}
/** An open database. */
export interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  transaction<A extends unknown[], R>(fn: (...args: A) => R): { immediate: (...args: A) => R } & ((...args: A) => R);
  close(): void;
}

/** Thrown when STORAGE_URL names a backend the broadcast tables do not support (yet). */
export class BroadcastStorageError extends Error {
  override name = "BroadcastStorageError";
}

/**
 * The SQLite file of a STORAGE_URL value.
 * @param url STORAGE_URL (undefined or empty: the default file)
 * @param dataDir folder of the default file
 * @returns a file path, or `:memory:` for `memory:`
 * @throws BroadcastStorageError for redis:// (the Redis backend holds those, backend-redis.ts) and unknown schemes
 */
export function sqliteFileOf(url: string | undefined, dataDir = join(process.cwd(), "data")): string {
  if (url === undefined || url === "") return join(dataDir, "policybot.sqlite");
  if (url.startsWith("sqlite:")) return url.slice("sqlite:".length) || join(dataDir, "policybot.sqlite");
  if (url === "memory:") return ":memory:";
  if (/^rediss?:\/\//.test(url))
    throw new BroadcastStorageError(
      "Redis 上的群发由 Redis 后端（BullMQ）处理 / broadcasts on redis:// run on the Redis backend (BullMQ, openBroadcastBackend), not on SQLite tables",
    );
  throw new BroadcastStorageError(`STORAGE_URL 不支持 / unsupported STORAGE_URL: ${url}`);
}

/**
 * Open (creating the folder and the file when needed) a database for the broadcast tables.
 * @param file a path or `:memory:`
 */
export function openBroadcastDb(file: string): Database {
  if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
  const Driver = createRequire(import.meta.url)("libsql") as new (path: string) => Database;
  const db = new Driver(file);
  db.exec("PRAGMA journal_mode = WAL");
  // A committed transaction survives a killed process (SIGKILL) in WAL mode with NORMAL; only a power loss may
  // undo the last commits. The outbox writes a row before every send, so fsync per commit would cap throughput.
  db.exec("PRAGMA synchronous = NORMAL");
  db.exec("PRAGMA busy_timeout = 5000");
  return db;
}
