/**
 * Open the store named by `STORAGE_URL`: `redis://…`/`rediss://…` → Redis
 * (`?namespace=app:` sets the key prefix, default `policybot:`), `sqlite:<file>`
 * → that SQLite file, `memory:` → in memory; absent → the default SQLite file
 * `./data/policybot.sqlite`.
 */
import { join } from "node:path";
import { MemoryStore } from "./memory.js";
import { type Store, StoreError } from "./store.js";

/** Options of {@link openStore}. */
export interface OpenOptions {
  /**
   * SQLite: also remove expired rows every this many milliseconds (long-running
   * servers; the timer never keeps the process alive and stops on close).
   * Expired rows are always removed on open, and Redis expires keys by itself.
   */
  purgeEveryMs?: number;
}

/**
 * @param url the STORAGE_URL value (undefined for the default)
 * @param dataDir where the default SQLite file lives
 * @throws StoreError for an unknown scheme or a store that cannot be opened
 */
export async function openStore(url: string | undefined, dataDir = join(process.cwd(), "data"), options: OpenOptions = {}): Promise<Store> {
  const sqlite = async (file: string) => {
    const { SqliteStore } = await import("./sqlite.js");
    const store = new SqliteStore(file);
    await store.purgeExpired();
    if (options.purgeEveryMs) store.purgeEvery(options.purgeEveryMs);
    return store;
  };
  if (url === undefined || url === "") return sqlite(join(dataDir, "policybot.sqlite"));
  if (/^rediss?:\/\//.test(url)) {
    const { RedisStore } = await import("./redis.js");
    const parsed = new URL(url);
    const namespace = parsed.searchParams.get("namespace") ?? undefined;
    parsed.searchParams.delete("namespace"); // ours, not an ioredis option
    return new RedisStore(parsed.toString(), namespace);
  }
  if (url.startsWith("sqlite:")) return sqlite(url.slice("sqlite:".length) || join(dataDir, "policybot.sqlite"));
  if (url === "memory:") return new MemoryStore();
  throw new StoreError("config", `STORAGE_URL 不支持 / unsupported STORAGE_URL: ${url}（redis://…, sqlite:<file>, memory:）`);
}
