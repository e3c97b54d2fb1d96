-- 004 workflow: the eight-level disposal workflow (八级联动).
-- Organisation units of the eight tiers, routing rules and time-limit policies (data an admin
-- changes), events, tickets with optimistic concurrency (version), append-only history, durable
-- SLA timers, notifications with an outbound webhook channel and its dead letters, Open311 clients.
-- Times of workflow rows come from the hub's Clock (not now()), so tests can fake time.

CREATE OR REPLACE FUNCTION yzg_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION '% is append-only', TG_TABLE_NAME;
END $$;

-- The eight tiers: 1 province · 2 city · 3 district leadership · 4 district ops hub ·
-- 5 district departments · 6 towns · 7 villages · 8 grids. Escalation goes to parent_code.
CREATE TABLE org_unit (
  code        text PRIMARY KEY,
  parent_code text REFERENCES org_unit(code),
  tier        smallint NOT NULL CHECK (tier BETWEEN 1 AND 8),
  kind        text NOT NULL CHECK (kind IN ('province', 'city', 'leadership', 'ops_centre', 'department', 'town', 'village', 'grid')),
  name        text NOT NULL,
  region_code text NOT NULL REFERENCES region(code),
  -- all: sees every ticket; area: tickets in its region subtree; assigned: tickets routed/dispatched to it.
  scope       text NOT NULL CHECK (scope IN ('all', 'area', 'assigned'))
);
CREATE INDEX org_unit_parent_idx ON org_unit (parent_code);
CREATE INDEX org_unit_region_idx ON org_unit (region_code);

ALTER TABLE app_user ADD COLUMN org_unit_code text REFERENCES org_unit(code);
CREATE INDEX app_user_org_unit_idx ON app_user (org_unit_code);

-- Routing: event type + severity (+ optional region prefix) → owner units, lead first.
-- Owners are unit codes or the placeholders @town, @village, @grid resolved from the event's place.
CREATE TABLE routing_rule (
  id            serial PRIMARY KEY,
  name          text NOT NULL,
  event_type    text NOT NULL,
  min_severity  smallint NOT NULL DEFAULT 1 CHECK (min_severity BETWEEN 1 AND 4),
  max_severity  smallint NOT NULL DEFAULT 4 CHECK (max_severity BETWEEN 1 AND 4),
  region_prefix text,
  owners        text[] NOT NULL CHECK (cardinality(owners) >= 1),
  priority      int NOT NULL DEFAULT 0,
  active        boolean NOT NULL DEFAULT true,
  updated_at    timestamptz NOT NULL,
  updated_by    text NOT NULL
);

-- Time limits by event type (NULL = any) and severity, in working days or natural hours.
CREATE TABLE time_limit_policy (
  id            serial PRIMARY KEY,
  name          text NOT NULL,
  event_type    text,
  min_severity  smallint NOT NULL DEFAULT 1 CHECK (min_severity BETWEEN 1 AND 4),
  limit_value   real NOT NULL CHECK (limit_value > 0),
  limit_unit    text NOT NULL CHECK (limit_unit IN ('working_days', 'hours')),
  max_extension_working_days smallint NOT NULL DEFAULT 10,
  UNIQUE (event_type, min_severity)
);

CREATE TABLE event (
  id               bigserial PRIMARY KEY,
  type             text NOT NULL,
  severity         smallint NOT NULL CHECK (severity BETWEEN 1 AND 4),
  title            text NOT NULL,
  description      text NOT NULL DEFAULT '',
  measure          jsonb NOT NULL DEFAULT '{}',
  lat              double precision NOT NULL,
  lon              double precision NOT NULL,
  region_code      text NOT NULL REFERENCES region(code),
  address          text,
  source           text NOT NULL CHECK (source IN ('sensor', 'detection', 'patrol', 'grid_report', 'duty', 'open311')),
  source_ref       text,
  reporter_user_id int REFERENCES app_user(id),
  reporter_contact jsonb,
  status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed', 'cancelled')),
  occurred_at      timestamptz NOT NULL,
  created_at       timestamptz NOT NULL,
  closed_at        timestamptz
);
-- One open event per source reference (a repeated alarm of the same sensor joins the open event).
CREATE UNIQUE INDEX event_open_source_idx ON event (source, source_ref, type) WHERE status = 'open' AND source_ref IS NOT NULL;
CREATE INDEX event_region_idx ON event (region_code);

CREATE TABLE ticket (
  id                  bigserial PRIMARY KEY,
  no                  text NOT NULL UNIQUE,
  event_id            bigint NOT NULL UNIQUE REFERENCES event(id),
  event_type          text NOT NULL,
  severity            smallint NOT NULL,
  title               text NOT NULL,
  region_code         text NOT NULL REFERENCES region(code),
  lat                 double precision NOT NULL,
  lon                 double precision NOT NULL,
  stage               text NOT NULL CHECK (stage IN ('detected', 'accepted', 'registered', 'dispatched', 'handling', 'reported', 'closed', 'rated', 'cancelled')),
  version             int NOT NULL DEFAULT 1,
  owner_units         text[] NOT NULL DEFAULT '{}',
  routing_rule_id     int REFERENCES routing_rule(id) ON DELETE SET NULL,
  assignee_unit       text REFERENCES org_unit(code),
  assignee_user_id    int REFERENCES app_user(id),
  dispatcher_user_id  int REFERENCES app_user(id),
  handler_user_id     int REFERENCES app_user(id),
  verifier_user_id    int REFERENCES app_user(id),
  verification_method text CHECK (verification_method IN ('inspection', 'revisit')),
  escalation_unit     text REFERENCES org_unit(code),
  escalation_count    int NOT NULL DEFAULT 0,
  supervision_count   int NOT NULL DEFAULT 0,
  reopen_count        int NOT NULL DEFAULT 0,
  rework_count        int NOT NULL DEFAULT 0,
  limit_value         real,
  limit_unit          text,
  extended_working_days smallint NOT NULL DEFAULT 0,
  dispatched_at       timestamptz,
  warn_at             timestamptz,
  due_at              timestamptz,
  reported_at         timestamptz,
  closed_at           timestamptz,
  closed_on_time      boolean,
  rating              smallint CHECK (rating BETWEEN 1 AND 5),
  rated_at            timestamptz,
  created_at          timestamptz NOT NULL,
  updated_at          timestamptz NOT NULL
);
CREATE INDEX ticket_stage_idx ON ticket (stage);
CREATE INDEX ticket_region_idx ON ticket (region_code text_pattern_ops);
CREATE INDEX ticket_owner_units_idx ON ticket USING gin (owner_units);
CREATE INDEX ticket_created_idx ON ticket (created_at);

-- Photos and drone images of a ticket (kept small: ≤ 700 kB each, in the database).
CREATE TABLE ticket_attachment (
  id            bigserial PRIMARY KEY,
  ticket_id     bigint NOT NULL REFERENCES ticket(id),
  kind          text NOT NULL CHECK (kind IN ('photo', 'revisit')),
  content_type  text NOT NULL,
  size_bytes    int NOT NULL,
  sha256        text NOT NULL,
  bytes         bytea NOT NULL,
  uploaded_by   text NOT NULL,
  uploaded_at   timestamptz NOT NULL
);
CREATE INDEX ticket_attachment_ticket_idx ON ticket_attachment (ticket_id);

-- Every action on a ticket: who, when, from → to, note, attachments. Append-only.
CREATE TABLE ticket_history (
  id            bigserial PRIMARY KEY,
  ticket_id     bigint NOT NULL REFERENCES ticket(id),
  version       int NOT NULL,
  at            timestamptz NOT NULL,
  actor_kind    text NOT NULL CHECK (actor_kind IN ('user', 'system')),
  actor_user_id int REFERENCES app_user(id),
  actor_name    text NOT NULL,
  actor_unit    text,
  action        text NOT NULL,
  from_stage    text,
  to_stage      text NOT NULL,
  note          text,
  attachment_ids bigint[] NOT NULL DEFAULT '{}',
  details       jsonb NOT NULL DEFAULT '{}',
  UNIQUE (ticket_id, version)
);
CREATE TRIGGER ticket_history_append_only BEFORE UPDATE OR DELETE ON ticket_history
  FOR EACH ROW EXECUTE FUNCTION yzg_append_only();

-- Drone revisit requests for verification; the flight side attaches images when they come.
CREATE TABLE ticket_revisit (
  id             bigserial PRIMARY KEY,
  ticket_id      bigint NOT NULL REFERENCES ticket(id),
  requested_by   text NOT NULL,
  requested_at   timestamptz NOT NULL,
  status         text NOT NULL DEFAULT 'requested' CHECK (status IN ('requested', 'done')),
  attachment_ids bigint[] NOT NULL DEFAULT '{}',
  done_at        timestamptz
);

-- Durable SLA timers: warn (80 %), expire (100 %), breach n (each further limit overdue).
-- Claimed with SKIP LOCKED under a lease, so any number of hub nodes can scan them.
CREATE TABLE ticket_timer (
  id           bigserial PRIMARY KEY,
  ticket_id    bigint NOT NULL REFERENCES ticket(id),
  kind         text NOT NULL CHECK (kind IN ('warn', 'expire', 'breach')),
  breach       int NOT NULL DEFAULT 0,
  due_at       timestamptz NOT NULL,
  lease_until  timestamptz,
  fired_at     timestamptz,
  cancelled_at timestamptz
);
CREATE INDEX ticket_timer_due_idx ON ticket_timer (due_at) WHERE fired_at IS NULL AND cancelled_at IS NULL;

-- In-app notifications (also pushed over the live WebSocket and to webhooks).
CREATE TABLE notification (
  id                bigserial PRIMARY KEY,
  at                timestamptz NOT NULL,
  kind              text NOT NULL,
  ticket_id         bigint REFERENCES ticket(id),
  recipient_unit    text REFERENCES org_unit(code),
  recipient_user_id int REFERENCES app_user(id),
  title             text NOT NULL,
  body              text NOT NULL DEFAULT '',
  read_at           timestamptz
);
CREATE INDEX notification_unit_idx ON notification (recipient_unit, id DESC);
CREATE INDEX notification_user_idx ON notification (recipient_user_id, id DESC);

CREATE TABLE webhook_endpoint (
  id         serial PRIMARY KEY,
  name       text NOT NULL,
  url        text NOT NULL,
  secret     text NOT NULL,
  kinds      text[] NOT NULL DEFAULT '{}',
  active     boolean NOT NULL DEFAULT true,
  created_at timestamptz NOT NULL
);

CREATE TABLE webhook_delivery (
  id              bigserial PRIMARY KEY,
  notification_id bigint NOT NULL REFERENCES notification(id),
  endpoint_id     int NOT NULL REFERENCES webhook_endpoint(id),
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
  attempts        int NOT NULL DEFAULT 0,
  next_attempt_at timestamptz NOT NULL,
  lease_until     timestamptz,
  last_error      text,
  delivered_at    timestamptz
);
CREATE INDEX webhook_delivery_pending_idx ON webhook_delivery (next_attempt_at) WHERE status = 'pending';

-- Deliveries that exhausted their retries. Append-only.
CREATE TABLE webhook_dead_letter (
  id              bigserial PRIMARY KEY,
  delivery_id     bigint NOT NULL REFERENCES webhook_delivery(id),
  endpoint_id     int NOT NULL REFERENCES webhook_endpoint(id),
  notification_id bigint NOT NULL REFERENCES notification(id),
  payload         jsonb NOT NULL,
  attempts        int NOT NULL,
  last_error      text NOT NULL,
  at              timestamptz NOT NULL
);
CREATE TRIGGER webhook_dead_letter_append_only BEFORE UPDATE OR DELETE ON webhook_dead_letter
  FOR EACH ROW EXECUTE FUNCTION yzg_append_only();

-- Systems allowed to file Open311 requests (a 12345 platform, a citizen app); keys stored hashed.
CREATE TABLE open311_client (
  id             serial PRIMARY KEY,
  name           text NOT NULL UNIQUE,
  api_key_sha256 text NOT NULL UNIQUE,
  active         boolean NOT NULL DEFAULT true
);
