/** KPIs of the workflow: 结案率 closure rate, 按期结案率 on-time closure rate, time per stage. */
import { defineErrors } from '../../common/errors.ts';
import type { KpiQuery, KpiRow } from '../../protocol/workflow.schema.ts';
import type { KpiRepository } from '../repositories/kpi.repository.ts';
import type { Actor } from './org.service.ts';

/** Errors of KPI queries. */
export const KpiErrors = defineErrors({
  KPI_PERIOD_INVALID: { status: 400, message: '统计区间无效（起点须早于终点，且不超过两年）/ invalid period' },
});

const MAX_PERIOD_MS = 2 * 366 * 86_400_000;

/** Computes KPIs within the actor's area. */
export class KpiService {
  constructor(private readonly repo: KpiRepository) {}

  /** KPIs of tickets created in the period, grouped as asked. */
  async kpis(actor: Actor, q: KpiQuery): Promise<KpiRow[]> {
    const from = new Date(q.from);
    const to = new Date(q.to);
    if (!(from < to) || to.getTime() - from.getTime() > MAX_PERIOD_MS) throw KpiErrors.KPI_PERIOD_INVALID();
    const rows = await this.repo.figures(actor.scope, from, to, q.groupBy ?? 'none');
    return rows.map((r) => ({
      ...r,
      closureRate: r.tickets ? r.closed / r.tickets : 0,
      onTimeClosureRate: r.closed ? r.closedOnTime / r.closed : 0,
    }));
  }
}
