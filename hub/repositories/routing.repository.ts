/** Routing rules and time-limit policies: data an admin changes. */
import type { Pool } from '../db/pool.ts';
import type { RoutingRule, TimeLimitPolicy } from '../workflow/routing-match.ts';

/** A stored routing rule. */
export interface RoutingRuleRow extends RoutingRule {
  name: string;
  updatedAt: Date;
  updatedBy: string;
}

/** Fields of a rule to insert or replace. */
export type RoutingRuleInput = Omit<RoutingRuleRow, 'id' | 'updatedAt'> & { updatedAt: Date };

const RULE_COLS = `id, name, event_type AS "eventType", min_severity AS "minSeverity", max_severity AS "maxSeverity",
  region_prefix AS "regionPrefix", owners, priority, active, updated_at AS "updatedAt", updated_by AS "updatedBy"`;

/** Reads and writes `routing_rule` and `time_limit_policy`. */
export class RoutingRepository {
  constructor(private readonly db: Pool) {}

  /** Every rule, by id. */
  async listRules(): Promise<RoutingRuleRow[]> {
    return (await this.db.query<RoutingRuleRow>(`SELECT ${RULE_COLS} FROM routing_rule ORDER BY id`)).rows;
  }

  /** One rule, or null. */
  async findRule(id: number): Promise<RoutingRuleRow | null> {
    return (await this.db.query<RoutingRuleRow>(`SELECT ${RULE_COLS} FROM routing_rule WHERE id = $1`, [id])).rows[0] ?? null;
  }

  /** Inserts a rule; returns it. */
  async insertRule(r: RoutingRuleInput): Promise<RoutingRuleRow> {
    const q = await this.db.query<RoutingRuleRow>(
      `INSERT INTO routing_rule (name, event_type, min_severity, max_severity, region_prefix, owners, priority, active, updated_at, updated_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING ${RULE_COLS}`,
      [r.name, r.eventType, r.minSeverity, r.maxSeverity, r.regionPrefix, r.owners, r.priority, r.active, r.updatedAt, r.updatedBy],
    );
    return q.rows[0]!;
  }

  /** Replaces a rule; null when it does not exist. */
  async updateRule(id: number, r: RoutingRuleInput): Promise<RoutingRuleRow | null> {
    const q = await this.db.query<RoutingRuleRow>(
      `UPDATE routing_rule SET name = $2, event_type = $3, min_severity = $4, max_severity = $5, region_prefix = $6, owners = $7,
              priority = $8, active = $9, updated_at = $10, updated_by = $11
        WHERE id = $1 RETURNING ${RULE_COLS}`,
      [id, r.name, r.eventType, r.minSeverity, r.maxSeverity, r.regionPrefix, r.owners, r.priority, r.active, r.updatedAt, r.updatedBy],
    );
    return q.rows[0] ?? null;
  }

  /** Deletes a rule; returns whether it existed. */
  async deleteRule(id: number): Promise<boolean> {
    return (await this.db.query('DELETE FROM routing_rule WHERE id = $1', [id])).rowCount === 1;
  }

  /** Number of rules. */
  async countRules(): Promise<number> {
    return Number((await this.db.query<{ n: string }>('SELECT count(*) AS n FROM routing_rule')).rows[0]!.n);
  }

  /** Every time-limit policy. */
  async listTimeLimits(): Promise<TimeLimitPolicy[]> {
    const r = await this.db.query<TimeLimitPolicy>(
      `SELECT id, event_type AS "eventType", min_severity AS "minSeverity", limit_value AS "limitValue", limit_unit AS "limitUnit",
              max_extension_working_days AS "maxExtensionWorkingDays" FROM time_limit_policy ORDER BY id`,
    );
    return r.rows;
  }

  /** Inserts policies that are not there yet (same type and minimum severity). */
  async insertTimeLimitsIfAbsent(rows: Array<Omit<TimeLimitPolicy, 'id'> & { name: string }>): Promise<number> {
    let n = 0;
    for (const p of rows) {
      const r = await this.db.query(
        `INSERT INTO time_limit_policy (name, event_type, min_severity, limit_value, limit_unit, max_extension_working_days)
         SELECT $1, $2, $3, $4, $5, $6 WHERE NOT EXISTS (SELECT 1 FROM time_limit_policy WHERE event_type IS NOT DISTINCT FROM $2 AND min_severity = $3)`,
        [p.name, p.eventType, p.minSeverity, p.limitValue, p.limitUnit, p.maxExtensionWorkingDays],
      );
      n += r.rowCount ?? 0;
    }
    return n;
  }
}
