/**
 * The subscription registry, the role table and the audit log in Redis (keys
 * in redis-conn.ts), with the semantics of their SQLite classes, so every
 * instance of a deployment sees the same groups, admins and history. Each
 * change is one atomic command, MULTI or Lua script.
 */
import type { Redis } from "ioredis";
import type { AuditEntry } from "./audit.js";
import type { Channel } from "./notice.js";
import type { BroadcastKeys } from "./redis-conn.js";
import { type Permission, PermissionError, type Role } from "./roles.js";
import type { AuditStore, NewSubscription, RoleStore, SubscriptionStore } from "./stores.js";
import { chatKey, type Subscription } from "./subscriptions.js";
import { matches, type Topics } from "./topics.js";

const ALLOWS: Record<Role, readonly Permission[]> = { admin: ["broadcast", "manage-roles"], broadcaster: ["broadcast"] };

/** End an active subscription: KEYS subs, ended; ARGV chat key, ended JSON. */
const END_SCRIPT = `if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 or redis.call('HEXISTS', KEYS[2], ARGV[1]) == 1 then return 0 end
redis.call('HSET', KEYS[2], ARGV[1], ARGV[2]) return 1`;

/** Append an audit entry: KEYS list, seq; ARGV the entry's JSON without its opening brace. @returns the id */
const APPEND_SCRIPT = `local id = redis.call('INCR', KEYS[2])
redis.call('RPUSH', KEYS[1], '{"id":' .. id .. ',' .. ARGV[1]) return id`;

/** Subscriptions in Redis (same behaviour as `SubscriptionRegistry`; ties in `at` are ordered by chat key). */
export class RedisSubscriptions implements SubscriptionStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: BroadcastKeys,
    private readonly now: () => number = Date.now,
  ) {}

  async add(s: NewSubscription): Promise<Subscription> {
    const sub: Subscription = { channel: s.channel, chatId: s.chatId, title: s.title, topics: s.topics, by: s.by, at: s.at ?? this.now() };
    await this.write([sub]);
    return sub;
  }

  async addMany(list: NewSubscription[]): Promise<number> {
    const at = this.now();
    await this.write(
      list.map((s) => ({ channel: s.channel, chatId: s.chatId, title: s.title, topics: s.topics, by: s.by, at: s.at ?? at })),
    );
    return list.length;
  }

  private async write(list: Subscription[]): Promise<void> {
    const m = this.redis.multi();
    for (const s of list) {
      const key = chatKey(s.channel, s.chatId);
      m.hset(this.keys.subs(), key, JSON.stringify(s)).hdel(this.keys.subsEnded(), key).zadd(this.keys.subsOrder(), s.at, key);
    }
    await m.exec();
  }

  async end(channel: Channel, chatId: string, reason: string, by = "system"): Promise<boolean> {
    const ended = JSON.stringify({ at: this.now(), reason, by });
    const r = await this.redis.eval(END_SCRIPT, 2, this.keys.subs(), this.keys.subsEnded(), chatKey(channel, chatId), ended);
    return r === 1;
  }

  async remove(channel: Channel, chatId: string): Promise<boolean> {
    const key = chatKey(channel, chatId);
    const r = await this.redis.multi().hdel(this.keys.subs(), key).hdel(this.keys.subsEnded(), key).zrem(this.keys.subsOrder(), key).exec();
    return r?.[0]?.[1] === 1;
  }

  async get(channel: Channel, chatId: string): Promise<Subscription | undefined> {
    const key = chatKey(channel, chatId);
    const [raw, ended] = await this.redis
      .multi()
      .hget(this.keys.subs(), key)
      .hget(this.keys.subsEnded(), key)
      .exec()
      .then((r) => r?.map((x) => x[1]) ?? []);
    return typeof raw === "string"
      ? { ...(JSON.parse(raw) as Subscription), ...(typeof ended === "string" ? { ended: JSON.parse(ended) } : {}) }
      : undefined;
  }

  async list(o: { channel?: Channel; includeEnded?: boolean } = {}): Promise<Subscription[]> {
    const order = await this.redis.zrange(this.keys.subsOrder(), 0, -1);
    if (order.length === 0) return [];
    const [subs, ended] = await Promise.all([
      this.redis.hmget(this.keys.subs(), ...order),
      this.redis.hmget(this.keys.subsEnded(), ...order),
    ]);
    const out: Subscription[] = [];
    order.forEach((_, i) => {
      const raw = subs[i];
      if (!raw) return;
      const s = JSON.parse(raw) as Subscription;
      const e = ended[i];
      if (e) s.ended = JSON.parse(e) as Subscription["ended"];
      if ((o.includeEnded || !s.ended) && (!o.channel || s.channel === o.channel)) out.push(s);
    });
    return out;
  }

  async audience(topics: Topics, channels?: readonly Channel[]): Promise<Subscription[]> {
    return (await this.list()).filter((s) => (!channels || channels.includes(s.channel)) && matches(s.topics, topics));
  }
}

/** The audit log in Redis: a list only ever appended to (nothing here removes or rewrites an entry). */
export class RedisAuditLog implements AuditStore {
  constructor(
    private readonly redis: Redis,
    private readonly keys: BroadcastKeys,
    private readonly now: () => number = Date.now,
  ) {}

  async append(e: Omit<AuditEntry, "id" | "at">): Promise<AuditEntry> {
    const at = this.now();
    const body = JSON.stringify({
      at,
      actor: e.actor,
      action: e.action,
      target: e.target,
      count: e.count,
      ...(e.detail ? { detail: e.detail } : {}),
    });
    const id = Number(await this.redis.eval(APPEND_SCRIPT, 2, this.keys.audit(), this.keys.auditSeq(), body.slice(1)));
    return { id, at, ...e };
  }

  async list(target?: string): Promise<AuditEntry[]> {
    const all = (await this.redis.lrange(this.keys.audit(), 0, -1)).map((raw) => JSON.parse(raw) as AuditEntry);
    return target === undefined ? all : all.filter((e) => e.target === target);
  }
}

/** Root admins (ADMIN_IDS) plus the role table in Redis (same behaviour as `Roles`). */
export class RedisRoles implements RoleStore {
  private readonly root: Set<string>;

  /** @param adminIds principals from `parseAdminIds` */
  constructor(
    private readonly redis: Redis,
    private readonly keys: BroadcastKeys,
    adminIds: readonly string[],
    private readonly audit: AuditStore,
    private readonly now: () => number = Date.now,
  ) {
    this.root = new Set(adminIds);
  }

  async roleOf(principal: string): Promise<Role | undefined> {
    if (this.root.has(principal)) return "admin";
    const raw = await this.redis.hget(this.keys.roles(), principal);
    return raw ? (JSON.parse(raw) as { role: Role }).role : undefined;
  }

  async can(principal: string, permission: Permission): Promise<boolean> {
    const role = await this.roleOf(principal);
    return role !== undefined && ALLOWS[role].includes(permission);
  }

  async require(principal: string, permission: Permission): Promise<void> {
    if (!(await this.can(principal, permission))) throw new PermissionError(principal, permission);
  }

  async grant(by: string, principal: string, role: Role): Promise<void> {
    await this.require(by, "manage-roles");
    await this.redis.hset(this.keys.roles(), principal, JSON.stringify({ role, grantedBy: by, grantedAt: this.now() }));
    await this.audit.append({ actor: by, action: "role.grant", target: principal, count: 1, detail: { role } });
  }

  async revoke(by: string, principal: string): Promise<boolean> {
    await this.require(by, "manage-roles");
    if (this.root.has(principal)) throw new PermissionError(principal, "manage-roles");
    const removed = (await this.redis.hdel(this.keys.roles(), principal)) > 0;
    if (removed) await this.audit.append({ actor: by, action: "role.revoke", target: principal, count: 1 });
    return removed;
  }

  async list(): Promise<{ principal: string; role: Role; root: boolean; grantedBy?: string; grantedAt?: number }[]> {
    const table = Object.entries(await this.redis.hgetall(this.keys.roles()))
      .map(([principal, raw]) => ({ principal, ...(JSON.parse(raw) as { role: Role; grantedBy: string; grantedAt: number }) }))
      .sort((a, b) => a.grantedAt - b.grantedAt);
    return [
      ...[...this.root].map((principal) => ({ principal, role: "admin" as const, root: true })),
      ...table.filter((r) => !this.root.has(r.principal)).map((r) => ({ ...r, root: false })),
    ];
  }
}
