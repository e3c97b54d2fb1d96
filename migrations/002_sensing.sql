-- 002 sensing: minute and hour rollups of sensor readings, alarms with their history, rain mode.
-- Rollups: continuous aggregates with TimescaleDB; otherwise plain tables that the hub keeps
-- current by recomputing the buckets that new readings touched (idempotent, exact).

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb') THEN
    EXECUTE $v$
      CREATE MATERIALIZED VIEW sensor_rollup_1m WITH (timescaledb.continuous) AS
        SELECT sensor_sn, time_bucket('1 minute', ts) AS bucket, count(*)::int AS n,
               avg(depth_mm)::real AS depth_avg_mm, min(depth_mm) AS depth_min_mm, max(depth_mm) AS depth_max_mm,
               avg(rain_mm_per_h)::real AS rain_avg_mm_per_h, max(rain_mm_per_h) AS rain_max_mm_per_h
          FROM sensor_reading GROUP BY sensor_sn, time_bucket('1 minute', ts) WITH NO DATA $v$;
    EXECUTE $v$
      CREATE MATERIALIZED VIEW sensor_rollup_1h WITH (timescaledb.continuous) AS
        SELECT sensor_sn, time_bucket('1 hour', ts) AS bucket, count(*)::int AS n,
               avg(depth_mm)::real AS depth_avg_mm, min(depth_mm) AS depth_min_mm, max(depth_mm) AS depth_max_mm,
               avg(rain_mm_per_h)::real AS rain_avg_mm_per_h, max(rain_mm_per_h) AS rain_max_mm_per_h
          FROM sensor_reading GROUP BY sensor_sn, time_bucket('1 hour', ts) WITH NO DATA $v$;
    PERFORM add_continuous_aggregate_policy('sensor_rollup_1m', start_offset => interval '2 hours', end_offset => interval '1 minute', schedule_interval => interval '1 minute');
    PERFORM add_continuous_aggregate_policy('sensor_rollup_1h', start_offset => interval '3 days', end_offset => interval '1 hour', schedule_interval => interval '15 minutes');
    ALTER TABLE sensor_reading SET (timescaledb.compress, timescaledb.compress_segmentby = 'sensor_sn');
    PERFORM add_compression_policy('sensor_reading', interval '7 days');
    PERFORM add_retention_policy('sensor_reading', interval '400 days');
  ELSE
    CREATE TABLE sensor_rollup_1m (
      sensor_sn text NOT NULL, bucket timestamptz NOT NULL, n int NOT NULL,
      depth_avg_mm real, depth_min_mm real, depth_max_mm real, rain_avg_mm_per_h real, rain_max_mm_per_h real,
      PRIMARY KEY (sensor_sn, bucket));
    CREATE TABLE sensor_rollup_1h (LIKE sensor_rollup_1m INCLUDING ALL);
  END IF;
END $$;

-- Alarms raised by the sensor rules: one active alarm per (source, kind); acknowledged by a person,
-- cleared automatically when the condition ends.
CREATE TABLE alarm (
  id            bigserial PRIMARY KEY,
  source_sn     text NOT NULL,
  kind          text NOT NULL CHECK (kind IN ('depth', 'offline', 'flatline', 'rainstorm')),
  level         int NOT NULL CHECK (level BETWEEN 1 AND 4),
  state         text NOT NULL CHECK (state IN ('active', 'acknowledged', 'cleared')),
  title         text NOT NULL,
  region_code   text NOT NULL REFERENCES region(code),
  lat           double precision,
  lon           double precision,
  raised_at     timestamptz NOT NULL,
  updated_at    timestamptz NOT NULL,
  acked_at      timestamptz,
  acked_by      text,
  cleared_at    timestamptz,
  assignee      text,
  details       jsonb NOT NULL DEFAULT '{}',
  event_id      bigint
);
CREATE UNIQUE INDEX alarm_one_open_idx ON alarm (source_sn, kind) WHERE state <> 'cleared';
CREATE INDEX alarm_state_idx ON alarm (state, raised_at DESC);

CREATE TABLE alarm_history (
  id         bigserial PRIMARY KEY,
  alarm_id   bigint NOT NULL REFERENCES alarm(id),
  at         timestamptz NOT NULL,
  actor      text NOT NULL,
  action     text NOT NULL CHECK (action IN ('raise', 'escalate', 'lower', 'acknowledge', 'assign', 'clear')),
  level      int,
  note       text
);
CREATE INDEX alarm_history_alarm_idx ON alarm_history (alarm_id, id);

-- Rain mode per town: raised sampling rate while a rainstorm signal is in force or a duty officer says so.
CREATE TABLE rain_mode (
  region_code  text PRIMARY KEY REFERENCES region(code),
  active       boolean NOT NULL,
  source       text NOT NULL CHECK (source IN ('signal', 'manual')),
  signal       text,
  actor        text NOT NULL,
  changed_at   timestamptz NOT NULL,
  until        timestamptz
);
