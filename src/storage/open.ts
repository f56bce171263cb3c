/**
 * Open the store named by `STORAGE_URL`: `redis://…`/`rediss://…` → Redis,
 * `sqlite:<file>` → that SQLite file, `memory:` → in memory; absent → the
 * default SQLite file `./data/policybot.sqlite`.
 */
import { join } from "node:path";
import { MemoryStore } from "./memory.js";
import { type Store, StoreError } from "./store.js";

/**
 * @param url the STORAGE_URL value (undefined for the default)
 * @param dataDir where the default SQLite file lives
 * @throws StoreError for an unknown scheme or a store that cannot be opened
 */
export async function openStore(url: string | undefined, dataDir = join(process.cwd(), "data")): Promise<Store> {
  if (url === undefined || url === "") {
    const { SqliteStore } = await import("./sqlite.js");
    const store = new SqliteStore(join(dataDir, "policybot.sqlite"));
    await store.purgeExpired();
    return store;
  }
  if (/^rediss?:\/\//.test(url)) {
    const { RedisStore } = await import("./redis.js");
    return new RedisStore(url);
  }
  if (url.startsWith("sqlite:")) {
    const { SqliteStore } = await import("./sqlite.js");
    const store = new SqliteStore(url.slice("sqlite:".length) || join(dataDir, "policybot.sqlite"));
    await store.purgeExpired();
    return store;
  }
  if (url === "memory:") return new MemoryStore();
  throw new StoreError("config", `STORAGE_URL 不支持 / unsupported STORAGE_URL: ${url}（redis://…, sqlite:<file>, memory:）`);
}
