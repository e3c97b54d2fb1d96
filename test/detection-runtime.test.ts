/**
 * The detection runtime with real onnxruntime and sharp: YOLOv5/YOLOv8 models built here with
 * onnx-proto whose outputs are known, so the detections (boxes in original pixels after the
 * letterbox, scores, class-wise NMS) are exact; bad models, mismatching descriptors and corrupt
 * images give catalogue errors while the worker pool keeps serving.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../common/errors.ts';
import { silentLogger } from '../common/logger.ts';
import { createDetector, type Detector, type ModelRun } from '../analytics/detection/detector.ts';
import { createWorkerPool } from '../analytics/detection/worker-pool.ts';
import type { WorkerRequest, WorkerResponse } from '../analytics/detection/worker-protocol.ts';
import { constantOutputModel } from './support/onnx-models.ts';

const CLASSES = ['garbage', 'water'];
const descriptor = (id: string, file: string, layout: string, extra: Record<string, unknown> = {}) => ({
  id,
  file,
  input: { name: 'images', width: 64, height: 64, channels: 'RGB', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] },
  output: { name: 'output0', layout },
  classes: CLASSES,
  eventTypes: { garbage: 'exposed_garbage', water: 'waterlogging' },
  scoreThreshold: 0.25,
  iouThreshold: 0.45,
  ...extra,
});

// YOLOv5 rows (cx, cy, w, h, objectness, garbage, water), model pixels of a 64×64 input.
const V5_ROWS = [
  [32, 32, 16, 8, 0.9, 0.8, 0.1], // garbage 0.72
  [33, 32, 16, 8, 0.9, 0.7, 0.1], // garbage 0.63, IoU 0.88 with the first → suppressed
  [33, 32, 16, 8, 0.85, 0.1, 0.9], // water 0.765, same place, other class → kept
  [10, 10, 4, 4, 0.2, 0.9, 0], // 0.18 < 0.25 → dropped
];
// YOLOv8 anchors (cx, cy, w, h, garbage, water), laid out [1, 6, N].
const V8_ANCHORS = [
  [16, 40, 8, 8, 0.3, 0.95], // water 0.95
  [17, 40, 8, 8, 0.2, 0.9], // water 0.9, IoU 0.78 → suppressed
  [48, 20, 12, 6, 0.6, 0.1], // garbage 0.6
  [50, 50, 4, 4, 0.1, 0.2], // below threshold
  [40, 40, 2, 2, 0.24, 0.0], // just below threshold
];

let dir: string;
let detector: Detector;
let image: Buffer;

const ok = (run: ModelRun | undefined) => {
  if (run?.outcome !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(run)}`);
  return run;
};
const rounded = (run: ModelRun | undefined) => ok(run).detections.map((d) => ({ ...d, score: Math.round(d.score * 1e4) / 1e4, boxPx: d.boxPx.map((v) => Math.round(v * 1e3) / 1e3) }));

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-det-'));
  const write = (name: string, d: unknown) => fs.writeFileSync(path.join(dir, name), JSON.stringify(d));
  fs.writeFileSync(path.join(dir, 'v5.onnx'), constantOutputModel({ inputName: 'images', inputDims: [1, 3, 64, 64], outputName: 'output0', outputDims: [1, 4, 7], values: V5_ROWS.flat() }));
  const v8 = new Array<number>(6 * V8_ANCHORS.length);
  V8_ANCHORS.forEach((a, i) => a.forEach((v, r) => (v8[r * V8_ANCHORS.length + i] = v)));
  fs.writeFileSync(path.join(dir, 'v8.onnx'), constantOutputModel({ inputName: 'images', inputDims: [1, 3, 64, 64], outputName: 'output0', outputDims: [1, 6, 5], values: v8 }));
  fs.writeFileSync(path.join(dir, 'corrupt.onnx'), Buffer.from('this is not an ONNX protobuf at all, just bytes \x00\x01\x02'));
  write('v5.json', descriptor('v5', 'v5.onnx', 'yolov5'));
  write('v8.json', descriptor('v8', 'v8.onnx', 'yolov8'));
  write('corrupt.json', descriptor('corrupt', 'corrupt.onnx', 'yolov8'));
  // The v8 model has 2 classes; this descriptor claims 3.
  write('three-classes.json', descriptor('three-classes', 'v8.onnx', 'yolov8', { classes: ['garbage', 'water', 'debris'] }));
  write('wrong-output.json', { ...descriptor('wrong-output', 'v8.onnx', 'yolov8'), output: { name: 'boxes', layout: 'yolov8' } });
  write('wrong-layout.json', descriptor('wrong-layout', 'v8.onnx', 'yolov5'));
  write('bad-json.json', { ...descriptor('bad-json', 'v8.onnx', 'yolov9') });
  write('missing-file.json', descriptor('missing-file', 'nowhere.onnx', 'yolov8'));
  detector = await createDetector({ modelDir: dir, poolSize: 1, threads: 1, log: silentLogger() });
  // 128 × 64 image: letterboxed to 64 × 64 at scale 0.5 with 16 px of padding above and below.
  image = await sharp({ create: { width: 128, height: 64, channels: 3, background: '#8a8a80' } }).jpeg().toBuffer();
});

afterAll(async () => {
  await detector?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('detection runtime with constructed models', { timeout: 120_000 }, () => {
  it('lists good models and refuses invalid descriptors and missing files with their reasons', () => {
    expect(detector.models().map((m) => m.id).sort()).toEqual(['corrupt', 'three-classes', 'v5', 'v8', 'wrong-layout', 'wrong-output']);
    const rejected = Object.fromEntries(detector.rejected().map((r) => [path.basename(r.descriptorPath), r.error.code]));
    expect(rejected).toEqual({ 'bad-json.json': 'DESCRIPTOR_INVALID', 'missing-file.json': 'MODEL_NOT_FOUND' });
  });

  it('decodes YOLOv5 output exactly: objectness × class score, class-wise NMS, boxes in original pixels', async () => {
    const [run] = await detector.detect(['v5'], image);
    expect(rounded(run)).toEqual([
      { class: 'water', eventType: 'waterlogging', score: 0.765, boxPx: [50, 24, 82, 40] },
      { class: 'garbage', eventType: 'exposed_garbage', score: 0.72, boxPx: [48, 24, 80, 40] },
    ]);
    expect(ok(run).imageWidthPx).toBe(128);
    expect(ok(run).imageHeightPx).toBe(64);
  });

  it('decodes YOLOv8 output exactly: class scores without objectness, class-wise NMS', async () => {
    const [run] = await detector.detect(['v8'], image);
    expect(rounded(run)).toEqual([
      { class: 'water', eventType: 'waterlogging', score: 0.95, boxPx: [24, 40, 40, 56] },
      { class: 'garbage', eventType: 'exposed_garbage', score: 0.6, boxPx: [84, 2, 108, 14] },
    ]);
    const t = ok(run).timing;
    for (const k of ['preprocessMs', 'inferMs', 'postprocessMs', 'totalMs'] as const) expect(t[k]).toBeGreaterThan(0);
  });

  it('answers a corrupt model file, mismatching descriptors and a corrupt image with catalogue errors, and keeps serving', async () => {
    const runs = await detector.detect(['corrupt', 'three-classes', 'wrong-output', 'wrong-layout', 'v5'], image);
    const codes = Object.fromEntries(runs.map((r) => [r.modelId, r.outcome === 'error' ? r.error.code : 'ok']));
    expect(codes).toEqual({ corrupt: 'MODEL_FILE_CORRUPT', 'three-classes': 'DESCRIPTOR_MISMATCH', 'wrong-output': 'DESCRIPTOR_MISMATCH', 'wrong-layout': 'DESCRIPTOR_MISMATCH', v5: 'ok' });
    const mismatch = runs.find((r) => r.modelId === 'three-classes');
    if (mismatch?.outcome !== 'error') throw new Error('expected an error');
    expect(mismatch.error).toBeInstanceOf(AppError);
    expect(mismatch.error.message).toMatch(/[\u4e00-\u9fff].* \/ /);
    expect(JSON.stringify(mismatch.error.details)).toContain('[1,7,N] for 3 classes');

    const truncated = image.subarray(0, 40);
    for (const bad of [Buffer.from('not an image'), truncated, Buffer.alloc(0)]) {
      const [r] = await detector.detect(['v8'], bad);
      expect(r?.outcome === 'error' && r.error.code).toBe('IMAGE_CORRUPT');
    }
    // The same (only) worker still serves good requests.
    expect(rounded((await detector.detect(['v8'], image))[0])).toHaveLength(2);
    expect(detector.stats()).toMatchObject({ size: 1, replaced: 0 });
    const checks = await detector.check(['v8', 'corrupt']);
    expect(checks.map((c) => (c.ok ? 'ok' : c.error.code))).toEqual(['ok', 'MODEL_FILE_CORRUPT']);
  });

  it('refuses unknown model ids as a bad request', async () => {
    await expect(detector.detect(['nope'], image)).rejects.toMatchObject({ code: 'MODEL_NOT_FOUND', statusCode: 404 });
  });

  it('runs queued requests on every worker without blocking the event loop', async () => {
    const d = await createDetector({ modelDir: dir, poolSize: 2, threads: 1, log: silentLogger() });
    try {
      let ticks = 0;
      const timer = setInterval(() => ticks++, 5);
      const t0 = performance.now();
      const runs = await Promise.all(Array.from({ length: 12 }, () => d.detect(['v8', 'v5'], image)));
      const elapsed = performance.now() - t0;
      clearInterval(timer);
      expect(runs.flat().every((r) => r.outcome === 'ok')).toBe(true);
      // The event loop kept ticking while the workers decoded and inferred.
      expect(ticks).toBeGreaterThan(elapsed / 5 / 4);
      expect(d.stats()).toMatchObject({ size: 2, busy: 0, queued: 0 });
      // Worker threads run at nice 10 (the default) so ingest and the API keep the CPU.
      const niceOf = (tid: string) => {
        const st = fs.readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
        return Number(st.slice(st.lastIndexOf(')') + 2).split(' ')[16]);
      };
      expect(fs.readdirSync('/proc/self/task').filter((t) => niceOf(t) === 10).length).toBeGreaterThanOrEqual(2);
      expect(niceOf(String(process.pid))).toBe(0);
    } finally {
      await d.close();
    }
    await expect(d.detect(['v8'], image)).resolves.toMatchObject([{ outcome: 'error', error: { code: 'DETECTOR_CLOSED' } }]);
  });
});

describe('worker pool', { timeout: 120_000 }, () => {
  it('replaces a crashed worker, fails only its task, and serves the next one', async () => {
    const models = [{ descriptor: descriptor('v8', 'v8.onnx', 'yolov8'), modelPath: path.join(dir, 'v8.onnx'), descriptorPath: path.join(dir, 'v8.json') }];
    const pool = createWorkerPool<WorkerRequest, WorkerResponse>({ url: new URL('../analytics/detection/detector.worker.mjs', import.meta.url), size: 1, workerData: { models, threads: 1, nice: 0 }, log: silentLogger() });
    try {
      const crashed = pool.run({ kind: 'crash' });
      const next = pool.run({ kind: 'detect', modelIds: ['v8'], image });
      await expect(crashed).rejects.toMatchObject({ code: 'DETECTOR_WORKER_CRASHED' });
      const res = await next;
      expect(res.kind === 'detected' && res.runs[0]?.outcome).toBe('ok');
      expect(pool.stats()).toMatchObject({ size: 1, replaced: 1, done: 2 });
    } finally {
      await pool.close();
    }
  });

  it('fails a task that runs past its time limit and replaces the worker', async () => {
    const models = [{ descriptor: descriptor('v8', 'v8.onnx', 'yolov8'), modelPath: path.join(dir, 'v8.onnx'), descriptorPath: path.join(dir, 'v8.json') }];
    // 1 ms cannot cover starting a worker and loading a model.
    const pool = createWorkerPool<WorkerRequest, WorkerResponse>({ url: new URL('../analytics/detection/detector.worker.mjs', import.meta.url), size: 1, workerData: { models, threads: 1, nice: 0 }, log: silentLogger(), taskTimeoutMs: 1 });
    try {
      await expect(pool.run({ kind: 'check', modelIds: ['v8'] })).rejects.toMatchObject({ code: 'DETECTION_TIMEOUT', statusCode: 504 });
      expect(pool.stats()).toMatchObject({ size: 1, replaced: 1 });
    } finally {
      await pool.close();
    }
  });
});
