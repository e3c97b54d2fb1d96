/**
 * SIMULATOR — the dock drone's camera: at each camera trigger of the simulated autopilot it
 * renders a nadir image of the simulated district (`edge/world/aerial`) for the drone's pose,
 * writes it to the spool with its pose and the sortie being flown, and lets the uploader take
 * it to the hub. Renders run one at a time, so a burst of triggers queues rather than piling up.
 */
import type { Logger } from '../../../common/logger.ts';
import type { ImagePose } from '../../../protocol/media.schema.ts';
import type { AerialScene } from '../../world/aerial/aerial-scene.ts';
import { DEFAULT_CAMERA, renderAerialImage } from '../../world/aerial/aerial-render.ts';
import type { CameraCapture } from '../sim-autopilot/sim-autopilot.ts';
import { MediaSpool } from './media-spool.ts';
import { MediaUploader } from './media-uploader.ts';

/** Options of the simulated camera. */
export interface SimCameraOptions {
  sn: string;
  secret: string;
  /** Base URL of the hub's API. */
  hubUrl: string;
  /** Folder of the camera's spool (kept across restarts). */
  spoolDir: string;
  scene: AerialScene;
  log: Logger;
  /** Image size and lens (default 1024×768, 84°). */
  widthPx?: number;
  heightPx?: number;
  hfovDeg?: number;
  /** JPEG quality (default 85). */
  quality?: number;
  /** Upload tuning (tests use small chunks and short retries). */
  chunkBytes?: number;
  retryBaseMs?: number;
  retryMaxMs?: number;
}

/** The simulated camera of one dock's drone. */
export class SimCamera {
  readonly spool: MediaSpool;
  readonly uploader: MediaUploader;
  private queue: Promise<unknown> = Promise.resolve();
  private captures = 0;
  private readonly log: Logger;

  constructor(private readonly o: SimCameraOptions) {
    this.log = o.log.child({ module: 'camera' });
    this.spool = new MediaSpool(o.spoolDir);
    this.uploader = new MediaUploader({ hubUrl: o.hubUrl, sn: o.sn, secret: o.secret, spool: this.spool, log: this.log, chunkBytes: o.chunkBytes, retryBaseMs: o.retryBaseMs, retryMaxMs: o.retryMaxMs });
  }

  /** Starts uploading what an earlier run left in the spool. */
  start(): this {
    if (this.spool.size > 0) this.log.info({ waiting: this.spool.size }, 'uploading images left in the spool');
    this.uploader.kick();
    return this;
  }

  /** Takes a picture at a trigger; resolves once it is in the spool (the upload follows). */
  capture(at: CameraCapture, refs: { sortieId?: string; flightId?: string } = {}): Promise<{ sha256: string; pose: ImagePose }> {
    const run = this.queue.then(async () => {
      const pose: ImagePose = {
        takenAt: new Date(at.atMs).toISOString(),
        lat: at.lat,
        lon: at.lon,
        altAmslM: at.altAmslM,
        altRelM: at.altRelM,
        headingDeg: at.headingDeg % 360,
        gimbalPitchDeg: -90,
        hfovDeg: this.o.hfovDeg ?? DEFAULT_CAMERA.hfovDeg,
        widthPx: this.o.widthPx ?? DEFAULT_CAMERA.widthPx,
        heightPx: this.o.heightPx ?? DEFAULT_CAMERA.heightPx,
      };
      const { jpeg } = await renderAerialImage(this.o.scene, pose, { quality: this.o.quality ?? 85 });
      this.captures += 1;
      const e = this.spool.put(jpeg, {
        mime: 'image/jpeg',
        pose,
        dockSn: this.o.sn,
        fileName: `${this.o.sn}_${pose.takenAt.replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z')}_${String(this.captures).padStart(4, '0')}.jpg`,
        ...(refs.sortieId !== undefined ? { sortieId: refs.sortieId } : {}),
        ...(refs.flightId !== undefined ? { flightId: refs.flightId } : {}),
      });
      this.uploader.kick();
      return { sha256: e.sha256, pose };
    });
    this.queue = run.catch((err: Error) => this.log.warn({ err: err.message }, 'camera capture failed'));
    return run;
  }

  /** Waits until every image taken so far is rendered and uploaded. */
  async flush(timeoutMs = 60_000): Promise<void> {
    await this.queue;
    await this.uploader.idle(timeoutMs);
  }

  /** Stops uploading (the spool keeps what is left). */
  async stop(): Promise<void> {
    await this.queue;
    this.uploader.stop();
  }
}
