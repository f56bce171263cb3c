/**
 * The sliding-window-log limiter of limiter.ts, shared by every instance
 * through Redis: one sorted set per rule (global) or per rule and chat, whose
 * members are the sends of the window scored by their time. One Lua script
 * checks every rule and records the send in all of them, atomically on the
 * Redis server and by the server's clock (`TIME`), so instances with skewed
 * clocks or sending at the same instant never exceed a window together, and
 * the log survives any instance's crash (each set expires a window after its
 * last send).
 *
 * Why not BullMQ's `limiter` option: it caps the jobs a whole queue starts per
 * duration (one rule, global), while Telegram and Lark also limit each chat
 * (1/s and 20/min per group, 5 QPS per group) and have two global windows on
 * Lark; a job is also several requests (message, then .docx). The limit has to
 * be taken per request and per chat, which this script does.
 */
import { randomUUID } from "node:crypto";
import type { Redis } from "ioredis";
import type { LimitRule } from "./limits.js";
import type { BroadcastKeys } from "./redis-conn.js";

/**
 * KEYS: one sorted set per rule. ARGV: max and window (ms) of each rule in KEYS order, then the member.
 * @returns {1, now} when the send was recorded at `now` (ms), {0, wait} with the ms to wait otherwise
 */
const ACQUIRE = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local wait = 0
for i, key in ipairs(KEYS) do
  local max, w = tonumber(ARGV[2 * i - 1]), tonumber(ARGV[2 * i])
  redis.call('ZREMRANGEBYSCORE', key, '-inf', now - w)
  local n = redis.call('ZCARD', key)
  if n >= max then
    local e = redis.call('ZRANGE', key, n - max, n - max, 'WITHSCORES')
    local at = tonumber(e[2]) + w
    if at - now > wait then wait = at - now end
  end
end
if wait > 0 then return {0, math.ceil(wait)} end
for i, key in ipairs(KEYS) do
  redis.call('ZADD', key, now, ARGV[#ARGV])
  redis.call('PEXPIRE', key, math.ceil(tonumber(ARGV[2 * i])) + 1000)
end
return {1, tostring(now)}`;

/** The shared limiter of one channel (see the module comment). */
export class SharedRateLimiter {
  /**
   * @param rules the rules (empty: no limit)
   * @param margin fraction added to every window (as limiter.ts)
   */
  constructor(
    private readonly redis: Redis,
    private readonly keys: BroadcastKeys,
    private readonly channel: string,
    private readonly rules: readonly LimitRule[],
    private readonly margin = 0.03,
  ) {}

  /**
   * Take a send to `chat` if every rule has room (call right before sending).
   * @returns 0 when the send is recorded and may go now, else the milliseconds to wait before asking again
   */
  async tryAcquire(chat: string): Promise<number> {
    const r = await this.take(chat);
    return r.ok ? 0 : r.waitMs;
  }

  /**
   * {@link tryAcquire} with the instant: `at` is the Redis clock (ms since the epoch, sub-ms) the send was logged at.
   * Without rules, `at` is this process's clock.
   */
  async take(chat: string): Promise<{ ok: true; at: number } | { ok: false; waitMs: number }> {
    if (this.rules.length === 0) return { ok: true, at: Date.now() };
    const keys = this.rules.map((r, i) => this.keys.limit(this.channel, i, r.scope === "chat" ? chat : undefined));
    const args = this.rules.flatMap((r) => [r.max, Math.ceil(r.windowMs * (1 + this.margin))]);
    const [ok, value] = (await this.redis.eval(ACQUIRE, keys.length, ...keys, ...args, randomUUID())) as [number, number | string];
    return ok === 1 ? { ok: true, at: Number(value) } : { ok: false, waitMs: Math.max(1, Number(value)) };
  }

  /**
   * Wait (sleeping in this process) until a send to `chat` is allowed, and record it.
   * @returns the Redis time it was logged at (ms)
   */
  async acquire(chat: string): Promise<number> {
    for (;;) {
      const r = await this.take(chat);
      if (r.ok) return r.at;
      await new Promise((resolve) => setTimeout(resolve, r.waitMs));
    }
  }
}
