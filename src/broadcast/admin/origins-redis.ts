/**
 * The origins of chat broadcasts in Redis (keys in redis-conn.ts), shared by
 * every `policybot serve` instance of a deployment: `<ns>bc:origin:<id>` (a
 * hash: channel, chat, progress message, reported) and
 * `<ns>bc:origin:<id>:claim` (the runner that edits the progress message and
 * sends the report, with an expiry renewed while it runs). Every instance's
 * BullMQ workers send the broadcast; only the claim's holder speaks to the admin.
 */
import type { Redis } from "ioredis";
import type { Channel } from "../notice.js";
import type { BroadcastKeys } from "../redis-conn.js";
import type { Origin, OriginStore } from "./origins.js";

/** Take or renew a claim: KEYS claim; ARGV holder, ttl ms. @returns 1 when the holder has it */
const CLAIM_SCRIPT = `local cur = redis.call('GET', KEYS[1])
if cur == false or cur == ARGV[1] then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) return 1 end
return 0`;

/** Remember an origin unless known: KEYS origin; ARGV channel, chat id. */
const ADD_SCRIPT = `if redis.call('EXISTS', KEYS[1]) == 0 then redis.call('HSET', KEYS[1], 'channel', ARGV[1], 'chatId', ARGV[2]) end return 0`;

/** Give a claim up if held: KEYS claim; ARGV holder. */
const RELEASE_SCRIPT = `if redis.call('GET', KEYS[1]) == ARGV[1] then redis.call('DEL', KEYS[1]) end return 0`;

/** Where chat broadcasts report to, in Redis. */
export class RedisOrigins implements OriginStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: BroadcastKeys,
  ) {}

  async add(noticeId: string, channel: Channel, chatId: string): Promise<void> {
    await this.redis.eval(ADD_SCRIPT, 1, this.keys.origin(noticeId), channel, chatId);
  }

  async get(noticeId: string): Promise<Origin | undefined> {
    const h = await this.redis.hgetall(this.keys.origin(noticeId));
    if (!h.channel || !h.chatId) return undefined;
    return {
      noticeId,
      channel: h.channel as Channel,
      chatId: h.chatId,
      progressMessageId: h.progressMessageId ?? null,
      reported: h.reported === "1",
    };
  }

  async setProgressMessage(noticeId: string, messageId: string): Promise<void> {
    await this.redis.hset(this.keys.origin(noticeId), "progressMessageId", messageId);
  }

  async setReported(noticeId: string): Promise<void> {
    await this.redis.hset(this.keys.origin(noticeId), "reported", "1");
  }

  async claim(noticeId: string, holder: string, ttlMs: number): Promise<boolean> {
    return (await this.redis.eval(CLAIM_SCRIPT, 1, this.keys.originClaim(noticeId), holder, String(Math.max(1, Math.round(ttlMs))))) === 1;
  }

  async release(noticeId: string, holder: string): Promise<void> {
    await this.redis.eval(RELEASE_SCRIPT, 1, this.keys.originClaim(noticeId), holder);
  }
}
