/**
 * Where the broadcast data lives in Redis. STORAGE_URL `redis://host:port/db?namespace=app:`
 * (as for the chat store, src/storage/open.ts; default namespace `policybot:`)
 * gives the connection and the prefix of every key:
 *
 * | key                               | type | holds                                                   |
 * |-----------------------------------|------|---------------------------------------------------------|
 * | `<ns>bc:notice:<id>`              | hash | the broadcast record (notice JSON, state, total, assets) |
 * | `<ns>bc:notices`                  | zset | notice ids by creation time (ms)                        |
 * | `<ns>bc:row:<id>:<seq>`           | hash | delivery row `seq` (0-based, creation order)            |
 * | `<ns>bc:counts:<id>`              | hash | rows per state, `ever` = rows ever uncertain            |
 * | `<ns>bc:lim:<channel>:<rule>[:<chat>]` | zset | the shared limiter's send log (score: Redis time, ms) |
 * | `<ns>bc:subs` / `…:order` / `…:ended` | hash / zset / hash | subscriptions by chat key, their order, their ends |
 * | `<ns>bc:roles`                    | hash | principal → role JSON                                   |
 * | `<ns>bc:audit` / `<ns>bc:audit:seq` | list / string | audit entries (JSON), the sequence           |
 * | `<ns>bc:origin:<id>`              | hash | admin chat of a chat broadcast, progress message, reported |
 * | `<ns>bc:origin:<id>:claim`        | string | the instance that edits the progress and reports (PX)  |
 * | `<ns>bull:broadcast-<channel>:…`  | BullMQ | one queue per channel, one job per delivery row       |
 *
 * Keys are not hash-tagged: a single Redis (or a primary with replicas), not a Cluster.
 */
import { Redis } from "ioredis";

/** A parsed redis:// STORAGE_URL. */
export interface RedisTarget {
  /** The URL for ioredis, without our `namespace` parameter. */
  url: string;
  /** Prefix of every key (default `policybot:`). */
  namespace: string;
}

/** Whether a STORAGE_URL names Redis. */
export const isRedisUrl = (url: string | undefined): url is string => url !== undefined && /^rediss?:\/\//.test(url);

/** Split a redis:// or rediss:// URL into the connection URL and the namespace. */
export function redisTarget(url: string): RedisTarget {
  const parsed = new URL(url);
  const namespace = parsed.searchParams.get("namespace") ?? "policybot:";
  parsed.searchParams.delete("namespace");
  return { url: parsed.toString(), namespace };
}

/**
 * A connection as BullMQ requires it (`maxRetriesPerRequest: null`: commands wait
 * for a reconnect instead of failing). Connection errors are reported by the commands.
 */
export function connectRedis(url: string): Redis {
  const r = new Redis(url, { maxRetriesPerRequest: null, enableReadyCheck: true });
  r.on("error", () => {
    // Reported on the failing command; ioredis reconnects by itself.
  });
  return r;
}

/** The key builder of one namespace (see the module comment). */
export class BroadcastKeys {
  constructor(readonly namespace: string) {}
  notice = (id: string) => `${this.namespace}bc:notice:${id}`;
  notices = () => `${this.namespace}bc:notices`;
  row = (id: string, seq: number) => `${this.namespace}bc:row:${id}:${seq}`;
  rowPrefix = (id: string) => `${this.namespace}bc:row:${id}:`;
  counts = (id: string) => `${this.namespace}bc:counts:${id}`;
  limit = (channel: string, rule: number, chat?: string) => `${this.namespace}bc:lim:${channel}:${rule}${chat ? `:${chat}` : ""}`;
  subs = () => `${this.namespace}bc:subs`;
  subsOrder = () => `${this.namespace}bc:subs:order`;
  subsEnded = () => `${this.namespace}bc:subs:ended`;
  roles = () => `${this.namespace}bc:roles`;
  audit = () => `${this.namespace}bc:audit`;
  auditSeq = () => `${this.namespace}bc:audit:seq`;
  origin = (id: string) => `${this.namespace}bc:origin:${id}`;
  originClaim = (id: string) => `${this.namespace}bc:origin:${id}:claim`;
  /** BullMQ's key prefix (BullMQ appends `:<queue>:…`). */
  bullPrefix = () => `${this.namespace}bull`;
}
