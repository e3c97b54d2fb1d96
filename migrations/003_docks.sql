-- 003 docks: drone and dock telemetry time series, the latest state of each dock, and flights.
-- Docks are rows of `device` with kind 'dock' (001). TimescaleDB-aware like 001: with the
-- extension the two telemetry tables are hypertables; without it they are range-partitioned by
-- month with a default partition and BRIN on time.

DO $$
DECLARE
  has_timescale boolean := EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'timescaledb');
  vehicle_cols text := $cols$
    ts                timestamptz NOT NULL,
    dock_sn           text,
    sys_id            smallint NOT NULL,
    lat               double precision NOT NULL,
    lon               double precision NOT NULL,
    alt_amsl_m        real NOT NULL,
    alt_rel_m         real NOT NULL,
    heading_deg       real,
    ground_speed_mps  real,
    climb_mps         real,
    battery_pct       real,
    voltage_v         real,
    mode              text NOT NULL,
    armed             boolean NOT NULL,
    link_quality_pct  real
  $cols$;
  dock_cols text := $cols$
    ts                 timestamptz NOT NULL,
    dock_sn            text NOT NULL,
    state              text NOT NULL,
    wind_mps           real,
    wind_from_deg      real,
    rain_mm_per_h      real,
    temperature_c      real,
    lid_open           boolean,
    drone_battery_pct  real,
    autopilot_linked   boolean
  $cols$;
BEGIN
  IF has_timescale THEN
    EXECUTE format('CREATE TABLE vehicle_telemetry (%s)', vehicle_cols);
    PERFORM create_hypertable('vehicle_telemetry', 'ts', chunk_time_interval => interval '1 day');
    EXECUTE format('CREATE TABLE dock_telemetry (%s)', dock_cols);
    PERFORM create_hypertable('dock_telemetry', 'ts', chunk_time_interval => interval '7 days');
  ELSE
    EXECUTE format('CREATE TABLE vehicle_telemetry (%s) PARTITION BY RANGE (ts)', vehicle_cols);
    CREATE TABLE vehicle_telemetry_default PARTITION OF vehicle_telemetry DEFAULT;
    PERFORM yzg_ensure_month_partitions('vehicle_telemetry', 1, 2);
    CREATE INDEX vehicle_telemetry_ts_brin ON vehicle_telemetry USING brin (ts);
    EXECUTE format('CREATE TABLE dock_telemetry (%s) PARTITION BY RANGE (ts)', dock_cols);
    CREATE TABLE dock_telemetry_default PARTITION OF dock_telemetry DEFAULT;
    PERFORM yzg_ensure_month_partitions('dock_telemetry', 1, 2);
    CREATE INDEX dock_telemetry_ts_brin ON dock_telemetry USING brin (ts);
  END IF;
END $$;

CREATE INDEX vehicle_telemetry_sys_ts_idx ON vehicle_telemetry (sys_id, ts DESC);
CREATE INDEX vehicle_telemetry_dock_ts_idx ON vehicle_telemetry (dock_sn, ts DESC);
CREATE INDEX dock_telemetry_dock_ts_idx ON dock_telemetry (dock_sn, ts DESC);

-- The latest state of each dock (one row per dock, upserted on change), so any hub node can answer.
CREATE TABLE dock_status (
  dock_sn        text PRIMARY KEY REFERENCES device(sn) ON DELETE CASCADE,
  state          text NOT NULL,
  reason         text,
  drone_sys_id   smallint,
  weather        jsonb,
  alarms         jsonb NOT NULL DEFAULT '[]',
  lid_open       boolean,
  updated_at     timestamptz NOT NULL DEFAULT now()
);

-- A flight: take-off to landing, detected from the drone's telemetry.
CREATE TABLE flight (
  id                 bigserial PRIMARY KEY,
  dock_sn            text REFERENCES device(sn) ON DELETE SET NULL,
  sys_id             smallint NOT NULL,
  started_at         timestamptz NOT NULL,
  ended_at           timestamptz,
  takeoff_lat        double precision NOT NULL,
  takeoff_lon        double precision NOT NULL,
  landing_lat        double precision,
  landing_lon        double precision,
  distance_m         double precision NOT NULL DEFAULT 0,
  duration_s         double precision,
  max_alt_rel_m      real NOT NULL DEFAULT 0,
  battery_start_pct  real NOT NULL,
  battery_end_pct    real,
  battery_used_pct   real,
  -- [lon, lat, altRelM] points, simplified; the full trace is in vehicle_telemetry.
  track              jsonb NOT NULL DEFAULT '[]',
  CHECK (ended_at IS NULL OR ended_at >= started_at)
);
CREATE INDEX flight_dock_started_idx ON flight (dock_sn, started_at DESC);
-- At most one open flight per vehicle.
CREATE UNIQUE INDEX flight_open_idx ON flight (sys_id) WHERE ended_at IS NULL;
