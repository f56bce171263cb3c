/**
 * A small on-disk cache for derived data (parsed YAML, the trimmed jieba
 * dictionary), keyed by a hash of the inputs so edits invalidate it. Falls
 * back to the OS temp folder when the project folder is read-only; a cache
 * that cannot be read or written is simply skipped.
 */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Cache folder: `POLICYBOT_CACHE`, else `data/cache` beside the given `policies/` folder. */
export function defaultCacheDir(policiesDir: string): string {
  return process.env.POLICYBOT_CACHE ?? join(policiesDir, "..", "data", "cache");
}

/** Hex SHA-1 of the parts, shortened: the cache key. */
export function cacheKey(...parts: (string | Buffer)[]): string {
  const h = createHash("sha1");
  for (const p of parts) h.update(p);
  return h.digest("hex").slice(0, 20);
}

function dirs(dir: string): string[] {
  return [dir, join(tmpdir(), "policybot-cache")];
}

/** @returns the cached bytes, or null */
export function readCache(dir: string, name: string): Buffer | null {
  for (const d of dirs(dir)) {
    try {
      return readFileSync(join(d, name));
    } catch {
      // not cached here
    }
  }
  return null;
}

/** Store bytes; silently gives up when no location is writable. */
export function writeCache(dir: string, name: string, data: Buffer | string): void {
  for (const d of dirs(dir)) {
    try {
      mkdirSync(d, { recursive: true });
      writeFileSync(join(d, name), data);
      return;
    } catch {
      // read-only location: try the next one
    }
  }
}
