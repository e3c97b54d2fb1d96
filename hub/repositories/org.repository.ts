/** Organisation units of the eight tiers, people's membership, and locating a point in a grid. */
import type { Pool } from '../db/pool.ts';
import type { Role } from '../../protocol/roles.ts';
import type { OrgUnitScope } from '../../protocol/workflow.schema.ts';

/** An organisation unit row. */
export interface OrgUnitRow {
  code: string;
  parentCode: string | null;
  tier: number;
  kind: string;
  name: string;
  regionCode: string;
  scope: OrgUnitScope;
}

/** A person with their unit. */
export interface MemberRow {
  userId: number;
  username: string;
  displayName: string;
  role: Role;
  disabled: boolean;
  unit: OrgUnitRow | null;
}

const UNIT_COLS = `code, parent_code AS "parentCode", tier, kind, name, region_code AS "regionCode", scope`;

/** Reads and writes `org_unit` and `app_user.org_unit_code`. */
export class OrgRepository {
  constructor(private readonly db: Pool) {}

  /** Inserts or updates units, parents before children (the caller orders them). */
  async upsertUnits(rows: OrgUnitRow[]): Promise<void> {
    for (let i = 0; i < rows.length; i += 2000) {
      const part = rows.slice(i, i + 2000);
      await this.db.query(
        `INSERT INTO org_unit (code, parent_code, tier, kind, name, region_code, scope)
         SELECT * FROM unnest($1::text[], $2::text[], $3::int2[], $4::text[], $5::text[], $6::text[], $7::text[])
         ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code, tier = EXCLUDED.tier, kind = EXCLUDED.kind,
           name = EXCLUDED.name, region_code = EXCLUDED.region_code, scope = EXCLUDED.scope`,
        [part.map((r) => r.code), part.map((r) => r.parentCode), part.map((r) => r.tier), part.map((r) => r.kind), part.map((r) => r.name), part.map((r) => r.regionCode), part.map((r) => r.scope)],
      );
    }
  }

  /** Puts a person in a unit unless they already belong to one; returns whether it changed. */
  async assignIfUnassigned(username: string, unitCode: string): Promise<boolean> {
    const r = await this.db.query('UPDATE app_user SET org_unit_code = $2 WHERE username = $1 AND org_unit_code IS NULL', [username, unitCode]);
    return r.rowCount === 1;
  }

  /** One unit, or null. */
  async findUnit(code: string): Promise<OrgUnitRow | null> {
    const r = await this.db.query<OrgUnitRow>(`SELECT ${UNIT_COLS} FROM org_unit WHERE code = $1`, [code]);
    return r.rows[0] ?? null;
  }

  /** Units, optionally the children of one parent or one tier, ordered by tier and code. */
  async listUnits(filter: { parent?: string; tier?: number }): Promise<OrgUnitRow[]> {
    const r = await this.db.query<OrgUnitRow>(
      `SELECT ${UNIT_COLS} FROM org_unit
        WHERE ($1::text IS NULL OR parent_code = $1) AND ($2::int IS NULL OR tier = $2)
        ORDER BY tier, code LIMIT 5000`,
      [filter.parent ?? null, filter.tier ?? null],
    );
    return r.rows;
  }

  /** The unit and its ancestors, the unit first; empty when unknown. */
  async chain(code: string): Promise<string[]> {
    const r = await this.db.query<{ code: string }>(
      `WITH RECURSIVE up(code, parent_code, depth) AS (
         SELECT code, parent_code, 0 FROM org_unit WHERE code = $1
         UNION ALL SELECT u.code, u.parent_code, up.depth + 1 FROM org_unit u JOIN up ON u.code = up.parent_code)
       SELECT code FROM up ORDER BY depth`,
      [code],
    );
    return r.rows.map((x) => x.code);
  }

  /** The unit and all units below it. */
  async subtree(code: string): Promise<string[]> {
    const r = await this.db.query<{ code: string }>(
      `WITH RECURSIVE down(code) AS (
         SELECT code FROM org_unit WHERE code = $1
         UNION ALL SELECT u.code FROM org_unit u JOIN down ON u.parent_code = down.code)
       SELECT code FROM down`,
      [code],
    );
    return r.rows.map((x) => x.code);
  }

  /** A person with their unit, or null. */
  async member(userId: number): Promise<MemberRow | null> {
    const r = await this.db.query(
      `SELECT u.id AS "userId", u.username, u.display_name AS "displayName", u.role, u.disabled,
              o.code, o.parent_code AS "parentCode", o.tier, o.kind, o.name, o.region_code AS "regionCode", o.scope
         FROM app_user u LEFT JOIN org_unit o ON o.code = u.org_unit_code WHERE u.id = $1`,
      [userId],
    );
    const x = r.rows[0];
    if (!x) return null;
    return {
      userId: x.userId,
      username: x.username,
      displayName: x.displayName,
      role: x.role,
      disabled: x.disabled,
      unit: x.code ? { code: x.code, parentCode: x.parentCode, tier: x.tier, kind: x.kind, name: x.name, regionCode: x.regionCode, scope: x.scope } : null,
    };
  }

  /** People of a unit. */
  async membersOf(code: string): Promise<Array<{ userId: number; username: string; displayName: string; role: Role }>> {
    const r = await this.db.query(
      `SELECT id AS "userId", username, display_name AS "displayName", role FROM app_user WHERE org_unit_code = $1 AND NOT disabled ORDER BY id`,
      [code],
    );
    return r.rows;
  }

  /** Region level of a code, or null when unknown. */
  async regionLevel(code: string): Promise<string | null> {
    const r = await this.db.query<{ level: string }>('SELECT level FROM region WHERE code = $1', [code]);
    return r.rows[0]?.level ?? null;
  }

  /** The grid whose centre is nearest to the point, optionally within a region prefix. */
  async nearestGrid(lat: number, lon: number, withinPrefix?: string): Promise<string | null> {
    const r = await this.db.query<{ code: string }>(
      `SELECT code FROM region WHERE level = 'grid' AND ($3::text IS NULL OR code LIKE $3 || '%')
        ORDER BY (center_lat - $1) ^ 2 + ((center_lon - $2) * cos(radians($1))) ^ 2 LIMIT 1`,
      [lat, lon, withinPrefix ?? null],
    );
    return r.rows[0]?.code ?? null;
  }
}
