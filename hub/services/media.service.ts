/**
 * Drone images: resumable uploads identified by SHA-256 (announce, then chunks at the received
 * offset; the last chunk completes the upload when the bytes hash to the announced SHA-256 and
 * sharp reads them as an image), content-addressed storage with a thumbnail, and queries by
 * sortie, flight, task, place and time. Uploading the same bytes again returns the stored image.
 */
import crypto from 'node:crypto';
import sharp, { type Metadata } from 'sharp';
import { defineErrors } from '../../common/errors.ts';
import type { Logger } from '../../common/logger.ts';
import { MEDIA_MIME_TYPES, type MediaListQuery, type MediaUploadBody, type MediaUploadReply, type MediaView } from '../../protocol/media.schema.ts';
import type { Pool } from '../db/pool.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import { MediaRepository, type MediaFilter, type MediaRow } from '../repositories/media.repository.ts';
import { MediaStore } from '../repositories/media-store.repository.ts';

/** Errors of the media API. */
export const MediaErrors = defineErrors({
  MEDIA_NOT_IMAGE: { status: 415, message: '不是可识别的图像（支持 JPEG、PNG、WebP）/ not an image (JPEG, PNG or WebP)' },
  MEDIA_TOO_LARGE: { status: 413, message: '图像超过大小上限 / image larger than the limit' },
  MEDIA_BAD_POSE: { status: 400, message: '拍摄位姿无效 / invalid image pose' },
  MEDIA_UPLOAD_UNKNOWN: { status: 404, message: '没有该上传，请先登记 / no such upload: announce it first' },
  MEDIA_OFFSET_MISMATCH: { status: 409, message: '分片起点与已接收字节数不符 / chunk does not start at the received offset' },
  MEDIA_RANGE_INVALID: { status: 400, message: 'Content-Range 无效 / invalid Content-Range' },
  MEDIA_CHECKSUM_MISMATCH: { status: 422, message: '文件的 SHA-256 与登记的不符，请重新上传 / the bytes do not hash to the announced SHA-256: upload again' },
  MEDIA_NOT_FOUND: { status: 404, message: '影像不存在 / no such image' },
  MEDIA_DOCK_MISMATCH: { status: 403, message: '机库只能上传自己的影像 / a dock may upload only its own images' },
});

/** Who uploads or reads: a person (token) or a device (its own credentials). */
export type MediaActor = { kind: 'user'; username: string; role: string; ip?: string } | { kind: 'device'; sn: string; ip?: string };

/** Decides what a person may see: null = everything, otherwise only images filed under these tasks. */
export type MediaAccess = (viewer: { username: string; role: string; regionCode?: string }) => Promise<{ taskIds: number[] } | null>;

/** Options of the media service. */
export interface MediaServiceOptions {
  repo: MediaRepository;
  store: MediaStore;
  audit: AuditRepository;
  log: Logger;
  /** Largest image accepted, bytes. */
  maxBytes: number;
  /** Announced uploads not finished within this long are dropped with their bytes, ms (default 7 days). */
  abandonAfterMs?: number;
  /** Width of thumbnails, pixels. */
  thumbWidthPx?: number;
  /** Visibility hook (a department sees the media of its tasks); default everyone sees all. */
  access?: MediaAccess;
  /** Called once per newly stored image (detection, filing under tasks). Errors are logged. */
  onStored?: (media: MediaView) => void | Promise<void>;
}

/** Where images are kept and how large they may be. */
export interface MediaOptions {
  /** Folder of originals and thumbnails (YZG_MEDIA_DIR). */
  dir: string;
  /** Largest image, bytes (YZG_MEDIA_MAX_BYTES). */
  maxBytes: number;
}

/** Default media options when the composition root gives none: `.data/media`, 20 MB. */
export const DEFAULT_MEDIA_OPTIONS: MediaOptions = { dir: '.data/media', maxBytes: 20 * 1024 * 1024 };

/** Builds the media service over a pool and a folder. */
export function createMediaService(pool: Pool, audit: AuditRepository, log: Logger, opts: MediaOptions = DEFAULT_MEDIA_OPTIONS): MediaService {
  return new MediaService({ repo: new MediaRepository(pool), store: new MediaStore(opts.dir), audit, log: log.child({ module: 'media' }), maxBytes: opts.maxBytes });
}

/** A parsed `Content-Range: bytes start-end/total`. */
export interface ChunkRange {
  start: number;
  end: number;
  total: number;
}

const EXT: Record<string, string> = { jpeg: 'jpg', png: 'png', webp: 'webp' };

/** Parses a `Content-Range` header; null when absent, throws MEDIA_RANGE_INVALID when malformed. */
export function parseContentRange(header: string | undefined, bodyBytes: number): ChunkRange | null {
  if (header === undefined) return null;
  const m = /^bytes (\d+)-(\d+)\/(\d+)$/.exec(header.trim());
  if (!m) throw MediaErrors.MEDIA_RANGE_INVALID(undefined, { header });
  const [start, end, total] = [Number(m[1]), Number(m[2]), Number(m[3])];
  if (end < start || end >= total || end - start + 1 !== bodyBytes) throw MediaErrors.MEDIA_RANGE_INVALID(`Content-Range 与分片长度不符 / Content-Range does not match the chunk (${bodyBytes} bytes)`, { header, bodyBytes });
  return { start, end, total };
}

/** The media service. */
export class MediaService {
  private readonly locks = new Map<string, Promise<unknown>>();
  private lastPurgeMs = 0;
  private listeners: Array<(media: MediaView) => void | Promise<void>> = [];

  constructor(private readonly o: MediaServiceOptions) {
    if (o.onStored) this.listeners.push(o.onStored);
  }

  /** Largest image accepted, bytes. */
  get maxBytes(): number {
    return this.o.maxBytes;
  }

  /** Adds a listener for newly stored images (detection, filing under tasks). */
  onStored(fn: (media: MediaView) => void | Promise<void>): void {
    this.listeners.push(fn);
  }

  /** Replaces the visibility hook (the patrol-task side sets it once it knows departments' tasks). */
  setAccess(access: MediaAccess): void {
    this.o.access = access;
  }

  /** Announces an upload: returns the stored image when these bytes are already here, else the offset to resume from. */
  async announce(body: MediaUploadBody, actor: MediaActor): Promise<{ reply: MediaUploadReply; created: boolean }> {
    if (!(MEDIA_MIME_TYPES as readonly string[]).includes(body.mime)) throw MediaErrors.MEDIA_NOT_IMAGE(undefined, { mime: body.mime });
    if (body.bytes > this.o.maxBytes) throw MediaErrors.MEDIA_TOO_LARGE(`图像超过大小上限 ${this.o.maxBytes} 字节 / image larger than the limit of ${this.o.maxBytes} bytes`, { bytes: body.bytes, maxBytes: this.o.maxBytes });
    checkPose(body);
    const meta = { ...body, dockSn: this.dockOf(body, actor) };
    if (Date.now() - this.lastPurgeMs > 3600_000) {
      this.lastPurgeMs = Date.now();
      void this.purgeAbandoned().catch((err: Error) => this.o.log.warn({ err: err.message }, 'purging abandoned uploads failed'));
    }
    return this.locked(body.sha256, async () => {
      const existing = await this.o.repo.findBySha(body.sha256);
      if (existing) return { reply: this.completeReply(existing), created: false };
      const prior = await this.o.repo.findUpload(body.sha256);
      if (prior && prior.bytes !== body.bytes) await this.o.store.removePart(body.sha256);
      await this.o.repo.saveUpload({ sha256: body.sha256, bytes: body.bytes, meta, uploadedBy: actorName(actor) });
      const offset = Math.min(await this.o.store.partSize(body.sha256), body.bytes);
      return { reply: { status: 'pending', sha256: body.sha256, offset, bytes: body.bytes }, created: !prior };
    });
  }

  /** Drops uploads announced but not finished within `abandonAfterMs`, with their partial bytes; returns how many. */
  async purgeAbandoned(nowMs = Date.now()): Promise<number> {
    const gone = await this.o.repo.deleteUploadsBefore(new Date(nowMs - (this.o.abandonAfterMs ?? 7 * 86_400_000)).toISOString());
    for (const sha of gone) await this.locked(sha, () => this.o.store.removePart(sha));
    if (gone.length) this.o.log.info({ uploads: gone.length }, 'dropped abandoned uploads');
    return gone.length;
  }

  /** Where an upload stands (for `HEAD`). */
  async uploadStatus(sha256: string): Promise<MediaUploadReply> {
    const existing = await this.o.repo.findBySha(sha256);
    if (existing) return this.completeReply(existing);
    const u = await this.o.repo.findUpload(sha256);
    if (!u) throw MediaErrors.MEDIA_UPLOAD_UNKNOWN(undefined, { sha256 });
    return { status: 'pending', sha256, offset: Math.min(await this.o.store.partSize(sha256), u.bytes), bytes: u.bytes };
  }

  /**
   * Receives a chunk. Without a range the body is the whole file. A chunk that was already
   * received (a retry after a lost reply) is acknowledged without writing it again.
   */
  async receiveChunk(sha256: string, range: ChunkRange | null, chunk: Buffer, actor: MediaActor): Promise<{ reply: MediaUploadReply; created: boolean }> {
    return this.locked(sha256, async () => {
      const existing = await this.o.repo.findBySha(sha256);
      if (existing) return { reply: this.completeReply(existing), created: false };
      const u = await this.o.repo.findUpload(sha256);
      if (!u) throw MediaErrors.MEDIA_UPLOAD_UNKNOWN(undefined, { sha256 });
      const r = range ?? { start: 0, end: chunk.length - 1, total: chunk.length };
      if (r.total !== u.bytes) throw MediaErrors.MEDIA_RANGE_INVALID(`总长度 ${r.total} 与登记的 ${u.bytes} 不符 / total ${r.total} differs from the announced ${u.bytes} bytes`, { total: r.total, bytes: u.bytes });
      let offset = await this.o.store.partSize(sha256);
      if (r.end < offset) return { reply: { status: 'pending', sha256, offset, bytes: u.bytes }, created: false };
      if (r.start !== offset) throw MediaErrors.MEDIA_OFFSET_MISMATCH(`分片应从第 ${offset} 字节开始 / the next chunk must start at byte ${offset}`, { offset });
      offset = await this.o.store.appendPart(sha256, offset, chunk);
      if (offset < u.bytes) return { reply: { status: 'pending', sha256, offset, bytes: u.bytes }, created: false };
      const media = await this.complete(u.sha256, u.bytes, u.meta, actor);
      return { reply: this.completeReply(media.row), created: media.created };
    });
  }

  private async complete(sha256: string, bytes: number, meta: MediaUploadBody, actor: MediaActor): Promise<{ row: MediaRow; created: boolean }> {
    const actual = await this.o.store.hashPart(sha256);
    if (actual !== sha256) {
      await this.o.store.removePart(sha256);
      throw MediaErrors.MEDIA_CHECKSUM_MISMATCH(undefined, { expected: sha256, actual });
    }
    const data = await this.o.store.readPart(sha256);
    let info: Partial<Metadata>;
    try {
      info = await sharp(data).metadata();
    } catch {
      info = {};
    }
    const ext = info.format ? EXT[info.format] : undefined;
    if (!ext || !info.width || !info.height) {
      await this.o.store.removePart(sha256);
      await this.o.repo.deleteUpload(sha256);
      await this.o.audit.append({ ...auditActor(actor), action: 'media.upload', target: sha256, outcome: 'not-image', details: { mime: meta.mime, bytes } });
      throw MediaErrors.MEDIA_NOT_IMAGE(undefined, { detected: info.format ?? null });
    }
    const rel = MediaStore.relPath(sha256, ext, 'original');
    const thumbRel = MediaStore.relPath(sha256, 'jpg', 'thumb');
    const thumb = await sharp(data).rotate().resize({ width: this.o.thumbWidthPx ?? 320, withoutEnlargement: true }).jpeg({ quality: 78 }).toBuffer();
    await this.o.store.writeAtomic(thumbRel, thumb);
    await this.o.store.commitPart(sha256, rel);
    const flightId = meta.flightId !== undefined ? Number(meta.flightId) : meta.dockSn ? await this.o.repo.flightAt(meta.dockSn, meta.pose.takenAt) : null;
    const { media, created } = await this.o.repo.insert({
      sha256,
      mime: `image/${info.format}`,
      bytes,
      widthPx: info.width,
      heightPx: info.height,
      path: rel,
      thumbPath: thumbRel,
      dockSn: meta.dockSn ?? null,
      sortieId: meta.sortieId !== undefined ? Number(meta.sortieId) : null,
      flightId,
      takenAt: meta.pose.takenAt,
      pose: meta.pose,
      fileName: meta.fileName ?? null,
      uploadedBy: actorName(actor),
    });
    await this.o.repo.deleteUpload(sha256);
    await this.o.audit.append({
      ...auditActor(actor),
      action: 'media.upload',
      target: String(media.id),
      details: { sha256, bytes, dockSn: media.dockSn, sortieId: media.sortieId, flightId: media.flightId },
    });
    this.o.log.info({ mediaId: media.id, dockSn: media.dockSn, sortieId: media.sortieId, bytes }, 'image stored');
    if (created) {
      const view = toView(media);
      for (const fn of this.listeners) {
        void Promise.resolve()
          .then(() => fn(view))
          .catch((err: Error) => this.o.log.warn({ err: err.message, mediaId: media.id }, 'media listener failed'));
      }
    }
    return { row: media, created };
  }

  /** Images matching a query that the viewer may see, newest first. */
  async list(q: MediaListQuery, viewer: { username: string; role: string; regionCode?: string }): Promise<MediaView[]> {
    const filter: MediaFilter = { limit: q.limit ?? 100 };
    if (q.sortieId) filter.sortieId = Number(q.sortieId);
    if (q.flightId) filter.flightId = Number(q.flightId);
    if (q.taskId) filter.taskId = Number(q.taskId);
    if (q.dockSn) filter.dockSn = q.dockSn;
    if (q.from) filter.from = q.from;
    if (q.to) filter.to = q.to;
    if (q.beforeId) filter.beforeId = q.beforeId;
    if (q.bbox) {
      const [minLon, minLat, maxLon, maxLat] = q.bbox.split(',').map(Number) as [number, number, number, number];
      filter.bbox = { minLon, minLat, maxLon, maxLat };
    }
    const scope = await this.o.access?.(viewer);
    if (scope) filter.taskIdsAnyOf = scope.taskIds;
    return (await this.o.repo.list(filter)).map(toView);
  }

  /** One image the viewer may see. */
  async get(id: number, viewer: { username: string; role: string; regionCode?: string }): Promise<MediaView> {
    return toView(await this.visible(id, viewer));
  }

  /** The bytes of an image or its thumbnail. */
  async file(id: number, variant: 'original' | 'thumb', viewer: { username: string; role: string; regionCode?: string }): Promise<{ stream: NodeJS.ReadableStream; bytes: number; mime: string; sha256: string }> {
    const m = await this.visible(id, viewer);
    const f = await this.o.store.open(variant === 'thumb' ? m.thumbPath : m.path);
    if (!f) throw MediaErrors.MEDIA_NOT_FOUND('影像文件缺失 / the image file is missing', { id });
    return { ...f, mime: variant === 'thumb' ? 'image/jpeg' : m.mime, sha256: m.sha256 };
  }

  /** Files an image under patrol tasks (the patrol-task side calls it; 一飞多采 files one image to several). */
  async fileUnderTasks(mediaId: number, taskIds: readonly number[]): Promise<void> {
    await this.o.repo.linkTasks(mediaId, taskIds);
  }

  private async visible(id: number, viewer: { username: string; role: string; regionCode?: string }): Promise<MediaRow> {
    const m = await this.o.repo.findById(id);
    if (!m) throw MediaErrors.MEDIA_NOT_FOUND(undefined, { id });
    const scope = await this.o.access?.(viewer);
    if (scope && !m.taskIds.some((t) => scope.taskIds.includes(t))) throw MediaErrors.MEDIA_NOT_FOUND(undefined, { id });
    return m;
  }

  private dockOf(body: MediaUploadBody, actor: MediaActor): string | undefined {
    if (actor.kind !== 'device') return body.dockSn;
    if (body.dockSn !== undefined && body.dockSn !== actor.sn) throw MediaErrors.MEDIA_DOCK_MISMATCH(undefined, { dockSn: body.dockSn });
    return actor.sn;
  }

  private completeReply(m: MediaRow): MediaUploadReply {
    return { status: 'complete', sha256: m.sha256, offset: m.bytes, bytes: m.bytes, media: toView(m) };
  }

  /** Runs one upload's steps one at a time (a retry may arrive while the first try still runs). */
  private async locked<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(key) ?? Promise.resolve();
    const run = prev.then(fn, fn);
    const tail = run.catch(() => undefined);
    this.locks.set(key, tail);
    try {
      return await run;
    } finally {
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }
}

/** The SHA-256 of some bytes, lowercase hex. */
export function sha256Hex(data: Buffer): string {
  return crypto.createHash('sha256').update(data).digest('hex');
}

function checkPose(body: MediaUploadBody): void {
  const p = body.pose;
  const t = Date.parse(p.takenAt);
  if (!Number.isFinite(t)) throw MediaErrors.MEDIA_BAD_POSE('拍摄时间无效 / takenAt is not a time', { takenAt: p.takenAt });
  if (t > Date.now() + 24 * 3600_000) throw MediaErrors.MEDIA_BAD_POSE('拍摄时间在未来 / takenAt is in the future', { takenAt: p.takenAt });
}

function toView(m: MediaRow): MediaView {
  return {
    id: m.id,
    sha256: m.sha256,
    mime: m.mime,
    bytes: m.bytes,
    widthPx: m.widthPx,
    heightPx: m.heightPx,
    dockSn: m.dockSn,
    sortieId: m.sortieId,
    flightId: m.flightId,
    takenAt: m.takenAt,
    pose: m.pose,
    fileName: m.fileName,
    createdAt: m.createdAt,
    taskIds: m.taskIds,
    url: `/api/v1/media/${m.id}/file`,
    thumbUrl: `/api/v1/media/${m.id}/thumb`,
  };
}

function actorName(a: MediaActor): string {
  return a.kind === 'device' ? a.sn : a.username;
}

function auditActor(a: MediaActor): { actorKind: 'user' | 'device'; actor: string; ip?: string } {
  return { actorKind: a.kind, actor: actorName(a), ip: a.ip };
}
