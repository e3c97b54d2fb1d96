/**
 * From drone images to events with evidence. Each stored image is run through the detection
 * models — the text detector always, plus the models the tasks of the image's sortie selected —
 * in the detector's worker pool (never on the event loop); the detections are stored with their
 * place on the ground, and each one above its model's threshold that suggests an event type
 * creates or strengthens an event there:
 *   - an open event of the same type within max(30 m, 3 × the detection's error) plus the
 *     object's own reach (half its box's ground diagonal) (a rain-spot
 *     sensor's waterlogging event, an earlier detection) gets the image, box and score as evidence;
 *   - otherwise a new event opens with source 'detection' (and its ticket), the image its evidence.
 * Durable: images are claimed from `detection_run` under a lease (SKIP LOCKED), so an image stored
 * while the hub was down, or whose run a restart cut off, is processed later by any node.
 */
import type { Clock } from '../../common/clock.ts';
import type { Logger } from '../../common/logger.ts';
import type { Detector } from '../../analytics/detection/detector.ts';
import { locateDetections } from '../../analytics/detection/locate.ts';
import { DETECTION_CLASS_LABELS_ZH, type DetectionView, type EvidenceView, type MediaDetectionsReply } from '../../protocol/detection.schema.ts';
import type { MediaView } from '../../protocol/media.schema.ts';
import { EVENT_TYPES, type EventType } from '../../protocol/workflow.schema.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { DetectionRepository, DetectionRow, EvidenceRow, NewDetection } from '../repositories/detection.repository.ts';
import type { EventService } from './event.service.ts';
import type { MediaService } from './media.service.ts';
import { SYSTEM_ACTOR } from './org.service.ts';

/** Tunables of detection (tests shorten the tick). */
export interface DetectionTuning {
  /** Models run on every image when loaded (default: the text detector). */
  alwaysModels?: readonly string[];
  /** Fusion radius: at least this many metres (default 30)… */
  fuseMinM?: number;
  /** …or this many times the detection's one-sigma error (default 3). */
  fuseErrorFactor?: number;
  /** Score an event needs per model; default the model's own threshold. */
  eventScore?: Record<string, number>;
  /** Scan for unclaimed or abandoned images every this many ms (default 10 s). */
  tickMs?: number;
  /** Lease of a claimed image, seconds (default 300). */
  leaseS?: number;
  /** Attempts per image before it is given up (default 3). */
  maxAttempts?: number;
}

/** What the detection service needs. */
export interface DetectionDeps {
  repo: DetectionRepository;
  detector: Pick<Detector, 'models' | 'detect'>;
  media: Pick<MediaService, 'get' | 'file' | 'onStored'>;
  events: Pick<EventService, 'reportEvent'>;
  audit: AuditRepository;
  /** Model ids the tasks of a sortie selected. */
  modelsOfSortie: (sortieId: number) => Promise<string[]>;
  clock: Clock;
  log: Logger;
}

/** What the fusion did with one detection. */
export type FuseOutcome = { detectionId: number; outcome: 'fused' | 'opened'; eventId: number; distanceM: number | null } | { detectionId: number; outcome: 'kept'; reason: 'no-event-type' | 'below-threshold' | 'no-place' };

const SYSTEM_VIEWER = { username: 'system', role: 'admin' };
const isEventType = (t: string | null): t is EventType => t !== null && (EVENT_TYPES as readonly string[]).includes(t);

/** The view of a detection. */
export function toDetectionView(d: DetectionRow): DetectionView {
  return { ...d, box: [...d.box] as DetectionView['box'], createdAt: d.createdAt.toISOString() };
}

/** The view of a piece of evidence. */
export function toEvidenceView(e: EvidenceRow): EvidenceView {
  return { ...e, box: [...e.box] as EvidenceView['box'], takenAt: e.takenAt.toISOString(), thumbUrl: `/api/v1/media/${e.mediaId}/thumb`, fileUrl: `/api/v1/media/${e.mediaId}/file` };
}

/** Runs the models on stored images and turns detections into events with evidence. */
export class DetectionService {
  private readonly t: Required<Omit<DetectionTuning, 'eventScore'>> & { eventScore: Record<string, number> };
  private timer?: NodeJS.Timeout;
  private draining?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly d: DetectionDeps,
    tuning: DetectionTuning = {},
  ) {
    this.t = { alwaysModels: ['ppocr-v4-det'], fuseMinM: 30, fuseErrorFactor: 3, eventScore: {}, tickMs: 10_000, leaseS: 300, maxAttempts: 3, ...tuning };
  }

  /** Starts processing: at once for each newly stored image, and on a tick for anything left over. */
  start(): void {
    this.d.media.onStored(() => this.wake());
    this.timer = setInterval(() => this.wake(), this.t.tickMs);
    this.timer.unref();
    this.wake();
  }

  /** Stops taking images; waits for the one in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.draining;
  }

  /** Processes whatever is claimable now (resolves when nothing is left). */
  wake(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    if (this.draining) {
      this.again = true;
      return this.draining;
    }
    this.draining = this.drain()
      .catch((err: Error) => this.d.log.warn({ err: err.message }, 'detection scan failed'))
      .finally(() => {
        this.draining = undefined;
        if (this.again && !this.stopped) {
          this.again = false;
          void this.wake();
        }
      });
    return this.draining;
  }

  private async drain(): Promise<void> {
    for (;;) {
      this.again = false;
      if (this.stopped) return;
      const [id] = await this.d.repo.claim(1, this.t.leaseS, this.t.maxAttempts);
      if (id === undefined) return;
      await this.process(id).catch(async (err: Error) => {
        this.d.log.warn({ err: err.message, mediaId: id }, 'detection of an image failed; it is retried after its lease');
        await this.d.repo.release(id, err.message).catch(() => undefined);
      });
    }
  }

  /** The models to run on an image: the always-on ones and those of its sortie's tasks that are loaded. */
  async modelsFor(m: Pick<MediaView, 'id' | 'sortieId'>): Promise<string[]> {
    const loaded = new Set(this.d.detector.models().map((x) => x.id));
    const wanted = [...this.t.alwaysModels, ...(m.sortieId !== null ? await this.d.modelsOfSortie(m.sortieId) : [])];
    const missing = wanted.filter((id) => !loaded.has(id));
    if (missing.length) this.d.log.warn({ mediaId: m.id, missing }, 'selected detection models are not loaded; skipped');
    return [...new Set(wanted.filter((id) => loaded.has(id)))];
  }

  /** Runs the models on one image, stores the detections and fuses them into events. */
  async process(mediaId: number): Promise<FuseOutcome[]> {
    const m = await this.d.media.get(mediaId, SYSTEM_VIEWER);
    const modelIds = await this.modelsFor(m);
    if (modelIds.length === 0) {
      await this.d.repo.finish(mediaId, 'done', []);
      return [];
    }
    const f = await this.d.media.file(mediaId, 'original', SYSTEM_VIEWER);
    const chunks: Buffer[] = [];
    for await (const c of f.stream) chunks.push(Buffer.from(c as Buffer));
    const runs = await this.d.detector.detect(modelIds, Buffer.concat(chunks));
    const failed = runs.filter((r) => r.outcome === 'error');
    for (const r of failed) if (r.outcome === 'error') this.d.log.warn({ mediaId, modelId: r.modelId, code: r.error.code }, 'detection model failed on an image');
    if (failed.length === runs.length) {
      // Nothing ran: a broken image stays broken (failed); a crashed or timed-out worker is retried.
      const transient = failed.some((r) => r.outcome === 'error' && /TIMEOUT|CRASHED|CLOSED/.test(r.error.code));
      if (transient) throw new Error(`detection did not run: ${failed.map((r) => (r.outcome === 'error' ? r.error.code : '')).join(', ')}`);
      await this.d.repo.finish(mediaId, 'failed', modelIds, failed.map((r) => (r.outcome === 'error' ? r.error.code : '')).join(', '));
      return [];
    }
    const now = new Date(this.d.clock.nowMs());
    const located = locateDetections(runs, m.pose);
    // Ground metres per pixel of a nadir image (for how far a detected object reaches).
    const mPerPx = (2 * m.pose.altRelM * Math.tan((m.pose.hfovDeg * Math.PI) / 360)) / m.pose.widthPx;
    const rows: NewDetection[] = located.map((x) => ({
      mediaId,
      modelId: x.modelId,
      class: x.class,
      eventType: x.eventType ?? null,
      score: x.score,
      box: x.boxPx,
      lat: x.place?.lat ?? null,
      lon: x.place?.lon ?? null,
      errorM: x.place?.errorM ?? null,
      extentM: x.place && m.pose.gimbalPitchDeg <= -80 ? (Math.hypot(x.boxPx[2] - x.boxPx[0], x.boxPx[3] - x.boxPx[1]) / 2) * mPerPx * (m.pose.widthPx / m.widthPx) : null,
      createdAt: now,
    }));
    const stored = await this.d.repo.replaceForMedia(mediaId, rows);
    const outcomes = await this.fuse(m, stored);
    await this.d.repo.finish(mediaId, 'done', modelIds);
    const ms = runs.map((r) => (r.outcome === 'ok' ? Math.round(r.timing.totalMs) : null));
    this.d.log.info({ mediaId, modelIds, detections: stored.length, events: outcomes.filter((o) => o.outcome !== 'kept').length, ms }, 'image processed by the detectors');
    return outcomes;
  }

  /**
   * Turns stored detections of an image into events: fused into a near open event of the same
   * type, or a new one; detections below their model's threshold, without an event type or
   * without a place stay detections only. Best scores first, so an image's strongest box opens
   * the event and weaker boxes of the same thing join it.
   */
  async fuse(m: Pick<MediaView, 'id' | 'takenAt'>, detections: readonly DetectionRow[]): Promise<FuseOutcome[]> {
    const threshold = new Map(this.d.detector.models().map((x) => [x.id, this.t.eventScore[x.id] ?? x.scoreThreshold]));
    const out: FuseOutcome[] = [];
    // One image is one piece of evidence per event: its best box; weaker boxes of it are linked only.
    const shown = new Set<number>();
    for (const det of [...detections].sort((a, b) => b.score - a.score)) {
      if (!isEventType(det.eventType)) {
        out.push({ detectionId: det.id, outcome: 'kept', reason: 'no-event-type' });
        continue;
      }
      if (det.score < (threshold.get(det.modelId) ?? 1)) {
        out.push({ detectionId: det.id, outcome: 'kept', reason: 'below-threshold' });
        continue;
      }
      if (det.lat === null || det.lon === null) {
        out.push({ detectionId: det.id, outcome: 'kept', reason: 'no-place' });
        continue;
      }
      const eventType = det.eventType;
      const lat = det.lat;
      const lon = det.lon;
      // Finding the near open event and opening one when there is none hold the type's fusion lock.
      out.push(await this.d.repo.withFuseLock(eventType, () => this.fuseOne(m, det, eventType, lat, lon, shown)));
    }
    return out;
  }

  /** Fuses one detection into the near open event of its type, or opens one (under the type's fusion lock). */
  private async fuseOne(m: Pick<MediaView, 'id' | 'takenAt'>, det: DetectionRow, eventType: EventType, lat: number, lon: number, shown: Set<number>): Promise<FuseOutcome> {
    // The same thing: within max(30 m, 3 σ) of the object's reach (a puddle's centre may lie its half-width off the sensor).
    const radiusM = Math.max(this.t.fuseMinM, this.t.fuseErrorFactor * (det.errorM ?? 0)) + (det.extentM ?? 0);
    const [near] = await this.d.repo.openEventsNear(eventType, lat, lon, radiusM);
    const at = new Date(this.d.clock.nowMs());
    if (near) {
      const first = !shown.has(near.id);
      shown.add(near.id);
      const count = await this.d.repo.attach(near.id, det, near.distanceM, at, first);
      if (first) await this.audit(near.id, det, { fused: true, distanceM: Math.round(near.distanceM * 10) / 10, radiusM, evidenceCount: count, eventSource: near.source });
      return { detectionId: det.id, outcome: 'fused', eventId: near.id, distanceM: near.distanceM };
    }
    const label = DETECTION_CLASS_LABELS_ZH[det.class] ?? det.class;
    const { event } = await this.d.events.reportEvent(
      {
        type: eventType,
        severity: 1,
        title: `无人机巡查发现${label} / drone patrol found ${det.class}`,
        description: `影像 #${m.id} 检测到${label}（${det.modelId}，置信度 ${det.score.toFixed(2)}）/ detected in image #${m.id}`,
        lat,
        lon,
        source: 'detection',
        sourceRef: `detection/${det.id}`,
        occurredAt: m.takenAt,
      },
      SYSTEM_ACTOR,
      { source: 'detection' },
    );
    shown.add(event.id);
    const count = await this.d.repo.attach(event.id, det, 0, at, true);
    await this.audit(event.id, det, { fused: false, radiusM, evidenceCount: count, eventSource: 'detection' });
    return { detectionId: det.id, outcome: 'opened', eventId: event.id, distanceM: 0 };
  }

  private async audit(eventId: number, det: DetectionRow, details: Record<string, unknown>): Promise<void> {
    await this.d.audit.append({
      actorKind: 'system',
      actor: 'detection',
      action: 'event.evidence',
      target: String(eventId),
      details: { detectionId: det.id, mediaId: det.mediaId, modelId: det.modelId, class: det.class, score: Math.round(det.score * 1000) / 1000, box: det.box, ...details },
    });
    this.d.log.info({ eventId, detectionId: det.id, mediaId: det.mediaId, class: det.class, score: det.score, ...details }, 'detection is evidence of an event');
  }

  /** Detections of an image the viewer may see. */
  async forMedia(mediaId: number, viewer: { username: string; role: string; regionCode?: string }): Promise<MediaDetectionsReply> {
    const m = await this.d.media.get(mediaId, viewer);
    const [items, status] = await Promise.all([this.d.repo.forMedia(mediaId), this.d.repo.status(mediaId)]);
    return { mediaId, widthPx: m.widthPx, heightPx: m.heightPx, status, items: items.map(toDetectionView) };
  }

  /** The evidence of an event. */
  async evidence(eventId: number): Promise<EvidenceView[]> {
    return (await this.d.repo.evidence(eventId)).map(toEvidenceView);
  }
}
