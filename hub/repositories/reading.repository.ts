/** The `sensor_reading` time series. */
import type { Pool } from '../db/pool.ts';
import type { SensorReading } from '../../protocol/sensor.schema.ts';

/** A reading with the serial number of its sensor. */
export interface SensorReadingRow extends SensorReading {
  sn: string;
}

/** Reads and writes `sensor_reading`. */
export class ReadingRepository {
  constructor(private readonly db: Pool) {}

  /**
   * Writes a batch in one statement; a reading already stored (same sensor, time and sequence)
   * is skipped. Returns the rows actually inserted, in input order.
   */
  async insertBatch(input: SensorReadingRow[]): Promise<SensorReadingRow[]> {
    if (input.length === 0) return [];
    const key = (sn: string, seq: number | string, tsMs: number) => `${sn}/${seq}/${tsMs}`;
    // A replay may repeat a reading inside one batch: keep its first occurrence only.
    const seen = new Set<string>();
    const rows = input.filter((x) => {
      const k = key(x.sn, x.seq, Date.parse(x.ts));
      if (seen.has(k)) return false;
      seen.add(k);
      return true;
    });
    const r = await this.db.query<{ sn: string; seq: string; ms: string }>(
      `INSERT INTO sensor_reading (sensor_sn, seq, ts, depth_mm, rain_mm_per_h, battery_pct, rssi_dbm)
       SELECT * FROM unnest($1::text[], $2::bigint[], $3::timestamptz[], $4::real[], $5::real[], $6::real[], $7::real[])
       ON CONFLICT (sensor_sn, ts, seq) DO NOTHING
       RETURNING sensor_sn AS sn, seq, floor(extract(epoch FROM ts) * 1000)::bigint AS ms`,
      [
        rows.map((x) => x.sn),
        rows.map((x) => x.seq),
        rows.map((x) => x.ts),
        rows.map((x) => x.depthMm),
        rows.map((x) => x.rainMmPerH ?? null),
        rows.map((x) => x.batteryPct ?? null),
        rows.map((x) => x.rssiDbm ?? null),
      ],
    );
    if (r.rows.length === rows.length) return rows;
    const fresh = new Set(r.rows.map((x) => key(x.sn, x.seq, Number(x.ms))));
    return rows.filter((x) => fresh.has(key(x.sn, x.seq, Date.parse(x.ts))));
  }

  /** Writes one reading in its own statement (the benchmark's baseline path). */
  async insertOne(row: SensorReadingRow): Promise<boolean> {
    const r = await this.db.query(
      `INSERT INTO sensor_reading (sensor_sn, seq, ts, depth_mm, rain_mm_per_h, battery_pct, rssi_dbm)
       VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (sensor_sn, ts, seq) DO NOTHING`,
      [row.sn, row.seq, row.ts, row.depthMm, row.rainMmPerH ?? null, row.batteryPct ?? null, row.rssiDbm ?? null],
    );
    return r.rowCount === 1;
  }

  /** Readings of one sensor in a time window, oldest first. */
  async list(sn: string, fromIso: string, toIso: string, limit: number): Promise<Array<SensorReading & { receivedAt: string }>> {
    const r = await this.db.query(
      `SELECT seq::float8 AS seq, ts, depth_mm AS "depthMm", rain_mm_per_h AS "rainMmPerH", battery_pct AS "batteryPct",
              rssi_dbm AS "rssiDbm", received_at AS "receivedAt"
         FROM sensor_reading WHERE sensor_sn = $1 AND ts >= $2 AND ts < $3 ORDER BY ts DESC LIMIT $4`,
      [sn, fromIso, toIso, limit],
    );
    return r.rows
      .reverse()
      .map((row) => Object.fromEntries(Object.entries(row).filter(([, v]) => v !== null)) as SensorReading & { receivedAt: string });
  }

  /** Number of readings stored for a sensor (tests and diagnostics). */
  async count(sn?: string): Promise<number> {
    const r = sn
      ? await this.db.query<{ n: string }>('SELECT count(*) AS n FROM sensor_reading WHERE sensor_sn = $1', [sn])
      : await this.db.query<{ n: string }>('SELECT count(*) AS n FROM sensor_reading');
    return Number(r.rows[0]?.n ?? 0);
  }
}
