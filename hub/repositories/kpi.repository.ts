/** KPIs over tickets and their history: closure, on-time closure, time per stage, ratings. */
import type { Pool } from '../db/pool.ts';
import { scopeCondition, type AreaScope } from './ticket.repository.ts';

/** How KPIs are grouped. */
export type KpiGroupBy = 'tier' | 'unit' | 'town' | 'eventType' | 'none';

/** Raw KPI figures of one group. */
export interface KpiFigures {
  key: string;
  tickets: number;
  closed: number;
  closedOnTime: number;
  avgRating: number | null;
  avgStageS: Record<string, number>;
}

const KEYS: Record<KpiGroupBy, string> = {
  tier: `COALESCE((SELECT o.tier::text FROM org_unit o WHERE o.code = COALESCE(t.assignee_unit, t.owner_units[1])), '-')`,
  unit: `COALESCE(t.assignee_unit, t.owner_units[1], '-')`,
  town: `left(t.region_code, 9)`,
  eventType: `t.event_type`,
  none: `'all'`,
};

/** Computes KPIs in the database. */
export class KpiRepository {
  constructor(private readonly db: Pool) {}

  /** Figures of tickets created in [from, to) inside the scope (cancelled tickets excluded), by group. */
  async figures(scope: AreaScope, from: Date, to: Date, groupBy: KpiGroupBy): Promise<KpiFigures[]> {
    const params: unknown[] = [from, to];
    const cond = scopeCondition(scope, params);
    const base = `SELECT t.id, ${KEYS[groupBy]} AS key, t.stage, t.closed_on_time, t.rating FROM ticket t
                   WHERE t.created_at >= $1 AND t.created_at < $2 AND t.stage <> 'cancelled' AND ${cond}`;
    const totals = await this.db.query<{ key: string; tickets: number; closed: number; closedOnTime: number; avgRating: number | null }>(
      `WITH base AS (${base})
       SELECT key, count(*)::int AS tickets,
              count(*) FILTER (WHERE stage IN ('closed', 'rated'))::int AS closed,
              count(*) FILTER (WHERE stage IN ('closed', 'rated') AND closed_on_time)::int AS "closedOnTime",
              avg(rating)::float8 AS "avgRating"
         FROM base GROUP BY key ORDER BY key`,
      params,
    );
    const stages = await this.db.query<{ key: string; stage: string; avgS: number }>(
      `WITH base AS (${base}),
       changes AS (
         SELECT b.key, h.to_stage AS stage, extract(epoch FROM lead(h.at) OVER (PARTITION BY h.ticket_id ORDER BY h.version) - h.at) AS s
           FROM base b JOIN ticket_history h ON h.ticket_id = b.id
          WHERE h.from_stage IS DISTINCT FROM h.to_stage)
       SELECT key, stage, avg(s)::float8 AS "avgS" FROM changes WHERE s IS NOT NULL GROUP BY key, stage`,
      params,
    );
    return totals.rows.map((r) => ({
      ...r,
      avgStageS: Object.fromEntries(stages.rows.filter((s) => s.key === r.key).map((s) => [s.stage, Math.round(s.avgS)])),
    }));
  }
}
