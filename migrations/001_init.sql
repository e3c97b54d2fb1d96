-- 001 init: regions, people, devices, audit, and the sensor_reading time series.
-- TimescaleDB-aware: with the extension, sensor_reading is a hypertable; without it, a table
-- range-partitioned by month with a default partition, BRIN on time (ARCHITECTURE.md, Database).

CREATE TABLE region (
  code        text PRIMARY KEY,
  parent_code text REFERENCES region(code),
  level       text NOT NULL CHECK (level IN ('province', 'city', 'district', 'town', 'village', 'grid')),
  name        text NOT NULL,
  center_lat  double precision,
  center_lon  double precision,
  geom        jsonb,
  bbox        double precision[]
);
CREATE INDEX region_parent_idx ON region (parent_code);

CREATE TABLE app_user (
  id            serial PRIMARY KEY,
  username      text NOT NULL UNIQUE,
  display_name  text NOT NULL,
  password_hash text NOT NULL,
  role          text NOT NULL CHECK (role IN ('admin', 'duty_officer', 'operator', 'department', 'town_staff', 'village_staff', 'grid_worker', 'leader')),
  region_code   text NOT NULL REFERENCES region(code),
  disabled      boolean NOT NULL DEFAULT false,
  created_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE device (
  sn           text PRIMARY KEY CHECK (sn ~ '^[A-Za-z0-9_-]{1,64}$'),
  kind         text NOT NULL CHECK (kind IN ('sensor', 'dock')),
  name         text NOT NULL,
  secret_hash  text NOT NULL,
  lat          double precision NOT NULL,
  lon          double precision NOT NULL,
  region_code  text NOT NULL REFERENCES region(code),
  online       boolean NOT NULL DEFAULT false,
  status_at    timestamptz,
  disabled     boolean NOT NULL DEFAULT false,
  meta         jsonb NOT NULL DEFAULT '{}',
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX device_kind_idx ON device (kind);

-- Append-only record of every change: who did what to what.
CREATE TABLE audit_log (
  id          bigserial PRIMARY KEY,
  at          timestamptz NOT NULL DEFAULT now(),
  actor_kind  text NOT NULL CHECK (actor_kind IN ('user', 'device', 'system')),
  actor       text NOT NULL,
  action      text NOT NULL,
  target      text,
  outcome     text NOT NULL DEFAULT 'ok',
  details     jsonb NOT NULL DEFAULT '{}',
  ip          text
);
CREATE INDEX audit_log_at_idx ON audit_log (at);
CREATE OR REPLACE FUNCTION yzg_audit_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_log is append-only';
END $$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
  FOR EACH ROW EXECUTE FUNCTION yzg_audit_append_only();

-- Creates the monthly partitions of a range-partitioned time-series table around now
-- (plain-PostgreSQL path; a no-op for hypertables). Called by migrations and by the hub daily.
CREATE OR REPLACE FUNCTION yzg_ensure_month_partitions(tbl text, months_back int, months_ahead int)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
  m date;
  part text;
BEGIN
  IF NOT EXISTS (SELECT 1 FROM pg_partitioned_table pt JOIN pg_class c ON c.oid = pt.partrelid WHERE c.relname = tbl) THEN
    RETURN;
  END IF;
  FOR i IN -months_back..months_ahead LOOP
    m := (date_trunc('month', now()) + make_interval(months => i))::date;
    part := format('%s_%s', tbl, to_char(m, 'YYYYMM'));
    IF NOT EXISTS (SELECT 1 FROM pg_class WHERE relname = part) THEN
      EXECUTE format('CREATE TABLE %I PARTITION OF %I FOR VALUES FROM (%L) TO (%L)',
                     part, tbl, m, (m + interval '1 month')::date);
    END IF;
  END LOOP;
END $$;

DO $$
DECLARE
  has_timescale boolean := EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb');
  cols text := $cols$
    sensor_sn      text NOT NULL,
    seq            bigint NOT NULL,
    ts             timestamptz NOT NULL,
    depth_mm       real NOT NULL,
    rain_mm_per_h  real,
    battery_pct    real,
    rssi_dbm       real,
    received_at    timestamptz NOT NULL DEFAULT now()
  $cols$;
BEGIN
  IF has_timescale THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    EXECUTE format('CREATE TABLE sensor_reading (%s)', cols);
    PERFORM create_hypertable('sensor_reading', 'ts', chunk_time_interval => interval '1 day');
  ELSE
    EXECUTE format('CREATE TABLE sensor_reading (%s) PARTITION BY RANGE (ts)', cols);
    CREATE TABLE sensor_reading_default PARTITION OF sensor_reading DEFAULT;
    PERFORM yzg_ensure_month_partitions('sensor_reading', 1, 2);
    CREATE INDEX sensor_reading_ts_brin ON sensor_reading USING brin (ts);
  END IF;
END $$;

-- Idempotent ingest: a replayed reading has the same (sensor, ts, seq) and is ignored.
CREATE UNIQUE INDEX sensor_reading_dedup_idx ON sensor_reading (sensor_sn, ts, seq);
CREATE INDEX sensor_reading_sn_ts_idx ON sensor_reading (sensor_sn, ts DESC);
