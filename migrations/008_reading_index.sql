-- 008 reading index: `sensor_reading` kept two B-trees that lead with (sensor_sn, ts): the
-- idempotency key (sensor_sn, ts, seq) and (sensor_sn, ts DESC). Every query on the table is
-- per sensor and ts-ranged or ts-ordered, which the key serves in either direction, so the second
-- index only cost a third more index writes per reading at ingest. It goes.
DROP INDEX IF EXISTS sensor_reading_sn_ts_idx;
