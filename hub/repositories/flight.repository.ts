/** Flights: take-off to landing, with track, distance, duration and battery used. */
import type { Pool } from '../db/pool.ts';
import type { FlightView } from '../../protocol/dock.schema.ts';

/** A flight at take-off. */
export interface NewFlight {
  dockSn: string | null;
  sysId: number;
  startedAt: string;
  lat: number;
  lon: number;
  batteryStartPct: number;
}

/** A flight at landing. */
export interface FlightEnd {
  endedAt: string;
  lat: number;
  lon: number;
  distanceM: number;
  maxAltRelM: number;
  batteryEndPct: number;
  track: number[][];
}

const COLUMNS = `id, dock_sn AS "dockSn", sys_id AS "sysId", started_at AS "startedAt", ended_at AS "endedAt",
  json_build_object('lat', takeoff_lat, 'lon', takeoff_lon) AS takeoff,
  CASE WHEN landing_lat IS NULL THEN NULL ELSE json_build_object('lat', landing_lat, 'lon', landing_lon) END AS landing,
  distance_m AS "distanceM", duration_s AS "durationS", max_alt_rel_m AS "maxAltRelM",
  battery_start_pct AS "batteryStartPct", battery_end_pct AS "batteryEndPct", battery_used_pct AS "batteryUsedPct", track`;

function view(row: FlightView & { startedAt: Date | string; endedAt: Date | string | null }): FlightView {
  return { ...row, id: Number(row.id), startedAt: new Date(row.startedAt).toISOString(), endedAt: row.endedAt ? new Date(row.endedAt).toISOString() : null };
}

/** Reads and writes `flight`. */
export class FlightRepository {
  constructor(private readonly db: Pool) {}

  /** Opens a flight; closes a stale open one of the same vehicle first (the hub restarted mid-flight). */
  async open(f: NewFlight): Promise<number> {
    await this.db.query(`UPDATE flight SET ended_at = greatest(started_at, $2::timestamptz) WHERE sys_id = $1 AND ended_at IS NULL`, [f.sysId, f.startedAt]);
    const r = await this.db.query<{ id: string }>(
      `INSERT INTO flight (dock_sn, sys_id, started_at, takeoff_lat, takeoff_lon, battery_start_pct) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id`,
      [f.dockSn, f.sysId, f.startedAt, f.lat, f.lon, f.batteryStartPct],
    );
    return Number(r.rows[0]!.id);
  }

  /** Closes a flight with its summary. */
  async close(id: number, e: FlightEnd): Promise<FlightView | null> {
    const r = await this.db.query(
      `UPDATE flight SET ended_at = $2, landing_lat = $3, landing_lon = $4, distance_m = $5, max_alt_rel_m = $6,
              battery_end_pct = $7, battery_used_pct = battery_start_pct - $7,
              duration_s = extract(epoch FROM ($2::timestamptz - started_at)), track = $8
        WHERE id = $1 RETURNING ${COLUMNS}`,
      [id, e.endedAt, e.lat, e.lon, e.distanceM, e.maxAltRelM, e.batteryEndPct, JSON.stringify(e.track)],
    );
    return r.rows[0] ? view(r.rows[0]) : null;
  }

  /** Updates the running figures of an open flight (so a live view sees progress). */
  async progress(id: number, distanceM: number, maxAltRelM: number, track: number[][]): Promise<void> {
    await this.db.query(`UPDATE flight SET distance_m = $2, max_alt_rel_m = $3, track = $4 WHERE id = $1 AND ended_at IS NULL`, [id, distanceM, maxAltRelM, JSON.stringify(track)]);
  }

  /** Flights, newest first. */
  async list(q: { dockSn?: string; limit: number }): Promise<FlightView[]> {
    const r = await this.db.query(`SELECT ${COLUMNS} FROM flight WHERE ($1::text IS NULL OR dock_sn = $1) ORDER BY started_at DESC, id DESC LIMIT $2`, [q.dockSn ?? null, q.limit]);
    return r.rows.map(view);
  }

  /** One flight, or null. */
  async get(id: number): Promise<FlightView | null> {
    const r = await this.db.query(`SELECT ${COLUMNS} FROM flight WHERE id = $1`, [id]);
    return r.rows[0] ? view(r.rows[0]) : null;
  }
}
