/**
 * The committed city-events detector (`models/yzg-city-events.onnx`) through the real registry,
 * worker pool, preprocessing and YOLOv8 decoding: on freshly rendered scenes of a district it
 * was not trained on (another scene seed, other places), it finds the waterlogging, garbage and
 * floating debris the renderer placed, at IoU 0.5; an empty scene gives no detections.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.ts';
import { createDetector, type Detector } from '../analytics/detection/detector.ts';
import { buildDataset, type DatasetSpec } from '../analytics/detection/training/dataset.ts';
import { computeMetrics, formatMetrics, type ImageDetections } from '../analytics/detection/training/evaluate.ts';
import { DESCRIPTOR } from '../analytics/detection/training/model.ts';
import { AerialScene } from '../edge/world/aerial/aerial-scene.ts';
import { nadirPose, renderAerialImage } from '../edge/world/aerial/aerial-render.ts';

const SPEC: DatasetSpec = { name: 'ci-s303', sceneSeed: 303, poseSeed: 3030, count: 14, widthPx: 1024, heightPx: 768, density: { garbagePerBlock: 0.9, debrisPer60M: 0.6 } };

// measured with the committed model and its box voting: recall 0.89, precision 0.74 on these 14
// images (19 objects); without voting (NMS at 0.3) it was 0.84 and 0.39
const RECALL_FLOOR = 0.7;
const PRECISION_FLOOR = 0.5;

let root: string;
let detector: Detector;

beforeAll(async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-detector-'));
  detector = await createDetector({ modelDir: path.resolve('models'), poolSize: 1, threads: 1, log: silentLogger() });
});

afterAll(async () => {
  await detector?.close();
  if (root) fs.rmSync(root, { recursive: true, force: true });
});

describe('city-events detector (committed model)', () => {
  it('loads through the registry with its descriptor', async () => {
    const info = detector.models().find((m) => m.id === DESCRIPTOR.id);
    expect(info).toMatchObject({ layout: 'yolov8', classes: ['waterlogging', 'garbage', 'floating-debris'], eventTypes: { waterlogging: 'waterlogging', garbage: 'exposed_garbage', 'floating-debris': 'river_debris' } });
    expect(await detector.check([DESCRIPTOR.id])).toEqual([{ modelId: DESCRIPTOR.id, ok: true }]);
  });

  it('finds the rendered objects of an unseen district (recall at IoU 0.5 and the descriptor threshold)', async () => {
    const samples = await buildDataset(SPEC, { root, dataDir: path.resolve('data') });
    const images: ImageDetections[] = [];
    for (const s of samples) {
      const [run] = await detector.detect([DESCRIPTOR.id], fs.readFileSync(path.join(root, SPEC.name, s.file)));
      if (run?.outcome !== 'ok') throw new Error(`detection failed: ${JSON.stringify(run)}`);
      images.push({
        detections: run.detections.map((d) => ({ classIndex: DESCRIPTOR.classes.indexOf(d.class), score: d.score, box: d.boxPx })),
        truth: s.objects.map((o) => ({ classIndex: DESCRIPTOR.classes.indexOf(o.kind), box: o.box, difficult: o.visibleFraction < 0.5 || Math.min(o.box[2] - o.box[0], o.box[3] - o.box[1]) < 8 })),
      });
      for (const d of run.detections) expect(d.eventType).toBe(DESCRIPTOR.eventTypes[d.class]);
    }
    const m = computeMetrics(images, DESCRIPTOR.classes, DESCRIPTOR.scoreThreshold);
    console.log(formatMetrics(m));
    const objects = m.perClass.reduce((a, c) => a + c.objects, 0);
    expect(objects).toBeGreaterThanOrEqual(10);
    expect(m.recall).toBeGreaterThanOrEqual(RECALL_FLOOR);
    expect(m.precision).toBeGreaterThanOrEqual(PRECISION_FLOOR);
  }, 120_000);

  it('detects nothing on bare ground', async () => {
    const scene = new AerialScene({ seed: 5, bareGround: true });
    const out = await renderAerialImage(scene, nadirPose({ lat: 22.95, lon: 113.37, altRelM: 90, takenAt: '2026-06-01T08:00:00Z' }));
    const [run] = await detector.detect([DESCRIPTOR.id], out.jpeg);
    expect(run?.outcome).toBe('ok');
    if (run?.outcome === 'ok') expect(run.detections).toEqual([]);
  });
});
