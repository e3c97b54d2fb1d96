/** Minute and hour rollups of sensor readings, and the time-series queries that read them. */
import type { Pool } from '../db/pool.ts';

/** Bucket widths the time-series API offers. */
export const SERIES_BUCKETS = ['raw', '1m', '1h', '1d'] as const;
/** A bucket width. */
export type SeriesBucket = (typeof SERIES_BUCKETS)[number];

/** One point of a series. */
export interface SeriesPoint {
  t: string;
  n: number;
  depthAvgMm: number | null;
  depthMinMm: number | null;
  depthMaxMm: number | null;
  rainAvgMmPerH: number | null;
  rainMaxMmPerH: number | null;
}

/** Reads and maintains `sensor_rollup_1m` / `sensor_rollup_1h`. */
export class RollupRepository {
  private timescale: boolean | undefined;

  constructor(private readonly db: Pool) {}

  /** Whether the rollups are TimescaleDB continuous aggregates (kept by the database itself). */
  async isTimescale(): Promise<boolean> {
    this.timescale ??= ((await this.db.query("SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'")).rowCount ?? 0) > 0;
    return this.timescale;
  }

  /** Recomputes the minute and hour buckets that hold times in [fromMs, toMs] (plain-PostgreSQL path). */
  async refresh(fromMs: number, toMs: number): Promise<void> {
    if (await this.isTimescale()) return;
    for (const [table, width] of [['sensor_rollup_1m', '1 minute'], ['sensor_rollup_1h', '1 hour']] as const) {
      await this.db.query(
        `INSERT INTO ${table} (sensor_sn, bucket, n, depth_avg_mm, depth_min_mm, depth_max_mm, rain_avg_mm_per_h, rain_max_mm_per_h)
         SELECT sensor_sn, date_bin($3::interval, ts, 'epoch') AS b, count(*), avg(depth_mm), min(depth_mm), max(depth_mm),
                avg(rain_mm_per_h), max(rain_mm_per_h)
           FROM sensor_reading
          WHERE ts >= date_bin($3::interval, $1::timestamptz, 'epoch') AND ts < date_bin($3::interval, $2::timestamptz, 'epoch') + $3::interval
          GROUP BY sensor_sn, b
         ON CONFLICT (sensor_sn, bucket) DO UPDATE SET n = EXCLUDED.n, depth_avg_mm = EXCLUDED.depth_avg_mm,
           depth_min_mm = EXCLUDED.depth_min_mm, depth_max_mm = EXCLUDED.depth_max_mm,
           rain_avg_mm_per_h = EXCLUDED.rain_avg_mm_per_h, rain_max_mm_per_h = EXCLUDED.rain_max_mm_per_h`,
        [new Date(fromMs), new Date(toMs), width],
      );
    }
  }

  /** A sensor's series in [from, to) at the chosen bucket width, oldest first. */
  async series(sn: string, from: Date, to: Date, bucket: SeriesBucket, limit: number): Promise<SeriesPoint[]> {
    const cols = `n::int AS n, depth_avg_mm AS "depthAvgMm", depth_min_mm AS "depthMinMm", depth_max_mm AS "depthMaxMm",
      rain_avg_mm_per_h AS "rainAvgMmPerH", rain_max_mm_per_h AS "rainMaxMmPerH"`;
    let sql: string;
    if (bucket === 'raw') {
      sql = `SELECT ts AS t, 1 AS n, depth_mm AS "depthAvgMm", depth_mm AS "depthMinMm", depth_mm AS "depthMaxMm",
               rain_mm_per_h AS "rainAvgMmPerH", rain_mm_per_h AS "rainMaxMmPerH"
               FROM sensor_reading WHERE sensor_sn = $1 AND ts >= $2 AND ts < $3 ORDER BY ts LIMIT $4`;
    } else if (bucket === '1d') {
      sql = `SELECT date_bin('1 day', bucket, 'epoch') AS t, sum(n)::int AS n,
               (sum(depth_avg_mm * n) / sum(n))::real AS "depthAvgMm", min(depth_min_mm) AS "depthMinMm", max(depth_max_mm) AS "depthMaxMm",
               (sum(rain_avg_mm_per_h * n) / nullif(sum(n), 0))::real AS "rainAvgMmPerH", max(rain_max_mm_per_h) AS "rainMaxMmPerH"
               FROM sensor_rollup_1h WHERE sensor_sn = $1 AND bucket >= $2 AND bucket < $3 GROUP BY 1 ORDER BY 1 LIMIT $4`;
    } else {
      sql = `SELECT bucket AS t, ${cols} FROM ${bucket === '1m' ? 'sensor_rollup_1m' : 'sensor_rollup_1h'}
               WHERE sensor_sn = $1 AND bucket >= $2 AND bucket < $3 ORDER BY bucket LIMIT $4`;
    }
    const r = await this.db.query<SeriesPoint & { t: Date }>(sql, [sn, from, to, limit]);
    return r.rows.map((row) => ({ ...row, t: new Date(row.t).toISOString() }));
  }
}
