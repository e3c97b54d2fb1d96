-- 006 media: drone images stored on disk under YZG_MEDIA_DIR by content (SHA-256), their pose,
-- and what they belong to. Uploads are resumable: `media_upload` holds an announced upload whose
-- bytes are still arriving (the bytes themselves are in a partial file beside the store).
--
-- sortie_id and flight_id carry no foreign key on purpose: a dock keeps an image in its spool
-- until the hub takes it, and the hub must take it even when it does not (yet) know the sortie
-- or flight it names; the hub fills flight_id from the dock's flight at the time taken.

CREATE TABLE media (
  id           bigserial PRIMARY KEY,
  sha256       text NOT NULL UNIQUE CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  mime         text NOT NULL,
  bytes        bigint NOT NULL,
  width_px     integer NOT NULL,
  height_px    integer NOT NULL,
  -- Relative to the media folder: content-addressed (ab/cd/abcd….jpg) and its thumbnail.
  path         text NOT NULL,
  thumb_path   text NOT NULL,
  dock_sn      text REFERENCES device(sn) ON DELETE SET NULL,
  sortie_id    bigint,
  flight_id    bigint,
  taken_at     timestamptz NOT NULL,
  lat          double precision NOT NULL,
  lon          double precision NOT NULL,
  pose         jsonb NOT NULL,
  file_name    text,
  uploaded_by  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX media_sortie_idx ON media (sortie_id, taken_at) WHERE sortie_id IS NOT NULL;
CREATE INDEX media_flight_idx ON media (flight_id, taken_at) WHERE flight_id IS NOT NULL;
CREATE INDEX media_dock_idx ON media (dock_sn, taken_at DESC);
CREATE INDEX media_taken_idx ON media (taken_at DESC);
CREATE INDEX media_position_idx ON media (lat, lon);

-- Which patrol tasks an image is filed under (一飞多采: one image, several departments' tasks).
-- Filled by the patrol-task side; a department sees the media of its tasks through it.
CREATE TABLE media_task (
  media_id  bigint NOT NULL REFERENCES media(id) ON DELETE CASCADE,
  task_id   bigint NOT NULL REFERENCES patrol_task(id) ON DELETE CASCADE,
  PRIMARY KEY (media_id, task_id)
);
CREATE INDEX media_task_task_idx ON media_task (task_id, media_id);

-- Announced uploads whose bytes are still arriving.
CREATE TABLE media_upload (
  sha256       text PRIMARY KEY CHECK (sha256 ~ '^[0-9a-f]{64}$'),
  bytes        bigint NOT NULL,
  meta         jsonb NOT NULL,
  uploaded_by  text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  updated_at   timestamptz NOT NULL DEFAULT now()
);
