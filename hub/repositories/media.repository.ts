/** Drone images: `media` rows, their task links (`media_task`) and announced uploads (`media_upload`). */
import type { Pool } from '../db/pool.ts';
import type { ImagePose, MediaUploadBody } from '../../protocol/media.schema.ts';

/** A stored image as the service sees it. */
export interface MediaRow {
  id: number;
  sha256: string;
  mime: string;
  bytes: number;
  widthPx: number;
  heightPx: number;
  path: string;
  thumbPath: string;
  dockSn: string | null;
  sortieId: number | null;
  flightId: number | null;
  takenAt: string;
  pose: ImagePose;
  fileName: string | null;
  uploadedBy: string;
  createdAt: string;
  taskIds: number[];
}

/** A new image. */
export type NewMedia = Omit<MediaRow, 'id' | 'createdAt' | 'taskIds'>;

/** An announced upload whose bytes are arriving. */
export interface UploadRow {
  sha256: string;
  bytes: number;
  meta: MediaUploadBody;
  uploadedBy: string;
}

/** Filters of a media list (all optional, combined with AND). */
export interface MediaFilter {
  sortieId?: number;
  flightId?: number;
  taskId?: number;
  dockSn?: string;
  /** Only images filed under one of these tasks (a department's view). */
  taskIdsAnyOf?: number[];
  bbox?: { minLon: number; minLat: number; maxLon: number; maxLat: number };
  from?: string;
  to?: string;
  beforeId?: number;
  limit: number;
}

const COLUMNS = `m.id, m.sha256, m.mime, m.bytes, m.width_px AS "widthPx", m.height_px AS "heightPx", m.path, m.thumb_path AS "thumbPath",
  m.dock_sn AS "dockSn", m.sortie_id AS "sortieId", m.flight_id AS "flightId", m.taken_at AS "takenAt", m.pose, m.file_name AS "fileName",
  m.uploaded_by AS "uploadedBy", m.created_at AS "createdAt",
  COALESCE((SELECT array_agg(t.task_id ORDER BY t.task_id) FROM media_task t WHERE t.media_id = m.id), '{}') AS "taskIds"`;

type RawRow = Omit<MediaRow, 'takenAt' | 'createdAt'> & { takenAt: Date; createdAt: Date; id: string; bytes: string; sortieId: string | null; flightId: string | null; taskIds: string[] };

function row(r: RawRow): MediaRow {
  return {
    ...r,
    id: Number(r.id),
    bytes: Number(r.bytes),
    sortieId: r.sortieId === null ? null : Number(r.sortieId),
    flightId: r.flightId === null ? null : Number(r.flightId),
    takenAt: r.takenAt.toISOString(),
    createdAt: r.createdAt.toISOString(),
    taskIds: r.taskIds.map(Number),
  };
}

/** Reads and writes the media tables. */
export class MediaRepository {
  constructor(private readonly db: Pool) {}

  /** The image with this content, or null. */
  async findBySha(sha256: string): Promise<MediaRow | null> {
    const r = await this.db.query<RawRow>(`SELECT ${COLUMNS} FROM media m WHERE m.sha256 = $1`, [sha256]);
    return r.rows[0] ? row(r.rows[0]) : null;
  }

  /** The image with this id, or null. */
  async findById(id: number): Promise<MediaRow | null> {
    const r = await this.db.query<RawRow>(`SELECT ${COLUMNS} FROM media m WHERE m.id = $1`, [id]);
    return r.rows[0] ? row(r.rows[0]) : null;
  }

  /** Stores an image once per content; returns the row and whether this call created it. */
  async insert(m: NewMedia): Promise<{ media: MediaRow; created: boolean }> {
    const r = await this.db.query<{ id: string }>(
      `INSERT INTO media (sha256, mime, bytes, width_px, height_px, path, thumb_path, dock_sn, sortie_id, flight_id, taken_at, lat, lon, pose, file_name, uploaded_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
       ON CONFLICT (sha256) DO NOTHING RETURNING id`,
      [m.sha256, m.mime, m.bytes, m.widthPx, m.heightPx, m.path, m.thumbPath, m.dockSn, m.sortieId, m.flightId, m.takenAt, m.pose.lat, m.pose.lon, JSON.stringify(m.pose), m.fileName, m.uploadedBy],
    );
    const media = await this.findBySha(m.sha256);
    if (!media) throw new Error(`media ${m.sha256} vanished after insert`);
    return { media, created: r.rowCount === 1 };
  }

  /** Images matching a filter, newest first. */
  async list(f: MediaFilter): Promise<MediaRow[]> {
    const where: string[] = [];
    const args: unknown[] = [];
    const arg = (v: unknown): string => {
      args.push(v);
      return `$${args.length}`;
    };
    if (f.sortieId !== undefined) where.push(`m.sortie_id = ${arg(f.sortieId)}`);
    if (f.flightId !== undefined) where.push(`m.flight_id = ${arg(f.flightId)}`);
    if (f.dockSn !== undefined) where.push(`m.dock_sn = ${arg(f.dockSn)}`);
    if (f.taskId !== undefined) where.push(`EXISTS (SELECT 1 FROM media_task t WHERE t.media_id = m.id AND t.task_id = ${arg(f.taskId)})`);
    if (f.taskIdsAnyOf !== undefined) where.push(`EXISTS (SELECT 1 FROM media_task t WHERE t.media_id = m.id AND t.task_id = ANY(${arg(f.taskIdsAnyOf)}::bigint[]))`);
    if (f.bbox) where.push(`m.lon BETWEEN ${arg(f.bbox.minLon)} AND ${arg(f.bbox.maxLon)} AND m.lat BETWEEN ${arg(f.bbox.minLat)} AND ${arg(f.bbox.maxLat)}`);
    if (f.from !== undefined) where.push(`m.taken_at >= ${arg(f.from)}`);
    if (f.to !== undefined) where.push(`m.taken_at <= ${arg(f.to)}`);
    if (f.beforeId !== undefined) where.push(`m.id < ${arg(f.beforeId)}`);
    const sql = `SELECT ${COLUMNS} FROM media m ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY m.taken_at DESC, m.id DESC LIMIT ${arg(f.limit)}`;
    return (await this.db.query<RawRow>(sql, args)).rows.map(row);
  }

  /** Files an image under patrol tasks (idempotent). */
  async linkTasks(mediaId: number, taskIds: readonly number[]): Promise<void> {
    if (taskIds.length === 0) return;
    await this.db.query(`INSERT INTO media_task (media_id, task_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, [mediaId, taskIds]);
  }

  /** The flight of a dock's drone that was in the air at a time, or null. */
  async flightAt(dockSn: string, at: string): Promise<number | null> {
    const r = await this.db.query<{ id: string }>(
      `SELECT id FROM flight WHERE dock_sn = $1 AND started_at <= $2 AND (ended_at IS NULL OR ended_at >= $2) ORDER BY started_at DESC LIMIT 1`,
      [dockSn, at],
    );
    return r.rows[0] ? Number(r.rows[0].id) : null;
  }

  /** The announced upload of this content, or null. */
  async findUpload(sha256: string): Promise<UploadRow | null> {
    const r = await this.db.query<{ sha256: string; bytes: string; meta: MediaUploadBody; uploadedBy: string }>(
      `SELECT sha256, bytes, meta, uploaded_by AS "uploadedBy" FROM media_upload WHERE sha256 = $1`,
      [sha256],
    );
    const u = r.rows[0];
    return u ? { ...u, bytes: Number(u.bytes) } : null;
  }

  /** Records (or replaces) an announced upload. */
  async saveUpload(u: UploadRow): Promise<void> {
    await this.db.query(
      `INSERT INTO media_upload (sha256, bytes, meta, uploaded_by) VALUES ($1, $2, $3, $4)
       ON CONFLICT (sha256) DO UPDATE SET bytes = EXCLUDED.bytes, meta = EXCLUDED.meta, uploaded_by = EXCLUDED.uploaded_by, updated_at = now()`,
      [u.sha256, u.bytes, JSON.stringify(u.meta), u.uploadedBy],
    );
  }

  /** Forgets announced uploads not touched since `before`; returns their SHA-256s. */
  async deleteUploadsBefore(before: string): Promise<string[]> {
    const r = await this.db.query<{ sha256: string }>(`DELETE FROM media_upload WHERE updated_at < $1 RETURNING sha256`, [before]);
    return r.rows.map((u) => u.sha256);
  }

  /** Forgets an announced upload. */
  async deleteUpload(sha256: string): Promise<void> {
    await this.db.query(`DELETE FROM media_upload WHERE sha256 = $1`, [sha256]);
  }
}
