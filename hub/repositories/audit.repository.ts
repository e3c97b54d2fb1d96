/** The append-only audit log: every change, who made it and its outcome. */
import type { Pool } from '../db/pool.ts';

/** One audited action. */
export interface AuditEntry {
  actorKind: 'user' | 'device' | 'system';
  actor: string;
  action: string;
  target?: string;
  outcome?: string;
  details?: Record<string, unknown>;
  ip?: string;
}

/** Appends to `audit_log`. */
export class AuditRepository {
  constructor(private readonly db: Pool) {}

  /** Appends one entry. */
  async append(e: AuditEntry): Promise<void> {
    await this.db.query(
      `INSERT INTO audit_log (actor_kind, actor, action, target, outcome, details, ip) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
      [e.actorKind, e.actor, e.action, e.target ?? null, e.outcome ?? 'ok', JSON.stringify(e.details ?? {}), e.ip ?? null],
    );
  }

  /** The latest entries, newest first. */
  async latest(limit = 100): Promise<Array<AuditEntry & { at: Date }>> {
    const r = await this.db.query(
      `SELECT at, actor_kind AS "actorKind", actor, action, target, outcome, details, ip
         FROM audit_log ORDER BY id DESC LIMIT $1`,
      [limit],
    );
    return r.rows;
  }
}
