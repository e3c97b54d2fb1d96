/**
 * The detector the hub calls: models from the model folder, run in a pool of worker threads so
 * detection never blocks the event loop (ingest, API).
 *
 *   const detector = await createDetector({ modelDir, poolSize: 1, threads: 1, log });
 *   const runs = await detector.detect(['ppocr-v4-det'], jpegBytes);
 */
// sharp is loaded in the main thread too, so its native libraries stay loaded while workers come
// and go (sharp's advice for worker threads).
import 'sharp';
import { AppError } from '../../common/errors.ts';
import type { Config } from '../../common/config.ts';
import type { Logger } from '../../common/logger.ts';
import { DetectionErrors } from './detection.errors.ts';
import type { Detection, DetectionTiming, ErrorInfo, ModelInfo } from './detection.types.ts';
import { loadModelRegistry } from './model-registry.ts';
import { createWorkerPool, type PoolStats } from './worker-pool.ts';
import type { WorkerRequest, WorkerResponse } from './worker-protocol.ts';

export type { Detection, DetectionTiming, ModelInfo } from './detection.types.ts';

/** Options of a detector (from config: YZG_MODEL_DIR, YZG_DETECT_WORKERS, YZG_DETECT_THREADS, YZG_DETECT_NICE). */
export interface DetectorOptions {
  /** Folder of model descriptors (`*.json`). */
  modelDir: string;
  /** Worker threads, each with its own sessions. */
  poolSize: number;
  /** onnxruntime intra-op threads per session. */
  threads: number;
  /** CPU niceness of the worker threads, 0 (normal) … 19 (lowest); Linux only. Default 10. */
  nice?: number;
  /** A task (one image through its models) running longer fails with DETECTION_TIMEOUT and its worker is replaced, milliseconds. Default 120 s. */
  taskTimeoutMs?: number;
  log: Logger;
}

/** One model's result on one image: detections in original pixels, or why it failed. */
export type ModelRun =
  | {
      modelId: string;
      outcome: 'ok';
      detections: Detection[];
      imageWidthPx: number;
      imageHeightPx: number;
      /** Steps inside the worker, plus `totalMs` from the call to the answer (queueing included). */
      timing: DetectionTiming & { totalMs: number };
    }
  | { modelId: string; outcome: 'error'; error: AppError };

/** A model's load check. */
export type ModelCheck = { modelId: string; ok: true } | { modelId: string; ok: false; error: AppError };

/** The detector. */
export interface Detector {
  /** Models that loaded from the folder. */
  models(): ModelInfo[];
  /** Descriptors refused when the folder was read, with the reason. */
  rejected(): Array<{ descriptorPath: string; error: AppError }>;
  /**
   * Runs each model on the image (JPEG, PNG, WebP…). Throws MODEL_NOT_FOUND for an unknown id;
   * a corrupt image or a model that fails to load is an `error` run, never a throw.
   */
  detect(modelIds: readonly string[], image: Uint8Array): Promise<ModelRun[]>;
  /** Loads every model (or the given ones) in a worker and reports which load cleanly. */
  check(modelIds?: readonly string[]): Promise<ModelCheck[]>;
  stats(): PoolStats;
  close(): Promise<void>;
}

const fromInfo = (e: ErrorInfo) => new AppError(e.code, e.message, (DetectionErrors as Record<string, { status: number }>)[e.code]?.status ?? 500, e.details);

/** Detector options from the configuration (YZG_MODEL_DIR, YZG_DETECT_WORKERS, YZG_DETECT_THREADS, YZG_DETECT_NICE). */
export function detectorOptions(config: Pick<Config, 'modelDir' | 'detectWorkers' | 'detectThreads' | 'detectNice'>, log: Logger): DetectorOptions {
  return { modelDir: config.modelDir, poolSize: config.detectWorkers, threads: config.detectThreads, nice: config.detectNice, log };
}

/** Reads the model folder and starts the worker pool. */
export async function createDetector(opts: DetectorOptions): Promise<Detector> {
  const log = opts.log.child({ module: 'detection' });
  const registry = loadModelRegistry(opts.modelDir);
  for (const r of registry.rejected) log.warn({ descriptorPath: r.descriptorPath, code: r.error.code, details: r.error.details }, 'model descriptor refused');
  const pool = createWorkerPool<WorkerRequest, WorkerResponse>({
    url: new URL('./detector.worker.mjs', import.meta.url),
    size: Math.max(1, opts.poolSize),
    workerData: { models: registry.models, threads: Math.max(1, opts.threads), nice: opts.nice ?? 10 },
    log,
    ...(opts.taskTimeoutMs ? { taskTimeoutMs: opts.taskTimeoutMs } : {}),
  });
  const ids = new Set(registry.models.map((m) => m.descriptor.id));
  const known = (modelIds: readonly string[]) => {
    const unknown = modelIds.filter((id) => !ids.has(id));
    if (unknown.length) throw DetectionErrors.MODEL_NOT_FOUND(`模型不存在 / no such detection model: ${unknown.join(', ')}`, { modelIds: unknown, known: [...ids] });
  };
  return {
    models: () =>
      registry.models.map(({ descriptor: d }) => ({
        id: d.id,
        ...(d.name ? { name: d.name } : {}),
        layout: d.output.layout,
        inputWidthPx: d.input.width,
        inputHeightPx: d.input.height,
        classes: [...d.classes],
        eventTypes: { ...d.eventTypes },
        scoreThreshold: d.scoreThreshold,
        iouThreshold: d.iouThreshold,
      })),
    rejected: () => [...registry.rejected],
    async detect(modelIds, image) {
      known(modelIds);
      const t0 = performance.now();
      let res: WorkerResponse;
      try {
        res = await pool.run({ kind: 'detect', modelIds: [...modelIds], image });
      } catch (err) {
        return modelIds.map((modelId) => ({ modelId, outcome: 'error' as const, error: err as AppError }));
      }
      const totalMs = performance.now() - t0;
      if (res.kind !== 'detected') throw new Error(`unexpected worker answer ${res.kind}`);
      return res.runs.map((r): ModelRun => (r.outcome === 'ok' ? { ...r, timing: { ...r.timing, totalMs } } : { modelId: r.modelId, outcome: 'error', error: fromInfo(r.error) }));
    },
    async check(modelIds = [...ids]) {
      known(modelIds);
      const res = await pool.run({ kind: 'check', modelIds: [...modelIds] });
      if (res.kind !== 'checked') throw new Error(`unexpected worker answer ${res.kind}`);
      return res.models.map((m): ModelCheck => (m.ok ? m : { modelId: m.modelId, ok: false, error: fromInfo(m.error) }));
    },
    stats: () => pool.stats(),
    close: () => pool.close(),
  };
}

