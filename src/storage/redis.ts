/**
 * Redis store (`STORAGE_URL=redis://…`): several bot instances behind one
 * webhook share sessions. Expiry uses Redis's own TTL; prefix deletion scans
 * with SCAN (never KEYS) and deletes in batches.
 */
import { Redis } from "ioredis";
import { type SetOptions, type Store, StoreError } from "./store.js";

export class RedisStore implements Store {
  private readonly redis: Redis;

  /**
   * @param url a redis:// or rediss:// URL
   * @param namespace prefix of every key, so several apps can share one Redis
   */
  constructor(
    url: string,
    private readonly namespace = "policybot:",
  ) {
    this.redis = new Redis(url, { lazyConnect: false, maxRetriesPerRequest: 2, enableOfflineQueue: true });
    this.redis.on("error", () => {
      // Reported on the failing command; the client reconnects by itself.
    });
  }

  private async call<T>(what: string, f: () => Promise<T>): Promise<T> {
    try {
      return await f();
    } catch (e) {
      throw new StoreError("redis", `${what} failed: ${(e as Error).message}`, { cause: e });
    }
  }

  async get(key: string): Promise<unknown> {
    const raw = await this.call("GET", () => this.redis.get(this.namespace + key));
    return raw === null ? undefined : JSON.parse(raw);
  }

  async set(key: string, value: unknown, options: SetOptions = {}): Promise<void> {
    const json = JSON.stringify(value);
    await this.call("SET", () =>
      options.ttlSeconds
        ? this.redis.set(this.namespace + key, json, "EX", Math.max(1, Math.round(options.ttlSeconds)))
        : this.redis.set(this.namespace + key, json),
    );
  }

  async setIfAbsent(key: string, value: unknown, options: SetOptions = {}): Promise<boolean> {
    const json = JSON.stringify(value);
    const k = this.namespace + key;
    const r = await this.call("SET NX", () =>
      options.ttlSeconds ? this.redis.set(k, json, "EX", Math.max(1, Math.round(options.ttlSeconds)), "NX") : this.redis.set(k, json, "NX"),
    );
    return r === "OK";
  }

  async delete(key: string): Promise<void> {
    await this.call("DEL", () => this.redis.del(this.namespace + key));
  }

  async deletePrefix(prefix: string): Promise<number> {
    const pattern = `${(this.namespace + prefix).replace(/[*?[\]\\]/g, "\\$&")}*`;
    let cursor = "0";
    let removed = 0;
    do {
      const [next, keys] = await this.call("SCAN", () => this.redis.scan(cursor, "MATCH", pattern, "COUNT", 200));
      cursor = next;
      if (keys.length > 0) removed += await this.call("DEL", () => this.redis.del(...keys));
    } while (cursor !== "0");
    return removed;
  }

  async close(): Promise<void> {
    await this.redis.quit().catch(() => this.redis.disconnect());
  }
}
