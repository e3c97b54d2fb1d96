/** Docks: their `device` rows (kind 'dock'), latest state (`dock_status`) and `dock_telemetry`. */
import type { Pool } from '../db/pool.ts';
import type { DockOsd, DockStateName, DockWeather, HealthAlarm } from '../../protocol/dock.schema.ts';

/** A dock row with its region and latest status. */
export interface DockRow {
  sn: string;
  name: string;
  lat: number;
  lon: number;
  regionCode: string;
  regionName: string;
  online: boolean;
  meta: { droneSysId?: number; coverageRadiusM?: number };
  state: DockStateName | null;
  droneSysId: number | null;
  weather: DockWeather | null;
  alarms: HealthAlarm[];
}

/** Reads and writes docks. */
export class DockRepository {
  constructor(private readonly db: Pool) {}

  /** Every enabled dock with its latest status. */
  async list(): Promise<DockRow[]> {
    return this.select('');
  }

  /** One dock, or null. */
  async find(sn: string): Promise<DockRow | null> {
    return (await this.select('AND d.sn = $1', [sn]))[0] ?? null;
  }

  private async select(where: string, params: unknown[] = []): Promise<DockRow[]> {
    const r = await this.db.query<DockRow>(
      `SELECT d.sn, d.name, d.lat, d.lon, d.region_code AS "regionCode", rg.name AS "regionName", d.online, d.meta,
              s.state, COALESCE(s.drone_sys_id, (d.meta->>'droneSysId')::int) AS "droneSysId", s.weather, COALESCE(s.alarms, '[]') AS alarms
         FROM device d
         JOIN region rg ON rg.code = d.region_code
         LEFT JOIN dock_status s ON s.dock_sn = d.sn
        WHERE d.kind = 'dock' AND NOT d.disabled ${where}
        ORDER BY d.sn`,
      params,
    );
    return r.rows;
  }

  /** Records a state change. */
  async setState(sn: string, state: DockStateName, reason: string | undefined, droneSysId: number, at: Date): Promise<void> {
    await this.db.query(
      `INSERT INTO dock_status (dock_sn, state, reason, drone_sys_id, updated_at) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (dock_sn) DO UPDATE SET state = $2, reason = $3, drone_sys_id = $4, updated_at = $5`,
      [sn, state, reason ?? null, droneSysId, at],
    );
  }

  /** Records the active health alarms (the full list). */
  async setAlarms(sn: string, alarms: HealthAlarm[]): Promise<void> {
    await this.db.query(
      `INSERT INTO dock_status (dock_sn, state, alarms) VALUES ($1, 'idle', $2)
       ON CONFLICT (dock_sn) DO UPDATE SET alarms = $2, updated_at = now()`,
      [sn, JSON.stringify(alarms)],
    );
  }

  /** Stores an osd sample and refreshes the latest weather and state. */
  async insertOsd(sn: string, osd: DockOsd): Promise<void> {
    await this.db.query(
      `WITH s AS (
         INSERT INTO dock_status (dock_sn, state, drone_sys_id, weather, lid_open, updated_at) VALUES ($1, $3, $10, $11, $8, $2)
         ON CONFLICT (dock_sn) DO UPDATE SET state = $3, drone_sys_id = $10, weather = $11, lid_open = $8, updated_at = $2
       )
       INSERT INTO dock_telemetry (ts, dock_sn, state, wind_mps, wind_from_deg, rain_mm_per_h, temperature_c, lid_open, drone_battery_pct, autopilot_linked)
       VALUES ($2, $1, $3, $4, $5, $6, $7, $8, $9, $12)`,
      [sn, osd.ts, osd.state, osd.weather.windMps, osd.weather.windFromDeg, osd.weather.rainMmPerH, osd.weather.temperatureC, osd.lidOpen, osd.droneBatteryPct ?? null, osd.droneSysId, JSON.stringify(osd.weather), osd.autopilotLinked],
    );
  }
}

/** A dock to register: a `device` row of kind 'dock' with its drone and coverage in `meta`. */
export interface NewDock {
  sn: string;
  name: string;
  lat: number;
  lon: number;
  regionCode: string;
  secretHash: string;
  droneSysId: number;
  coverageRadiusM: number;
}

/** Registers docks (seeding). */
export class DockRegistrationRepository {
  constructor(private readonly db: Pool) {}

  /** Registers a dock; false when the serial number exists (its meta is refreshed then). */
  async insert(d: NewDock): Promise<boolean> {
    const meta = JSON.stringify({ droneSysId: d.droneSysId, coverageRadiusM: d.coverageRadiusM });
    const r = await this.db.query(
      `INSERT INTO device (sn, kind, name, secret_hash, lat, lon, region_code, meta) VALUES ($1, 'dock', $2, $3, $4, $5, $6, $7)
       ON CONFLICT (sn) DO NOTHING`,
      [d.sn, d.name, d.secretHash, d.lat, d.lon, d.regionCode, meta],
    );
    if (r.rowCount === 1) return true;
    await this.db.query(`UPDATE device SET meta = meta || $2::jsonb WHERE sn = $1 AND kind = 'dock'`, [d.sn, meta]);
    return false;
  }
}
