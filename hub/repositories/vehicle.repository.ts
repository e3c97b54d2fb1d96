/** The `vehicle_telemetry` time series: positions and state of the docks' drones. */
import type { Pool } from '../db/pool.ts';
import type { VehicleTelemetry } from '../../protocol/vehicle.schema.ts';

/** A telemetry row: the normalised telemetry and the dock the drone belongs to. */
export interface VehicleTelemetryRow {
  dockSn: string | null;
  t: VehicleTelemetry;
}

/** One stored position. */
export interface TrackPoint {
  ts: string;
  lat: number;
  lon: number;
  altRelM: number;
  altAmslM: number;
  groundSpeedMps: number | null;
  batteryPct: number | null;
  mode: string;
  armed: boolean;
}

/** Reads and writes `vehicle_telemetry`. */
export class VehicleRepository {
  constructor(private readonly db: Pool) {}

  /** Writes a batch in one statement. */
  async insertBatch(rows: VehicleTelemetryRow[]): Promise<void> {
    if (rows.length === 0) return;
    await this.db.query(
      `INSERT INTO vehicle_telemetry (ts, dock_sn, sys_id, lat, lon, alt_amsl_m, alt_rel_m, heading_deg, ground_speed_mps, climb_mps, battery_pct, voltage_v, mode, armed, link_quality_pct)
       SELECT * FROM unnest($1::timestamptz[], $2::text[], $3::smallint[], $4::float8[], $5::float8[], $6::real[], $7::real[], $8::real[], $9::real[], $10::real[], $11::real[], $12::real[], $13::text[], $14::boolean[], $15::real[])`,
      [
        rows.map((r) => r.t.ts),
        rows.map((r) => r.dockSn),
        rows.map((r) => r.t.sysId),
        rows.map((r) => r.t.lat),
        rows.map((r) => r.t.lon),
        rows.map((r) => r.t.altAmslM),
        rows.map((r) => r.t.altRelM),
        rows.map((r) => r.t.headingDeg),
        rows.map((r) => r.t.groundSpeedMps),
        rows.map((r) => r.t.climbMps),
        rows.map((r) => (r.t.batteryPct >= 0 ? r.t.batteryPct : null)),
        rows.map((r) => r.t.voltageV),
        rows.map((r) => r.t.mode),
        rows.map((r) => r.t.armed),
        rows.map((r) => r.t.linkQualityPct),
      ],
    );
  }

  /** Positions of a dock's drone in a time window, oldest first. */
  async track(dockSn: string, fromIso: string, toIso: string, limit: number): Promise<TrackPoint[]> {
    const r = await this.db.query<TrackPoint>(
      `SELECT ts, lat, lon, alt_rel_m AS "altRelM", alt_amsl_m AS "altAmslM", ground_speed_mps AS "groundSpeedMps",
              battery_pct AS "batteryPct", mode, armed
         FROM vehicle_telemetry WHERE dock_sn = $1 AND ts >= $2 AND ts <= $3 ORDER BY ts LIMIT $4`,
      [dockSn, fromIso, toIso, limit],
    );
    return r.rows.map((p) => ({ ...p, ts: new Date(p.ts).toISOString() }));
  }
}
