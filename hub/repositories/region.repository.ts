/** The region tree (province → city → district → town → village → grid). */
import type { Pool } from '../db/pool.ts';

/** A region row. */
export interface RegionRow {
  code: string;
  parentCode: string | null;
  level: 'province' | 'city' | 'district' | 'town' | 'village' | 'grid';
  name: string;
  centerLat: number | null;
  centerLon: number | null;
}

/** Reads and writes `region`. */
export class RegionRepository {
  constructor(private readonly db: Pool) {}

  /** Inserts or updates regions, parents before children (the caller orders them). */
  async upsertMany(rows: RegionRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `INSERT INTO region (code, parent_code, level, name, center_lat, center_lon)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::float8[], $6::float8[])
       ON CONFLICT (code) DO UPDATE SET parent_code = EXCLUDED.parent_code, level = EXCLUDED.level,
         name = EXCLUDED.name, center_lat = EXCLUDED.center_lat, center_lon = EXCLUDED.center_lon`,
      [
        rows.map((r) => r.code),
        rows.map((r) => r.parentCode),
        rows.map((r) => r.level),
        rows.map((r) => r.name),
        rows.map((r) => r.centerLat),
        rows.map((r) => r.centerLon),
      ],
    );
  }

  /** Number of regions of each level. */
  async countByLevel(): Promise<Record<string, number>> {
    const r = await this.db.query<{ level: string; n: string }>('SELECT level, count(*) AS n FROM region GROUP BY level');
    return Object.fromEntries(r.rows.map((x) => [x.level, Number(x.n)]));
  }
}
