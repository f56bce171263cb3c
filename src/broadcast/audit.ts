/**
 * The append-only audit log of admin actions (who, what, when, to how many):
 * broadcasts started, resumed, cancelled and finished, roles granted and
 * revoked, subscriptions ended by an admin. SQLite triggers refuse UPDATE
 * and DELETE on the table, so even a bug here cannot rewrite history.
 */
import type { Database } from "./db.js";

/** One entry. */
export interface AuditEntry {
  /** Sequence number (ascending). */
  id: number;
  /** Milliseconds since the epoch. */
  at: number;
  /** Principal (`telegram:123`, `lark:ou_…`, `cli:<os user>`, `system`). */
  actor: string;
  /** What: `broadcast.start`, `broadcast.resume`, `broadcast.finish`, `role.grant`, `role.revoke`, `subscription.end` … */
  action: string;
  /** On what: a notice id, a principal, a chat key. */
  target: string;
  /** To how many (groups reached, rows changed). */
  count: number;
  /** Anything else worth keeping (JSON). */
  detail?: Record<string, unknown>;
}

/** The audit log (table `broadcast_audit`). */
export class AuditLog {
  constructor(
    private readonly db: Database,
    private readonly now: () => number = Date.now,
  ) {
    db.exec(`CREATE TABLE IF NOT EXISTS broadcast_audit (
      id INTEGER PRIMARY KEY AUTOINCREMENT, at INTEGER NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
      target TEXT NOT NULL, count INTEGER NOT NULL, detail TEXT)`);
    db.exec(`CREATE TRIGGER IF NOT EXISTS broadcast_audit_no_update BEFORE UPDATE ON broadcast_audit
      BEGIN SELECT RAISE(ABORT, 'broadcast_audit is append-only'); END`);
    db.exec(`CREATE TRIGGER IF NOT EXISTS broadcast_audit_no_delete BEFORE DELETE ON broadcast_audit
      BEGIN SELECT RAISE(ABORT, 'broadcast_audit is append-only'); END`);
  }

  /** Append an entry (`at` is now). @returns the entry written */
  append(e: Omit<AuditEntry, "id" | "at">): AuditEntry {
    const at = this.now();
    const r = this.db
      .prepare("INSERT INTO broadcast_audit (at, actor, action, target, count, detail) VALUES (?, ?, ?, ?, ?, ?)")
      .run(at, e.actor, e.action, e.target, e.count, e.detail ? JSON.stringify(e.detail) : null);
    return { id: Number(r.lastInsertRowid), at, ...e };
  }

  /** Entries in order, optionally only those about one target. */
  list(target?: string): AuditEntry[] {
    const rows = (
      target
        ? this.db.prepare("SELECT * FROM broadcast_audit WHERE target = ? ORDER BY id").all(target)
        : this.db.prepare("SELECT * FROM broadcast_audit ORDER BY id").all()
    ) as { id: number; at: number; actor: string; action: string; target: string; count: number; detail: string | null }[];
    return rows.map((r) => ({ ...r, detail: r.detail ? (JSON.parse(r.detail) as Record<string, unknown>) : undefined }));
  }
}
