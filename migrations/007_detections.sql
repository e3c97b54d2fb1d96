-- 007 detections: what the detection models found in drone images, where on the ground, and the
-- events they created or strengthened (evidence of an event: the image, the box and the score).
--
-- detection_run is the durable to-do list: every stored image gets one row when a hub node claims
-- it (SKIP LOCKED under a lease), so an image stored while no node was detecting, or whose run was
-- cut off by a restart, is processed later by any node.

CREATE TABLE detection_run (
  media_id    bigint PRIMARY KEY REFERENCES media(id) ON DELETE CASCADE,
  attempts    int NOT NULL DEFAULT 1,
  lease_until timestamptz,
  model_ids   text[] NOT NULL DEFAULT '{}',
  outcome     text CHECK (outcome IN ('done', 'failed')),
  error       text,
  done_at     timestamptz,
  created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX detection_run_pending_idx ON detection_run (lease_until) WHERE done_at IS NULL;

CREATE TABLE detection (
  id          bigserial PRIMARY KEY,
  media_id    bigint NOT NULL REFERENCES media(id) ON DELETE CASCADE,
  model_id    text NOT NULL,
  class       text NOT NULL,
  event_type  text,
  score       real NOT NULL CHECK (score >= 0 AND score <= 1),
  -- Axis-aligned box [x1, y1, x2, y2] in the original image's pixels.
  box_px      real[] NOT NULL CHECK (cardinality(box_px) = 4),
  lat         double precision,
  lon         double precision,
  error_m     real,
  -- Half the ground diagonal of the box, metres (how far the object reaches from its centre).
  extent_m    real,
  event_id    bigint REFERENCES event(id),
  created_at  timestamptz NOT NULL
);
CREATE INDEX detection_media_idx ON detection (media_id);
CREATE INDEX detection_event_idx ON detection (event_id) WHERE event_id IS NOT NULL;
CREATE INDEX detection_position_idx ON detection (lat, lon) WHERE lat IS NOT NULL;

-- Evidence of an event: one detection each (the image, its box and score). An event opened by a
-- sensor and seen by a drone has the sensor as source and the drone's images as evidence.
CREATE TABLE event_evidence (
  event_id      bigint NOT NULL REFERENCES event(id),
  detection_id  bigint NOT NULL REFERENCES detection(id) ON DELETE CASCADE,
  media_id      bigint NOT NULL REFERENCES media(id) ON DELETE CASCADE,
  distance_m    real,
  created_at    timestamptz NOT NULL,
  PRIMARY KEY (event_id, detection_id)
);
CREATE INDEX event_evidence_media_idx ON event_evidence (media_id);
