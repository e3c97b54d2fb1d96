/** Routing rules and time limits: matching events to owner units, and the admin's changes (audited). */
import type { Clock } from '../../common/clock.ts';
import { defineErrors } from '../../common/errors.ts';
import type { RoutingRuleBody } from '../../protocol/workflow.schema.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { OrgRepository } from '../repositories/org.repository.ts';
import type { RoutingRepository, RoutingRuleRow } from '../repositories/routing.repository.ts';
import { matchRoutingRule, matchTimeLimit, placeOf, resolveOwners, type RoutingRule, type TimeLimitPolicy } from '../workflow/routing-match.ts';

/** Errors of routing rules. */
export const RoutingErrors = defineErrors({
  ROUTING_RULE_NOT_FOUND: { status: 404, message: '分拨规则不存在 / routing rule not found' },
  ROUTING_UNIT_UNKNOWN: { status: 400, message: '责任单位不存在 / unknown owner unit' },
  ROUTING_SEVERITY_RANGE: { status: 400, message: '严重程度范围无效 / minSeverity must not exceed maxSeverity' },
});

/** Who changes a rule. */
export interface RuleEditor {
  username: string;
  ip?: string;
}

/** Matches events to owners and keeps the rules. */
export class RoutingService {
  constructor(
    private readonly repo: RoutingRepository,
    private readonly org: OrgRepository,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
  ) {}

  /** Seeds default rules and time limits when there are none. */
  async seedDefaults(data: { rules: RoutingRuleBody[]; timeLimits: Array<Omit<TimeLimitPolicy, 'id'> & { name: string }> }): Promise<void> {
    if ((await this.repo.countRules()) === 0) {
      for (const r of data.rules) await this.repo.insertRule(this.toInput(r, 'seed'));
    }
    await this.repo.insertTimeLimitsIfAbsent(data.timeLimits);
  }

  private toInput(b: RoutingRuleBody, by: string) {
    return {
      name: b.name,
      eventType: b.eventType,
      minSeverity: b.minSeverity ?? 1,
      maxSeverity: b.maxSeverity ?? 4,
      regionPrefix: b.regionPrefix ?? null,
      owners: b.owners,
      priority: b.priority ?? 0,
      active: b.active ?? true,
      updatedAt: new Date(this.clock.nowMs()),
      updatedBy: by,
    };
  }

  private async check(b: RoutingRuleBody): Promise<void> {
    if ((b.minSeverity ?? 1) > (b.maxSeverity ?? 4)) throw RoutingErrors.ROUTING_SEVERITY_RANGE();
    for (const o of b.owners) {
      if (!o.startsWith('@') && !(await this.org.findUnit(o))) throw RoutingErrors.ROUTING_UNIT_UNKNOWN(`责任单位不存在 / unknown owner unit: ${o}`);
    }
  }

  /** Every rule. */
  listRules(): Promise<RoutingRuleRow[]> {
    return this.repo.listRules();
  }

  /** Adds a rule (admin). */
  async createRule(b: RoutingRuleBody, by: RuleEditor): Promise<RoutingRuleRow> {
    await this.check(b);
    const row = await this.repo.insertRule(this.toInput(b, by.username));
    await this.audit.append({ actorKind: 'user', actor: by.username, action: 'routing-rule.create', target: String(row.id), details: { ...b }, ip: by.ip });
    return row;
  }

  /** Replaces a rule (admin). */
  async updateRule(id: number, b: RoutingRuleBody, by: RuleEditor): Promise<RoutingRuleRow> {
    await this.check(b);
    const row = await this.repo.updateRule(id, this.toInput(b, by.username));
    if (!row) throw RoutingErrors.ROUTING_RULE_NOT_FOUND();
    await this.audit.append({ actorKind: 'user', actor: by.username, action: 'routing-rule.update', target: String(id), details: { ...b }, ip: by.ip });
    return row;
  }

  /** Deletes a rule (admin). */
  async deleteRule(id: number, by: RuleEditor): Promise<void> {
    if (!(await this.repo.deleteRule(id))) throw RoutingErrors.ROUTING_RULE_NOT_FOUND();
    await this.audit.append({ actorKind: 'user', actor: by.username, action: 'routing-rule.delete', target: String(id), ip: by.ip });
  }

  /** Owner units of an event of that type and severity at that region (lead first) and the rule used. */
  async route(eventType: string, severity: number, regionCode: string): Promise<{ ruleId: number | null; owners: string[] }> {
    const rules: RoutingRule[] = await this.repo.listRules();
    const rule = matchRoutingRule(rules, eventType, severity, regionCode);
    if (!rule) return { ruleId: null, owners: [] };
    return { ruleId: rule.id, owners: resolveOwners(rule.owners, placeOf(regionCode)) };
  }

  /** The time-limit policy of an event type and severity, or null. */
  async timeLimit(eventType: string, severity: number): Promise<TimeLimitPolicy | null> {
    return matchTimeLimit(await this.repo.listTimeLimits(), eventType, severity);
  }
}
