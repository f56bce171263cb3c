/**
 * SQLite store: one file (default `./data/policybot.sqlite`, created on first
 * use, no set-up). Driver: `libsql`, whose better-sqlite3-compatible API ships
 * prebuilt binaries through the npm registry (better-sqlite3 would compile from
 * source on machines that cannot download its binary, as CI here).
 */
import { mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { type SetOptions, type Store, StoreError } from "./store.js";

interface Statement {
  run(...params: unknown[]): { changes: number };
  get(...params: unknown[]): unknown;
}
interface Database {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}

export class SqliteStore implements Store {
  private readonly db: Database;
  private readonly read: Statement;
  private readonly write: Statement;
  private readonly claim: Statement;
  private readonly remove: Statement;
  private readonly removePrefix: Statement;
  private readonly sweep: Statement;
  private purgeTimer: NodeJS.Timeout | null = null;

  /**
   * @param file the database file (`:memory:` for a private one)
   * @param now clock in milliseconds (injectable for expiry tests)
   * @throws StoreError when the file cannot be opened
   */
  constructor(
    readonly file: string,
    private readonly now: () => number = Date.now,
  ) {
    try {
      if (file !== ":memory:") mkdirSync(dirname(file), { recursive: true });
      const Driver = createRequire(import.meta.url)("libsql") as new (path: string) => Database;
      this.db = new Driver(file);
      this.db.exec("PRAGMA journal_mode = WAL");
      // In WAL mode, NORMAL syncs at checkpoints instead of every commit: safe against corruption and against a
      // crash of the process; a power loss may undo the last commits (a few session steps). Without it, each
      // write waits for fsync, which halved the Telegram webhook throughput (npm run bench, channels-sqlite).
      this.db.exec("PRAGMA synchronous = NORMAL");
      this.db.exec("CREATE TABLE IF NOT EXISTS kv (key TEXT PRIMARY KEY, value TEXT NOT NULL, expires_at INTEGER)");
    } catch (e) {
      throw new StoreError("sqlite", `cannot open ${file}: ${(e as Error).message}`, { cause: e });
    }
    this.read = this.db.prepare("SELECT value, expires_at FROM kv WHERE key = ?");
    this.write = this.db.prepare(
      "INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at",
    );
    // Insert, or take over a row that has expired; a live row is left alone (changes = 0).
    this.claim = this.db.prepare(
      "INSERT INTO kv (key, value, expires_at) VALUES (?, ?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value, expires_at = excluded.expires_at WHERE kv.expires_at IS NOT NULL AND kv.expires_at <= ?",
    );
    this.remove = this.db.prepare("DELETE FROM kv WHERE key = ?");
    this.removePrefix = this.db.prepare("DELETE FROM kv WHERE substr(key, 1, ?) = ?");
    this.sweep = this.db.prepare("DELETE FROM kv WHERE expires_at IS NOT NULL AND expires_at <= ?");
  }

  async get(key: string): Promise<unknown> {
    const row = this.read.get(key) as { value: string; expires_at: number | null } | undefined;
    if (!row) return undefined;
    if (row.expires_at !== null && row.expires_at <= this.now()) {
      this.remove.run(key);
      return undefined;
    }
    return JSON.parse(row.value);
  }

  async set(key: string, value: unknown, options: SetOptions = {}): Promise<void> {
    const expiresAt = options.ttlSeconds ? this.now() + options.ttlSeconds * 1000 : null;
    this.write.run(key, JSON.stringify(value), expiresAt);
  }

  async setIfAbsent(key: string, value: unknown, options: SetOptions = {}): Promise<boolean> {
    const now = this.now();
    const expiresAt = options.ttlSeconds ? now + options.ttlSeconds * 1000 : null;
    return this.claim.run(key, JSON.stringify(value), expiresAt, now).changes > 0;
  }

  async delete(key: string): Promise<void> {
    this.remove.run(key);
  }

  async deletePrefix(prefix: string): Promise<number> {
    return this.removePrefix.run(prefix.length, prefix).changes;
  }

  /** Remove expired rows (called on open by `openStore`, and on a schedule by long-running servers). */
  async purgeExpired(): Promise<number> {
    return this.sweep.run(this.now()).changes;
  }

  /**
   * Remove expired rows every `ms` milliseconds until {@link close} (an unref'd
   * timer: it never keeps the process alive).
   */
  purgeEvery(ms: number): void {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.purgeTimer = setInterval(() => {
      this.purgeExpired().catch(() => {
        // Retried at the next tick; reads skip expired rows anyway.
      });
    }, ms);
    this.purgeTimer.unref();
  }

  async close(): Promise<void> {
    if (this.purgeTimer) clearInterval(this.purgeTimer);
    this.purgeTimer = null;
    this.db.close();
  }
}
