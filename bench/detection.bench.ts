/**
 * Detection benchmark: the PaddleOCR v4 text detector (the real model of the default install), our
 * city-events detector (`models/yzg-city-events.*`) and
 * a trivial 640×640 model (a constant YOLOv8 head: preprocessing, worker hop and decoding without
 * real inference) through the detector's worker pool, at 1 and 2 onnxruntime threads, on
 * 1024×768 images of the simulated aerial camera:
 *
 *  - images/s and latency p50/p95 (call → answer), with preprocess/infer/postprocess p50 each,
 *    quiet and **while a sensor ingest load runs** (the ingest bench's 50 MQTT clients → broker →
 *    hub → PostgreSQL at 5,000 readings/s) in the same process;
 *  - the ingest's publish→commit p99 with detection running beside it vs. ingest alone;
 *  - the main thread's event-loop delay p99 while images are detected in the pool vs. the same
 *    model run on the main thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Benchmark, BenchRow } from './types.ts';
import { silentLogger } from '../common/logger.ts';
import { createDetector, type Detector } from '../analytics/detection/detector.ts';
import { loadModelRegistry } from '../analytics/detection/model-registry.ts';
import { openModelSession } from '../analytics/detection/model-session.ts';
import { runModel } from '../analytics/detection/run-model.ts';
import { constantOutputModel } from '../test/support/onnx-models.ts';
import { runPacedIngest, startIngestRig } from './ingest.bench.ts';
import { loadAerialScene } from '../edge/world/aerial/aerial-scene.ts';
import { nadirPose, renderAerialImage } from '../edge/world/aerial/aerial-render.ts';
import { offsetToGeo } from '../edge/world/aerial/camera-geometry.ts';

const OCR = 'ppocr-v4-det';
const TRIVIAL = 'trivial-640';
/** The project's own detector (320×240, with box voting). */
const CITY = 'yzg-city-events';
const IMAGES_PER_RUN = 16;
const INGEST_RATE = 5000;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

/** Four 1024×768 images of the simulated aerial camera over the seeded district at 40 m (banners, garbage, roads, roofs). */
async function sceneImages(): Promise<Buffer[]> {
  const scene = loadAerialScene('data', { seed: 42, density: { bannerPerBlock: 1 } });
  const centre = { lat: 22.9421, lon: 113.3625 };
  const poses = [0, 1, 2, 3].map((k) => nadirPose({ ...offsetToGeo(centre, 60 * k, -40 * k), altRelM: 40, headingDeg: 30 * k, takenAt: '2026-06-01T08:00:00Z' }));
  return Promise.all(poses.map(async (pose) => (await renderAerialImage(scene, pose)).jpeg));
}

interface Measured {
  imagesPerS: number;
  p50: number;
  p95: number;
  preP50: number;
  inferP50: number;
  postP50: number;
}

/** Detects IMAGES_PER_RUN images one after the other (one in flight: the pool has one worker). */
async function measure(detector: Detector, modelId: string, images: Buffer[]): Promise<Measured> {
  await detector.detect([modelId], images[0]!); // warm the session
  const total: number[] = [];
  const pre: number[] = [];
  const infer: number[] = [];
  const post: number[] = [];
  const t0 = performance.now();
  for (let i = 0; i < IMAGES_PER_RUN; i++) {
    const [run] = await detector.detect([modelId], images[i % images.length]!);
    if (run?.outcome !== 'ok') throw new Error(`${modelId} failed: ${run?.outcome === 'error' ? run.error.message : 'no answer'}`);
    total.push(run.timing.totalMs);
    pre.push(run.timing.preprocessMs);
    infer.push(run.timing.inferMs);
    post.push(run.timing.postprocessMs);
  }
  const seconds = (performance.now() - t0) / 1000;
  return { imagesPerS: IMAGES_PER_RUN / seconds, p50: percentile(total, 50), p95: percentile(total, 95), preP50: percentile(pre, 50), inferP50: percentile(infer, 50), postP50: percentile(post, 50) };
}

/** Event-loop delay p99 (ms) of this thread while `work` runs. */
async function loopDelayP99(work: () => Promise<void>): Promise<number> {
  const h = monitorEventLoopDelay({ resolution: 5 });
  h.enable();
  await work();
  h.disable();
  return h.percentile(99) / 1e6;
}

/** The detection benchmark. */
export const detectionBenchmark: Benchmark = {
  name: 'detection',
  description: 'PaddleOCR v4 text detector, our city-events detector and a trivial 640×640 model in the worker pool at 1 and 2 threads: images/s, latency p50/p95, preprocess/infer/postprocess, quiet vs. while ingest runs at 5,000 readings/s',
  async run({ config, out }) {
    const modelDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-det-bench-'));
    const rows: BenchRow[] = [];
    try {
      fs.copyFileSync(path.join(config.modelDir, `${OCR}.json`), path.join(modelDir, `${OCR}.json`));
      const ocrJson = JSON.parse(fs.readFileSync(path.join(modelDir, `${OCR}.json`), 'utf8')) as { file: string };
      if (!ocrJson.file.startsWith('package:') && !path.isAbsolute(ocrJson.file)) ocrJson.file = path.resolve(config.modelDir, ocrJson.file);
      fs.writeFileSync(path.join(modelDir, `${OCR}.json`), JSON.stringify(ocrJson));
      for (const f of [`${CITY}.json`, `${CITY}.onnx`]) fs.copyFileSync(path.join(config.modelDir, f), path.join(modelDir, f));
      const anchors = 100;
      const head = new Array<number>(6 * anchors).fill(0.01);
      for (let i = 0; i < anchors; i++) [head[i], head[anchors + i], head[2 * anchors + i], head[3 * anchors + i]] = [(i % 10) * 64 + 32, Math.floor(i / 10) * 64 + 32, 40, 40];
      fs.writeFileSync(path.join(modelDir, `${TRIVIAL}.onnx`), constantOutputModel({ inputName: 'images', inputDims: [1, 3, 640, 640], outputName: 'output0', outputDims: [1, 6, anchors], values: head }));
      fs.writeFileSync(
        path.join(modelDir, `${TRIVIAL}.json`),
        JSON.stringify({ id: TRIVIAL, file: `${TRIVIAL}.onnx`, input: { name: 'images', width: 640, height: 640, channels: 'RGB', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] }, output: { name: 'output0', layout: 'yolov8' }, classes: ['a', 'b'], eventTypes: {}, scoreThreshold: 0.25, iouThreshold: 0.45 }),
      );
      const images = await sceneImages();
      const detectors = new Map<number, Detector>();
      for (const threads of [1, 2]) detectors.set(threads, await createDetector({ modelDir, poolSize: 1, threads, log: silentLogger() }));
      const cases = [OCR, CITY, TRIVIAL].flatMap((modelId) => [1, 2].map((threads) => ({ modelId, threads })));
      const quiet = new Map<string, Measured>();
      const loaded = new Map<string, Measured>();
      const key = (c: { modelId: string; threads: number }) => `${c.modelId}@${c.threads}`;
      try {
        out('quiet: each model at 1 and 2 threads…');
        const tQuiet = performance.now();
        for (const c of cases) quiet.set(key(c), await measure(detectors.get(c.threads)!, c.modelId, images));
        const quietS = (performance.now() - tQuiet) / 1000;

        out('event-loop delay: detection in the pool vs. on the main thread…');
        const inPool = await loopDelayP99(async () => void (await measure(detectors.get(1)!, OCR, images)));
        const ocrModel = loadModelRegistry(modelDir).models.find((m) => m.descriptor.id === OCR)!;
        const session = await openModelSession(ocrModel, 1);
        const onMain = await loopDelayP99(async () => {
          for (let i = 0; i < IMAGES_PER_RUN; i++) await runModel(session, images[i % images.length]!);
        });
        await session.release();

        // Both ingest passes last as long, so a backlog (if the machine cannot keep up) grows alike.
        const seconds = Math.ceil(quietS * 1.6) + 6;
        out(`ingest alone at ${INGEST_RATE} readings/s for ${seconds} s…`);
        const rig = await startIngestRig(config);
        try {
          let base = Date.parse('2026-03-01T00:00:00Z');
          const alone = await runPacedIngest(rig, { readingsPerS: INGEST_RATE, seconds, tsBaseMs: (base += 86_400_000) });
          out(`ingest at ${INGEST_RATE} readings/s for ${seconds} s with detection beside it…`);
          const ingest = runPacedIngest(rig, { readingsPerS: INGEST_RATE, seconds, tsBaseMs: (base += 86_400_000) });
          await new Promise((r) => setTimeout(r, 3000)); // clients connected and publishing
          for (const c of cases) loaded.set(key(c), await measure(detectors.get(c.threads)!, c.modelId, images));
          const withDetection = await ingest;
          rows.push(
            { figure: `ingest publish→commit p99 at ${INGEST_RATE}/s while detection runs`, unit: 'ms', value: withDetection.commitP99, baseline: { name: 'ingest alone', value: alone.commitP99 }, higherIsBetter: false },
            { figure: `ingest readings/s while detection runs (paced ${INGEST_RATE}/s)`, unit: 'rows/s', value: withDetection.perSecond, baseline: { name: 'ingest alone', value: alone.perSecond }, higherIsBetter: true },
          );
        } finally {
          await rig.close();
        }
        rows.push({ figure: 'event-loop delay p99 while OCR detects (pool)', unit: 'ms', value: inPool, baseline: { name: 'same model on the main thread', value: onMain }, higherIsBetter: false });
      } finally {
        for (const d of detectors.values()) await d.close();
      }
      for (const c of cases) {
        const q = quiet.get(key(c))!;
        const l = loaded.get(key(c))!;
        const label = `${c.modelId}, ${c.threads} thread${c.threads > 1 ? 's' : ''}, under ingest`;
        rows.push(
          { figure: `${label}: images/s`, unit: 'img/s', value: l.imagesPerS, baseline: { name: 'quiet', value: q.imagesPerS }, higherIsBetter: true },
          { figure: `${label}: latency p50`, unit: 'ms', value: l.p50, baseline: { name: 'quiet', value: q.p50 }, higherIsBetter: false },
          { figure: `${label}: latency p95`, unit: 'ms', value: l.p95, baseline: { name: 'quiet', value: q.p95 }, higherIsBetter: false },
          { figure: `${label}: preprocess p50`, unit: 'ms', value: l.preP50, baseline: { name: 'quiet', value: q.preP50 }, higherIsBetter: false },
          { figure: `${label}: infer p50`, unit: 'ms', value: l.inferP50, baseline: { name: 'quiet', value: q.inferP50 }, higherIsBetter: false },
          { figure: `${label}: postprocess p50`, unit: 'ms', value: l.postP50, baseline: { name: 'quiet', value: q.postP50 }, higherIsBetter: false },
        );
      }
      const ocr1 = quiet.get(`${OCR}@1`)!;
      const triv1 = quiet.get(`${TRIVIAL}@1`)!;
      rows.push({ figure: `${OCR} latency p50 (quiet, 1 thread) vs. a trivial 640×640 model`, unit: 'ms', value: ocr1.p50, baseline: { name: 'trivial model (pipeline overhead)', value: triv1.p50 }, higherIsBetter: false });
      return rows;
    } finally {
      fs.rmSync(modelDir, { recursive: true, force: true });
    }
  },
};
