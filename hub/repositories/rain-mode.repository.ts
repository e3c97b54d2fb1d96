/** Rain mode per town. */
import type { Pool } from '../db/pool.ts';

/** Rain mode of one town. */
export interface RainModeRow {
  regionCode: string;
  active: boolean;
  source: 'signal' | 'manual';
  signal: string | null;
  actor: string;
  changedAt: string;
}

/** Reads and writes `rain_mode`. */
export class RainModeRepository {
  constructor(private readonly db: Pool) {}

  /** Every town's rain mode that was ever set. */
  async list(): Promise<RainModeRow[]> {
    const r = await this.db.query<RainModeRow>(
      `SELECT region_code AS "regionCode", active, source, signal, actor, changed_at AS "changedAt" FROM rain_mode ORDER BY region_code`,
    );
    return r.rows;
  }

  /** Sets a town's rain mode. */
  async set(row: Omit<RainModeRow, 'changedAt'> & { changedAt: Date }): Promise<void> {
    await this.db.query(
      `INSERT INTO rain_mode (region_code, active, source, signal, actor, changed_at) VALUES ($1, $2, $3, $4, $5, $6)
       ON CONFLICT (region_code) DO UPDATE SET active = EXCLUDED.active, source = EXCLUDED.source, signal = EXCLUDED.signal,
         actor = EXCLUDED.actor, changed_at = EXCLUDED.changed_at`,
      [row.regionCode, row.active, row.source, row.signal, row.actor, row.changedAt],
    );
  }

  /** Sensors of a town (their region is the town or below it). */
  async sensorsOf(townCode: string): Promise<string[]> {
    const r = await this.db.query<{ sn: string }>(`SELECT sn FROM device WHERE kind = 'sensor' AND region_code LIKE $1 || '%' ORDER BY sn`, [townCode]);
    return r.rows.map((x) => x.sn);
  }
}
