/**
 * The shapes of the broadcast stores, whatever holds them: the SQLite
 * classes (subscriptions.ts, roles.ts, audit.ts — synchronous) satisfy them
 * as they are, the Redis ones (redis-stores.ts) answer with promises. Code
 * that must run on both backends `await`s every call (awaiting a plain value
 * is harmless); code that only ever sees SQLite may keep the classes.
 */
import type { AuditEntry } from "./audit.js";
import type { Channel } from "./notice.js";
import type { Permission, Role } from "./roles.js";
import type { Subscription } from "./subscriptions.js";
import type { Topics } from "./topics.js";

/** A value, or a promise of it (SQLite answers at once, Redis later). */
export type Awaitable<T> = T | Promise<T>;

/** What {@link SubscriptionStore.add} takes: the subscription without its end (`at` defaults to now, ms). */
export type NewSubscription = Omit<Subscription, "at" | "ended"> & { at?: number };

/** The subscription registry (see subscriptions.ts for the semantics of each method). */
export interface SubscriptionStore {
  /** Subscribe a group or update it (an ended subscription starts again). */
  add(s: NewSubscription): Awaitable<Subscription>;
  /** Many at once; @returns how many were written. */
  addMany(list: NewSubscription[]): Awaitable<number>;
  /** End an active subscription; @returns false when there was none. */
  end(channel: Channel, chatId: string, reason: string, by?: string): Awaitable<boolean>;
  /** Remove one with its history; @returns false when absent. */
  remove(channel: Channel, chatId: string): Awaitable<boolean>;
  get(channel: Channel, chatId: string): Awaitable<Subscription | undefined>;
  /** In subscription order (`at`, then insertion). */
  list(o?: { channel?: Channel; includeEnded?: boolean }): Awaitable<Subscription[]>;
  /** Active subscriptions matching the notice's topics, on these channels (default both). */
  audience(topics: Topics, channels?: readonly Channel[]): Awaitable<Subscription[]>;
}

/** The append-only audit log (see audit.ts). */
export interface AuditStore {
  /** Append an entry stamped now; @returns it with its sequence number. */
  append(e: Omit<AuditEntry, "id" | "at">): Awaitable<AuditEntry>;
  /** Entries in order, optionally about one target only. */
  list(target?: string): Awaitable<AuditEntry[]>;
}

/** Root admins plus the role table (see roles.ts). */
export interface RoleStore {
  roleOf(principal: string): Awaitable<Role | undefined>;
  can(principal: string, permission: Permission): Awaitable<boolean>;
  /** @throws PermissionError (or rejects with it) unless the principal has the permission */
  require(principal: string, permission: Permission): Awaitable<void>;
  /** Grant a role, audited as `role.grant`; @throws PermissionError unless `by` may manage roles */
  grant(by: string, principal: string, role: Role): Awaitable<void>;
  /** Revoke a table role, audited as `role.revoke`; @returns false when there was none */
  revoke(by: string, principal: string): Awaitable<boolean>;
  list(): Awaitable<{ principal: string; role: Role; root: boolean; grantedBy?: string; grantedAt?: number }[]>;
}
