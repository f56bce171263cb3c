/**
 * Who may broadcast. A principal is a user on one channel, written
 * `<channel>:<user id>`: `telegram:123456789` (the numeric Telegram user id),
 * `lark:ou_…` (the Lark open_id), `cli:<os user>` for the command line.
 *
 * - `ADMIN_IDS` (environment, comma/space separated) lists the root admins.
 *   Entries should carry the channel prefix; a bare number is read as a
 *   Telegram id and a bare `ou_…` as a Lark open_id (anything else is refused,
 *   so a typo never grants rights silently). Root admins cannot be revoked from chat.
 * - The role table (`broadcast_roles`) holds the roles admins grant from chat:
 *   `admin` (broadcast, and grant or revoke roles) and `broadcaster` (broadcast only).
 * Every grant and revoke is written to the audit log by the caller's {@link Roles} instance.
 */
import type { AuditLog } from "./audit.js";
import type { Database } from "./db.js";

/** Roles of the role table. */
export type Role = "admin" | "broadcaster";
/** What a role allows. */
export type Permission = "broadcast" | "manage-roles";

const ALLOWS: Record<Role, readonly Permission[]> = { admin: ["broadcast", "manage-roles"], broadcaster: ["broadcast"] };

/** An ADMIN_IDS entry that names no channel we can recognise. */
export class AdminIdError extends Error {
  override name = "AdminIdError";
}

/** Thrown when a principal lacks a permission. */
export class PermissionError extends Error {
  constructor(
    readonly principal: string,
    readonly permission: Permission,
  ) {
    super(`${principal} 无权限 / may not ${permission}`);
    this.name = "PermissionError";
  }
}

/**
 * Normalise ADMIN_IDS entries to principals.
 * @example parseAdminIds(["telegram:1", "2", "ou_ab", "lark:ou_cd"]) // ["telegram:1", "telegram:2", "lark:ou_ab", "lark:ou_cd"]
 * @throws AdminIdError for an entry that is neither prefixed nor recognisable
 */
export function parseAdminIds(entries: readonly string[]): string[] {
  return entries.map((e) => {
    if (/^(telegram:-?\d+|lark:[\w-]+|cli:\S+)$/.test(e)) return e;
    if (/^\d+$/.test(e)) return `telegram:${e}`;
    if (/^ou_[\w-]+$/.test(e)) return `lark:${e}`;
    throw new AdminIdError(`ADMIN_IDS: 无法识别 / unrecognised entry "${e}"（telegram:<id> 或 lark:<open_id>）`);
  });
}

/** Root admins from ADMIN_IDS plus the role table. */
export class Roles {
  private readonly root: Set<string>;

  /**
   * @param adminIds principals from {@link parseAdminIds}
   * @param audit where grants and revokes are recorded
   */
  constructor(
    private readonly db: Database,
    adminIds: readonly string[],
    private readonly audit: AuditLog,
    private readonly now: () => number = Date.now,
  ) {
    this.root = new Set(adminIds);
    db.exec(`CREATE TABLE IF NOT EXISTS broadcast_roles (
      principal TEXT PRIMARY KEY, role TEXT NOT NULL, granted_by TEXT NOT NULL, granted_at INTEGER NOT NULL)`);
  }

  /** The principal's role: `admin` for root admins, else the table's, else undefined. */
  roleOf(principal: string): Role | undefined {
    if (this.root.has(principal)) return "admin";
    const r = this.db.prepare("SELECT role FROM broadcast_roles WHERE principal = ?").get(principal) as { role: Role } | undefined;
    return r?.role;
  }

  /** Whether the principal has the permission. */
  can(principal: string, permission: Permission): boolean {
    const role = this.roleOf(principal);
    return role !== undefined && ALLOWS[role].includes(permission);
  }

  /** @throws PermissionError unless the principal has the permission */
  require(principal: string, permission: Permission): void {
    if (!this.can(principal, permission)) throw new PermissionError(principal, permission);
  }

  /**
   * Give a principal a role (replacing its previous one); audited as `role.grant`.
   * @throws PermissionError unless `by` may manage roles
   */
  grant(by: string, principal: string, role: Role): void {
    this.require(by, "manage-roles");
    this.db
      .prepare(
        "INSERT INTO broadcast_roles (principal, role, granted_by, granted_at) VALUES (?, ?, ?, ?) ON CONFLICT (principal) DO UPDATE SET role = excluded.role, granted_by = excluded.granted_by, granted_at = excluded.granted_at",
      )
      .run(principal, role, by, this.now());
    this.audit.append({ actor: by, action: "role.grant", target: principal, count: 1, detail: { role } });
  }

  /**
   * Take a principal's table role away; audited as `role.revoke`.
   * @returns false when the principal had no table role
   * @throws PermissionError unless `by` may manage roles, or for a root admin (edit ADMIN_IDS instead)
   */
  revoke(by: string, principal: string): boolean {
    this.require(by, "manage-roles");
    if (this.root.has(principal)) throw new PermissionError(principal, "manage-roles");
    const removed = this.db.prepare("DELETE FROM broadcast_roles WHERE principal = ?").run(principal).changes > 0;
    if (removed) this.audit.append({ actor: by, action: "role.revoke", target: principal, count: 1 });
    return removed;
  }

  /** Root admins and table roles, for /roles. */
  list(): { principal: string; role: Role; root: boolean; grantedBy?: string; grantedAt?: number }[] {
    const rows = this.db.prepare("SELECT * FROM broadcast_roles ORDER BY granted_at").all() as {
      principal: string;
      role: Role;
      granted_by: string;
      granted_at: number;
    }[];
    return [
      ...[...this.root].map((principal) => ({ principal, role: "admin" as const, root: true })),
      ...rows
        .filter((r) => !this.root.has(r.principal))
        .map((r) => ({ principal: r.principal, role: r.role, root: false, grantedBy: r.granted_by, grantedAt: r.granted_at })),
    ];
  }
}
