/**
 * The Redis {@link BroadcastBackend}: Redis stores (redis-stores.ts), the
 * Redis outbox, the shared limiter and the BullMQ engine (engine-redis.ts).
 * The instance's workers start with the first `run` and stop on `close`
 * (active jobs finish first).
 */
import type { Redis } from "ioredis";
import type { BroadcastBackend, OpenBackendOptions } from "./backend.js";
import { BroadcastStorageError } from "./db.js";
import type { EngineDeps } from "./engine.js";
import { RedisBroadcastEngine } from "./engine-redis.js";
import { RedisOutbox } from "./outbox-redis.js";
import { BroadcastKeys, connectRedis, redisTarget } from "./redis-conn.js";
import { RedisAuditLog, RedisRoles, RedisSubscriptions } from "./redis-stores.js";

/** `BROADCAST_LOCK_MS` (≥ 500), else 30 000. */
function lockMsFromEnv(): number {
  const v = Number(process.env.BROADCAST_LOCK_MS);
  return Number.isFinite(v) && v >= 500 ? v : 30_000;
}

/** Fail fast when Redis does not answer (BullMQ's connections would wait for it forever). */
async function reachable(redis: Redis, url: string, timeoutMs: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([redis.ping(), timeout]);
  } catch (e) {
    redis.disconnect();
    const where = new URL(url);
    throw new BroadcastStorageError(`连不上 Redis / cannot reach Redis at ${where.host}: ${(e as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * @param url redis:// or rediss:// with an optional `namespace` parameter
 * @throws BroadcastStorageError when Redis does not answer within `o.connectTimeoutMs` (default 5 s)
 * @param senders the sender factory, given where uploads are remembered (undefined: cannot send)
 */
export async function openRedisBackend(
  url: string,
  o: OpenBackendOptions,
  senders: (setAsset: (noticeId: string, key: string, value: string) => void) => EngineDeps["sender"] | undefined,
): Promise<BroadcastBackend> {
  const target = redisTarget(url);
  const redis = connectRedis(target.url);
  await reachable(redis, target.url, o.connectTimeoutMs ?? 5000);
  const keys = new BroadcastKeys(target.namespace);
  const outbox = new RedisOutbox(redis, keys);
  const subscriptions = new RedisSubscriptions(redis, keys);
  const audit = new RedisAuditLog(redis, keys);
  const sender = senders((id, key, value) => {
    void outbox.setAsset(id, key, value).catch(() => {
      // Losing it only means the next instance uploads the file again.
    });
  });
  const engine = new RedisBroadcastEngine({
    redis,
    url: target.url,
    keys,
    outbox,
    registry: subscriptions,
    audit,
    settings: o.settings,
    ...(sender ? { sender } : {}),
    lockMs: o.lockMs ?? lockMsFromEnv(),
  });
  return {
    kind: "redis",
    subscriptions,
    audit,
    roles: (adminIds) => new RedisRoles(redis, keys, adminIds, audit),
    get: (id) => outbox.get(id),
    unfinished: () => outbox.unfinished(),
    start: (notice, actor) => engine.start(notice, actor),
    run: (id, opts) => engine.run(id, opts),
    rows: (id) => outbox.rows(id),
    close: async () => {
      await engine.close();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
