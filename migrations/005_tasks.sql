-- 005 patrol tasks: departments' requests (部门任务需求), their runs (one per occurrence of a
-- recurring task), and the sorties that fly them. A sortie may serve runs of several
-- departments' tasks (一飞多采); a run may need several sorties (battery).

CREATE TABLE patrol_task (
  id             bigserial PRIMARY KEY,
  title          text NOT NULL,
  type           text NOT NULL,
  purpose        text NOT NULL,
  geometry       jsonb NOT NULL,
  -- [min lon, min lat, max lon, max lat] of the geometry, for overlap queries.
  bbox           double precision[] NOT NULL,
  altitude_m     real NOT NULL,
  overlap        jsonb NOT NULL,
  camera         jsonb NOT NULL,
  schedule       jsonb NOT NULL,
  priority       smallint NOT NULL,
  models         text[] NOT NULL DEFAULT '{}',
  status         text NOT NULL,
  org_unit       text NOT NULL,
  submitted_by   text NOT NULL,
  decided_by     text,
  reject_reason  text,
  notes          text[] NOT NULL DEFAULT '{}',
  -- When the scheduler next creates a run (NULL: no more runs).
  next_run_at    timestamptz,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX patrol_task_org_idx ON patrol_task (org_unit, created_at DESC);
CREATE INDEX patrol_task_due_idx ON patrol_task (next_run_at) WHERE next_run_at IS NOT NULL;

CREATE TABLE task_run (
  id          bigserial PRIMARY KEY,
  task_id     bigint NOT NULL REFERENCES patrol_task(id) ON DELETE CASCADE,
  due_at      timestamptz NOT NULL,
  status      text NOT NULL,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now(),
  -- One run per occurrence, whichever hub node's scheduler gets there first.
  UNIQUE (task_id, due_at)
);

CREATE TABLE sortie (
  id              bigserial PRIMARY KEY,
  dock_sn         text NOT NULL REFERENCES device(sn) ON DELETE CASCADE,
  status          text NOT NULL,
  part            smallint NOT NULL DEFAULT 1,
  parts           smallint NOT NULL DEFAULT 1,
  -- The planned path [[lon, lat, altRelM], …] and the MAVLink mission items to upload.
  path            jsonb NOT NULL,
  mission         jsonb NOT NULL,
  est_duration_s  real NOT NULL,
  -- Mission items reached so far; a continuation starts from here.
  reached         integer NOT NULL DEFAULT 0,
  total           integer NOT NULL,
  -- The sortie this one continues after an interruption (weather, low battery).
  continues       bigint REFERENCES sortie(id) ON DELETE SET NULL,
  flight_id       bigint,
  reason          text,
  -- The hub node watching the flight, until when; another node adopts the sortie after that.
  lease_owner     text,
  lease_until     timestamptz,
  started_at      timestamptz,
  ended_at        timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  updated_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sortie_dock_idx ON sortie (dock_sn, created_at DESC);
CREATE INDEX sortie_open_idx ON sortie (status) WHERE status IN ('queued', 'sent', 'in-progress', 'paused');

CREATE TABLE sortie_run (
  sortie_id  bigint NOT NULL REFERENCES sortie(id) ON DELETE CASCADE,
  run_id     bigint NOT NULL REFERENCES task_run(id) ON DELETE CASCADE,
  PRIMARY KEY (sortie_id, run_id)
);
CREATE INDEX sortie_run_run_idx ON sortie_run (run_id);
