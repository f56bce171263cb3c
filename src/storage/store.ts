/**
 * One storage interface for chat sessions and generated files' metadata: JSON
 * values by string key, each with an optional time to live. Implementations:
 * memory (tests), SQLite file (the default, no set-up), Redis (several bot
 * instances behind one webhook share state).
 */

/** Options of a write. */
export interface SetOptions {
  /** Seconds until the value expires (absent: never). */
  ttlSeconds?: number;
}

/** A key–value store of JSON values. */
export interface Store {
  /** The value, or undefined when absent or expired. */
  get(key: string): Promise<unknown>;
  /** Write a JSON-serialisable value. */
  set(key: string, value: unknown, options?: SetOptions): Promise<void>;
  /**
   * Write only when the key is absent (or expired), atomically, also across
   * processes sharing the store: the way to claim an event id exactly once.
   * @returns true when this call wrote the value, false when the key was already there
   */
  setIfAbsent(key: string, value: unknown, options?: SetOptions): Promise<boolean>;
  /** Remove one key (no error when absent). */
  delete(key: string): Promise<void>;
  /** Remove every key starting with `prefix` (个人信息保护法 /forget). @returns how many were removed */
  deletePrefix(prefix: string): Promise<number>;
  /** Release connections and flush. */
  close(): Promise<void>;
}

/** Thrown when a store cannot be opened or used; names the backend. */
export class StoreError extends Error {
  constructor(
    readonly backend: string,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(`${backend}: ${message}`, options);
    this.name = "StoreError";
  }
}
