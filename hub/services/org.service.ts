/** Organisation units, who a signed-in person is in the workflow, and where a point lies. */
import type { Logger } from '../../common/logger.ts';
import type { Role } from '../../protocol/roles.ts';
import type { OrgRepository, OrgUnitRow } from '../repositories/org.repository.ts';
import type { AreaScope } from '../repositories/ticket.repository.ts';
import type { RegionRow } from '../repositories/region.repository.ts';
import { WorkflowErrors } from '../workflow/ticket-machine.ts';

/** A person (or the system) acting in the workflow, with their unit and area. */
export interface Actor {
  kind: 'user' | 'system';
  userId: number | null;
  username: string;
  displayName: string;
  role: Role | 'system';
  unit: OrgUnitRow | null;
  /** The actor's unit and every unit below it. */
  units: string[];
  scope: AreaScope;
}

/** The system, as actor of timers and automatic transitions. */
export const SYSTEM_ACTOR: Actor = { kind: 'system', userId: null, username: 'system', displayName: '系统', role: 'system', unit: null, units: [], scope: { all: true } };

/** Builds units and answers questions about them. */
export class OrgService {
  constructor(
    private readonly repo: OrgRepository,
    private readonly log: Logger,
  ) {}

  /**
   * Seeds the units: the fixed ones of tiers 1–5 (data/org-units.json), then one unit per town,
   * village and grid of the region tree; puts the demo people in their units. Idempotent.
   */
  async seedUnits(fixed: OrgUnitRow[], regions: RegionRow[], people: Array<{ username: string; orgUnit?: string }>): Promise<number> {
    const ops = fixed.find((u) => u.kind === 'ops_centre')?.code ?? 'district:ops';
    const territorial: OrgUnitRow[] = [];
    for (const r of regions) {
      if (r.level === 'town') territorial.push({ code: `town:${r.code}`, parentCode: ops, tier: 6, kind: 'town', name: `${r.name}指挥分中心`, regionCode: r.code, scope: 'area' });
      else if (r.level === 'village') territorial.push({ code: `village:${r.code}`, parentCode: `town:${r.parentCode}`, tier: 7, kind: 'village', name: `${r.name}工作站`, regionCode: r.code, scope: 'area' });
      else if (r.level === 'grid') territorial.push({ code: `grid:${r.code}`, parentCode: `village:${r.parentCode}`, tier: 8, kind: 'grid', name: r.name, regionCode: r.code, scope: 'area' });
    }
    const all = [...fixed, ...territorial].sort((a, b) => a.tier - b.tier);
    await this.repo.upsertUnits(all);
    let assigned = 0;
    for (const p of people) if (p.orgUnit && (await this.repo.assignIfUnassigned(p.username, p.orgUnit))) assigned += 1;
    this.log.info({ units: all.length, assigned }, 'org units seeded');
    return all.length;
  }

  /** The actor behind a token's subject; throws UNAUTHENTICATED-like 404 when the account is gone. */
  async actor(userId: number): Promise<Actor> {
    const m = await this.repo.member(userId);
    if (!m || m.disabled) throw WorkflowErrors.TICKET_FORBIDDEN('账号不存在或已停用 / account gone or disabled');
    const unit = m.unit;
    let scope: AreaScope = { all: false, regionPrefix: null, units: [] };
    let units: string[] = [];
    if (unit) {
      units = unit.scope === 'all' ? [unit.code] : await this.repo.subtree(unit.code);
      if (unit.scope === 'all') scope = { all: true };
      else scope = { all: false, regionPrefix: unit.scope === 'area' ? unit.regionCode : null, units };
    }
    return { kind: 'user', userId: m.userId, username: m.username, displayName: m.displayName, role: m.role, unit, units, scope };
  }

  /** One unit, or null. */
  unit(code: string): Promise<OrgUnitRow | null> {
    return this.repo.findUnit(code);
  }

  /** Units, optionally children of a parent or of one tier. */
  listUnits(filter: { parent?: string; tier?: number }): Promise<OrgUnitRow[]> {
    return this.repo.listUnits(filter);
  }

  /** The unit and its ancestors, unit first. */
  chain(code: string): Promise<string[]> {
    return this.repo.chain(code);
  }

  /** People of a unit. */
  members(code: string) {
    return this.repo.membersOf(code);
  }

  /** A person and their unit. */
  member(userId: number) {
    return this.repo.member(userId);
  }

  /**
   * The finest region of a place: a given grid; the nearest grid inside a given village or town;
   * otherwise the nearest grid of the district. Null when the region code is unknown.
   */
  async locate(lat: number, lon: number, regionCode?: string): Promise<string | null> {
    if (regionCode) {
      const level = await this.repo.regionLevel(regionCode);
      if (!level) return null;
      if (level === 'grid') return regionCode;
      if (level === 'village' || level === 'town') return (await this.repo.nearestGrid(lat, lon, regionCode)) ?? regionCode;
    }
    return this.repo.nearestGrid(lat, lon, '440113');
  }
}
