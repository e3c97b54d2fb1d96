/**
 * Detections of drone images, the durable to-do list of images to run the models on, open events
 * near a place, and the evidence linking events to detections.
 */
import type { Pool } from '../db/pool.ts';
import { withTransaction } from '../db/transaction.ts';

/** A stored detection. */
export interface DetectionRow {
  id: number;
  mediaId: number;
  modelId: string;
  class: string;
  eventType: string | null;
  score: number;
  box: [number, number, number, number];
  lat: number | null;
  lon: number | null;
  errorM: number | null;
  /** Half the box's ground diagonal, metres. */
  extentM: number | null;
  eventId: number | null;
  createdAt: Date;
}

/** A detection to store. */
export type NewDetection = Omit<DetectionRow, 'id' | 'eventId'>;

/** An open event near a place, with its distance. */
export interface NearEvent {
  id: number;
  source: string;
  lat: number;
  lon: number;
  distanceM: number;
}

/** Evidence of an event: the detection with its image. */
export interface EvidenceRow {
  detectionId: number;
  mediaId: number;
  widthPx: number;
  heightPx: number;
  takenAt: Date;
  box: [number, number, number, number];
  score: number;
  class: string;
  lat: number | null;
  lon: number | null;
  distanceM: number | null;
}

const COLS = `id::int, media_id::int AS "mediaId", model_id AS "modelId", class, event_type AS "eventType", score, box_px AS box,
  lat, lon, error_m AS "errorM", extent_m AS "extentM", event_id::int AS "eventId", created_at AS "createdAt"`;
const M_PER_DEG = 111_320;
/** First key of the advisory locks that serialise fusion per event type (second key: the type's hash). */
const FUSE_LOCK_NAMESPACE = 0x59_5a_47_46; // "YZGF"

/** Reads and writes `detection`, `detection_run` and `event_evidence`. */
export class DetectionRepository {
  constructor(private readonly db: Pool) {}

  /**
   * Claims up to `limit` images to run the models on: images never claimed, then claimed ones
   * whose lease ran out (a node stopped mid-run) and that have attempts left. SKIP LOCKED, so
   * several hub nodes share the work.
   */
  async claim(limit: number, leaseS: number, maxAttempts: number): Promise<number[]> {
    const fresh = await this.db.query<{ id: string }>(
      `INSERT INTO detection_run (media_id, lease_until)
       SELECT m.id, now() + make_interval(secs => $2) FROM media m
        WHERE NOT EXISTS (SELECT 1 FROM detection_run r WHERE r.media_id = m.id)
        ORDER BY m.id LIMIT $1
       ON CONFLICT (media_id) DO NOTHING RETURNING media_id::text AS id`,
      [limit, leaseS],
    );
    const ids = fresh.rows.map((r) => Number(r.id));
    if (ids.length >= limit) return ids;
    const stale = await this.db.query<{ id: string }>(
      `UPDATE detection_run SET lease_until = now() + make_interval(secs => $2), attempts = attempts + 1
        WHERE media_id IN (SELECT media_id FROM detection_run WHERE done_at IS NULL AND lease_until < now() AND attempts < $3
                            ORDER BY media_id LIMIT $1 FOR UPDATE SKIP LOCKED)
        RETURNING media_id::text AS id`,
      [limit - ids.length, leaseS, maxAttempts],
    );
    return [...ids, ...stale.rows.map((r) => Number(r.id))];
  }

  /** Marks an image's run finished (or given up). */
  async finish(mediaId: number, outcome: 'done' | 'failed', modelIds: readonly string[], error?: string): Promise<void> {
    await this.db.query(`UPDATE detection_run SET outcome = $2, model_ids = $3, error = $4, done_at = now(), lease_until = NULL WHERE media_id = $1`, [mediaId, outcome, modelIds, error ?? null]);
  }

  /** Gives an image's claim back (to be retried after the lease) without marking it done. */
  async release(mediaId: number, error: string): Promise<void> {
    await this.db.query(`UPDATE detection_run SET error = $2 WHERE media_id = $1`, [mediaId, error]);
  }

  /** The run state of an image: pending (none or not finished), done or failed. */
  async status(mediaId: number): Promise<'pending' | 'done' | 'failed'> {
    const r = await this.db.query<{ outcome: 'done' | 'failed' | null }>('SELECT outcome FROM detection_run WHERE media_id = $1', [mediaId]);
    return r.rows[0]?.outcome ?? 'pending';
  }

  /** Replaces the detections of one image by one model set (a rerun after a restart does not double them). */
  async replaceForMedia(mediaId: number, rows: readonly NewDetection[]): Promise<DetectionRow[]> {
    return withTransaction(this.db, async (c) => {
      await c.query('DELETE FROM detection WHERE media_id = $1 AND event_id IS NULL', [mediaId]);
      const out: DetectionRow[] = [];
      for (const d of rows) {
        const r = await c.query<DetectionRow>(
          `INSERT INTO detection (media_id, model_id, class, event_type, score, box_px, lat, lon, error_m, extent_m, created_at)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING ${COLS}`,
          [d.mediaId, d.modelId, d.class, d.eventType, d.score, d.box, d.lat, d.lon, d.errorM, d.extentM, d.createdAt],
        );
        out.push(r.rows[0]!);
      }
      return out;
    });
  }

  /** Detections of an image, best first. */
  async forMedia(mediaId: number): Promise<DetectionRow[]> {
    const r = await this.db.query<DetectionRow>(`SELECT ${COLS} FROM detection WHERE media_id = $1 ORDER BY score DESC, id`, [mediaId]);
    return r.rows;
  }

  /**
   * Runs `fn` holding the fusion lock of an event type, across every hub node on this database (a
   * session advisory lock on a connection of its own, released when `fn` ends or the connection
   * drops): finding a near open event and opening one when there is none is one step, so two
   * images of one new object processed at once — on two nodes, or two workers of one — open one
   * event and strengthen it, not two.
   */
  async withFuseLock<T>(eventType: string, fn: () => Promise<T>): Promise<T> {
    // Try-lock with backoff, holding a connection only while the lock is held: waiters that each
    // held a connection could starve the holder of the pool's connections it needs inside `fn`.
    for (let waitMs = 5; ; waitMs = Math.min(waitMs * 2, 200)) {
      const c = await this.db.connect();
      let locked = false;
      try {
        locked = (await c.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, hashtext($2)) AS ok', [FUSE_LOCK_NAMESPACE, eventType])).rows[0]!.ok;
      } finally {
        if (!locked) c.release();
      }
      if (!locked) {
        await new Promise((r) => setTimeout(r, waitMs));
        continue;
      }
      try {
        return await fn();
      } finally {
        // A connection that cannot unlock is closed instead of pooled: closing it frees the lock.
        let broken = false;
        await c.query('SELECT pg_advisory_unlock($1, hashtext($2))', [FUSE_LOCK_NAMESPACE, eventType]).catch(() => (broken = true));
        c.release(broken);
      }
    }
  }

  /** Open events of a type within `radiusM` of a place, nearest first. */
  async openEventsNear(type: string, lat: number, lon: number, radiusM: number): Promise<NearEvent[]> {
    const dLat = radiusM / M_PER_DEG;
    const dLon = radiusM / (M_PER_DEG * Math.cos((lat * Math.PI) / 180));
    const r = await this.db.query<NearEvent>(
      `SELECT id::int, source, lat, lon, d AS "distanceM" FROM (
         SELECT id, source, lat, lon,
                sqrt(power((lat - $2) * ${M_PER_DEG}, 2) + power((lon - $3) * ${M_PER_DEG} * cos(radians($2)), 2)) AS d
           FROM event WHERE status = 'open' AND type = $1 AND lat BETWEEN $2 - $5 AND $2 + $5 AND lon BETWEEN $3 - $6 AND $3 + $6) x
        WHERE d <= $4 ORDER BY d, id`,
      [type, lat, lon, radiusM, dLat, dLon],
    );
    return r.rows;
  }

  /** Links a detection to an event (as its evidence when `evidence`); returns the event's evidence count after. */
  async attach(eventId: number, detection: DetectionRow, distanceM: number | null, at: Date, evidence: boolean): Promise<number> {
    return withTransaction(this.db, async (c) => {
      await c.query('UPDATE detection SET event_id = $2 WHERE id = $1', [detection.id, eventId]);
      if (evidence) {
        await c.query(`INSERT INTO event_evidence (event_id, detection_id, media_id, distance_m, created_at) VALUES ($1, $2, $3, $4, $5) ON CONFLICT DO NOTHING`, [
          eventId,
          detection.id,
          detection.mediaId,
          distanceM,
          at,
        ]);
      }
      const n = await c.query<{ n: number }>('SELECT count(*)::int AS n FROM event_evidence WHERE event_id = $1', [eventId]);
      return n.rows[0]!.n;
    });
  }

  /** The evidence of an event, best first. */
  async evidence(eventId: number): Promise<EvidenceRow[]> {
    const r = await this.db.query<EvidenceRow>(
      `SELECT d.id::int AS "detectionId", d.media_id::int AS "mediaId", m.width_px AS "widthPx", m.height_px AS "heightPx", m.taken_at AS "takenAt",
              d.box_px AS box, d.score, d.class, d.lat, d.lon, ev.distance_m AS "distanceM"
         FROM event_evidence ev JOIN detection d ON d.id = ev.detection_id JOIN media m ON m.id = ev.media_id
        WHERE ev.event_id = $1 ORDER BY d.score DESC, d.id LIMIT 50`,
      [eventId],
    );
    return r.rows;
  }
}
