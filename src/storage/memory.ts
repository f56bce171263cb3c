/** In-memory store (tests, single process). Values are copied through JSON so callers never share objects. */
import type { SetOptions, Store } from "./store.js";

export class MemoryStore implements Store {
  private readonly data = new Map<string, { json: string; expiresAt: number | null }>();

  /** @param now clock in milliseconds (injectable for expiry tests) */
  constructor(private readonly now: () => number = Date.now) {}

  async get(key: string): Promise<unknown> {
    const e = this.data.get(key);
    if (!e) return undefined;
    if (e.expiresAt !== null && e.expiresAt <= this.now()) {
      this.data.delete(key);
      return undefined;
    }
    return JSON.parse(e.json);
  }

  async set(key: string, value: unknown, options: SetOptions = {}): Promise<void> {
    const expiresAt = options.ttlSeconds ? this.now() + options.ttlSeconds * 1000 : null;
    this.data.set(key, { json: JSON.stringify(value), expiresAt });
  }

  async setIfAbsent(key: string, value: unknown, options: SetOptions = {}): Promise<boolean> {
    // No await between the check and the write: atomic within the process.
    const e = this.data.get(key);
    if (e && (e.expiresAt === null || e.expiresAt > this.now())) return false;
    this.data.set(key, { json: JSON.stringify(value), expiresAt: options.ttlSeconds ? this.now() + options.ttlSeconds * 1000 : null });
    return true;
  }

  async delete(key: string): Promise<void> {
    this.data.delete(key);
  }

  async deletePrefix(prefix: string): Promise<number> {
    let n = 0;
    for (const key of [...this.data.keys()]) {
      if (key.startsWith(prefix)) {
        this.data.delete(key);
        n++;
      }
    }
    return n;
  }

  async close(): Promise<void> {}
}
