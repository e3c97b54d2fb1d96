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

/** How far behind now a rollup may be: newer buckets are aggregated from the readings at query time. */
const ROLLUP_LAG = { '1m': '15 minutes', '1h': '3 hours' } as const;

/**
 * One sensor's ($1) rollup rows in [$2, $3) as `t, n, depthAvgMm …`: stored buckets before the cut
 * (`lag` before now, on a bucket boundary), buckets aggregated from `sensor_reading` from the cut on.
 */
function currentRollup(table: string, width: string, lag: string): string {
  const cut = `date_bin('${width}', now() - interval '${lag}', 'epoch')`;
  return `SELECT bucket AS t, n::int AS n, depth_avg_mm AS "depthAvgMm", depth_min_mm AS "depthMinMm", depth_max_mm AS "depthMaxMm",
            rain_avg_mm_per_h AS "rainAvgMmPerH", rain_max_mm_per_h AS "rainMaxMmPerH"
            FROM ${table} WHERE sensor_sn = $1 AND bucket >= $2 AND bucket < least($3::timestamptz, ${cut})
          UNION ALL
          SELECT date_bin('${width}', ts, 'epoch') AS t, count(*)::int AS n, avg(depth_mm)::real, min(depth_mm)::real, max(depth_mm)::real,
            avg(rain_mm_per_h)::real, max(rain_mm_per_h)::real
            FROM sensor_reading WHERE sensor_sn = $1 AND ts >= greatest($2::timestamptz, ${cut}) AND ts < $3
            GROUP BY 1`;
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

  /**
   * A sensor's series in [from, to) at the chosen bucket width, oldest first. Buckets older than the
   * rollups' lag come from the rollups; the most recent ones are aggregated from the readings
   * themselves, so a reading committed a moment ago is in the answer already (the maintainer here and
   * TimescaleDB's refresh policy both run behind by seconds to minutes).
   */
  async series(sn: string, from: Date, to: Date, bucket: SeriesBucket, limit: number): Promise<SeriesPoint[]> {
    let sql: string;
    if (bucket === 'raw') {
      sql = `SELECT ts AS t, 1 AS n, depth_mm AS "depthAvgMm", depth_mm AS "depthMinMm", depth_mm AS "depthMaxMm",
               rain_mm_per_h AS "rainAvgMmPerH", rain_mm_per_h AS "rainMaxMmPerH"
               FROM sensor_reading WHERE sensor_sn = $1 AND ts >= $2 AND ts < $3 ORDER BY ts LIMIT $4`;
    } else if (bucket === '1d') {
      sql = `SELECT date_bin('1 day', t, 'epoch') AS t, sum(n)::int AS n,
               (sum("depthAvgMm" * n) / sum(n))::real AS "depthAvgMm", min("depthMinMm") AS "depthMinMm", max("depthMaxMm") AS "depthMaxMm",
               (sum("rainAvgMmPerH" * n) / nullif(sum(n), 0))::real AS "rainAvgMmPerH", max("rainMaxMmPerH") AS "rainMaxMmPerH"
               FROM (${currentRollup('sensor_rollup_1h', '1 hour', ROLLUP_LAG['1h'])}) h GROUP BY 1 ORDER BY 1 LIMIT $4`;
    } else {
      const [table, width] = bucket === '1m' ? (['sensor_rollup_1m', '1 minute'] as const) : (['sensor_rollup_1h', '1 hour'] as const);
      sql = `${currentRollup(table, width, ROLLUP_LAG[bucket])} ORDER BY t LIMIT $4`;
    }
    const r = await this.db.query<SeriesPoint & { t: Date }>(sql, [sn, from, to, limit]);
    return r.rows.map((row) => ({ ...row, t: new Date(row.t).toISOString() }));
  }
}
