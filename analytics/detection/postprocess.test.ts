import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeDb } from './db.postprocess.ts';
import { iou, nmsByClass, type ScoredBox } from './nms.ts';
import { boxToImage, toNchw } from './preprocess.ts';
import { decodeYolov5, decodeYolov8 } from './yolo.postprocess.ts';
import { postprocess } from './run-model.ts';
import type { ModelDescriptor } from './model-descriptor.ts';

/** A one-class YOLOv8 model with box voting, for the post-processing tests. */
const DESCRIPTOR_FOR_VOTING = {
  id: 'voting-test',
  name: 'voting test',
  file: 'none.onnx',
  input: { name: 'images', width: 64, height: 64, channels: 'RGB', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1], padValue: 114 },
  output: { name: 'output0', layout: 'yolov8' },
  classes: ['object'],
  eventTypes: {},
  scoreThreshold: 0.35,
  iouThreshold: 0.1,
  boxVoting: { minScore: 0.05 },
} as unknown as ModelDescriptor;

describe('non-maximum suppression', () => {
  it('keeps the best of overlapping boxes of one class and boxes of other classes', () => {
    const boxes: ScoredBox[] = [
      { box: [0, 0, 10, 10], score: 0.6, classIndex: 0 },
      { box: [1, 0, 11, 10], score: 0.9, classIndex: 0 },
      { box: [1, 0, 11, 10], score: 0.5, classIndex: 1 },
      { box: [50, 50, 60, 60], score: 0.4, classIndex: 0 },
    ];
    expect(nmsByClass(boxes, 0.45)).toEqual([boxes[1], boxes[2], boxes[3]]);
    expect(nmsByClass(boxes, 0.45, 2)).toEqual([boxes[1], boxes[2]]);
  });

  it('never keeps two same-class boxes above the IoU threshold, and keeps every isolated box', () => {
    const box = fc.tuple(fc.integer({ min: 0, max: 90 }), fc.integer({ min: 0, max: 90 }), fc.integer({ min: 1, max: 30 }), fc.integer({ min: 1, max: 30 }));
    fc.assert(
      fc.property(fc.array(fc.record({ b: box, score: fc.double({ min: 0, max: 1, noNaN: true }), classIndex: fc.integer({ min: 0, max: 2 }) }), { maxLength: 40 }), (raw) => {
        const boxes = raw.map((r) => ({ box: [r.b[0], r.b[1], r.b[0] + r.b[2], r.b[1] + r.b[3]] as ScoredBox['box'], score: r.score, classIndex: r.classIndex }));
        const kept = nmsByClass(boxes, 0.5);
        for (const a of kept) for (const b of kept) if (a !== b && a.classIndex === b.classIndex) expect(iou(a.box, b.box)).toBeLessThanOrEqual(0.5);
        for (const b of boxes) if (!boxes.some((o) => o !== b && o.classIndex === b.classIndex && iou(o.box, b.box) > 0.5)) expect(kept).toContain(b);
      }),
    );
  });
});

describe('box voting', () => {
  it('moves a kept box to the score-weighted mean of the boxes it suppressed, score and class unchanged', () => {
    const boxes: ScoredBox[] = [
      { box: [0, 0, 10, 10], score: 0.8, classIndex: 0 },
      { box: [4, 0, 14, 10], score: 0.4, classIndex: 0 }, // IoU 0.43 with the first: votes
      { box: [2, 2, 12, 12], score: 0.02, classIndex: 0 }, // suppressed, below minScore: no vote
      { box: [0, 0, 10, 10], score: 0.7, classIndex: 1 }, // other class: kept on its own
      { box: [40, 40, 50, 50], score: 0.3, classIndex: 0 }, // isolated: unchanged
    ];
    const kept = nmsByClass(boxes, 0.1, Infinity, { minScore: 0.05 });
    expect(kept.map((k) => [k.classIndex, k.score])).toEqual([
      [0, 0.8],
      [1, 0.7],
      [0, 0.3],
    ]);
    const x1 = (0.8 * 0 + 0.4 * 4) / 1.2;
    const x2 = (0.8 * 10 + 0.4 * 14) / 1.2;
    kept[0]!.box.forEach((v, i) => expect(v).toBeCloseTo([x1, 0, x2, 10][i]!, 9));
    expect(kept[1]!.box).toEqual([0, 0, 10, 10]);
    expect(kept[2]!.box).toEqual([40, 40, 50, 50]);
    // without voting the same boxes are kept, where they were
    expect(nmsByClass(boxes, 0.1).map((k) => k.box)).toEqual([boxes[0]!.box, boxes[3]!.box, boxes[4]!.box]);
  });

  it('reports a box the same whatever score threshold it is reported at', () => {
    const d = {
      ...DESCRIPTOR_FOR_VOTING,
      scoreThreshold: 0.35,
    };
    // two cells of class 0 see one object; the weaker (0.2) is under the report threshold but votes
    const cells = [
      [16, 16, 16, 16, 0.9],
      [20, 16, 16, 16, 0.2],
    ];
    const data = Float32Array.from([0, 1, 2, 3, 4].flatMap((k) => cells.map((c) => c[k]!)));
    const lb = { scale: 1, padX: 0, padY: 0, imageWidthPx: 64, imageHeightPx: 64 };
    const high = postprocess(d, data, [1, 5, 2], lb);
    const low = postprocess({ ...d, scoreThreshold: 0.1 }, data, [1, 5, 2], lb);
    expect(high).toHaveLength(1);
    expect(low).toHaveLength(1);
    expect(high[0]!.boxPx).toEqual(low[0]!.boxPx);
    const cx = (0.9 * 16 + 0.2 * 20) / 1.1;
    high[0]!.boxPx.forEach((v, i) => expect(v).toBeCloseTo([cx - 8, 8, cx + 8, 24][i]!, 6));
  });
});

describe('YOLO decoding', () => {
  it('decodes YOLOv5 rows: centre xywh, objectness × best class score, threshold', () => {
    const rows = [
      [32, 32, 16, 8, 0.5, 0.8, 0.2],
      [10, 10, 4, 4, 0.2, 0.9, 0.1], // 0.18 < 0.25
      [20, 40, 10, 20, 1, 0.1, 0.3],
    ];
    const out = decodeYolov5(Float32Array.from(rows.flat()), [1, 3, 7], 2, 0.25);
    expect(out.map((o) => ({ ...o, score: Math.round(o.score * 1e6) / 1e6 }))).toEqual([
      { box: [24, 28, 40, 36], score: 0.4, classIndex: 0 },
      { box: [15, 30, 25, 50], score: 0.3, classIndex: 1 },
    ]);
    expect(() => decodeYolov5(new Float32Array(21), [1, 3, 7], 3, 0.25)).toThrow(/expected 8/);
  });

  it('decodes YOLOv8 columns: [cx…, cy…, w…, h…, class scores…] without objectness', () => {
    // Three anchors, two classes, laid out [1, 6, 3].
    const cols = [
      [32, 32, 16, 8, 0.1, 0.7],
      [5, 5, 2, 2, 0.2, 0.1],
      [48, 16, 8, 8, 0.9, 0.3],
    ];
    const data = new Float32Array(18);
    cols.forEach((c, i) => c.forEach((v, r) => (data[r * 3 + i] = v)));
    const out = decodeYolov8(data, [1, 6, 3], 2, 0.25);
    expect(out.map((o) => ({ ...o, score: Math.round(o.score * 1e6) / 1e6 }))).toEqual([
      { box: [24, 28, 40, 36], score: 0.7, classIndex: 1 },
      { box: [44, 12, 52, 20], score: 0.9, classIndex: 0 },
    ]);
  });
});

describe('PaddleOCR DB decoding', () => {
  it('finds an axis-aligned text kernel and unclips it by area × 1.5 / perimeter', () => {
    const w = 64;
    const h = 32;
    const prob = new Float32Array(w * h);
    for (let y = 10; y < 20; y++) for (let x = 10; x < 50; x++) prob[y * w + x] = 0.9;
    const [r, ...rest] = decodeDb(prob, w, h, { binaryThreshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSizePx: 3, maxRegions: 10 });
    expect(rest).toEqual([]);
    const d = (40 * 10 * 1.5) / (2 * 50); // 6 px
    expect(r!.score).toBeCloseTo(0.9, 5);
    r!.box.forEach((v, i) => expect(v).toBeCloseTo([10 - d, 10 - d, 50 + d, 20 + d][i]!, 5));
    expect(r!.polygon).toHaveLength(4);
  });

  it('follows a rotated kernel with a rotated rectangle, and drops weak or tiny regions', () => {
    const w = 100;
    const h = 100;
    const prob = new Float32Array(w * h);
    const a = (30 * Math.PI) / 180;
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const u = (x + 0.5 - 50) * Math.cos(a) + (y + 0.5 - 50) * Math.sin(a);
        const v = -(x + 0.5 - 50) * Math.sin(a) + (y + 0.5 - 50) * Math.cos(a);
        if (Math.abs(u) < 25 && Math.abs(v) < 5) prob[y * w + x] = 0.95;
      }
    prob[5 * w + 5] = 0.99; // a speck
    for (let y = 80; y < 90; y++) for (let x = 10; x < 40; x++) prob[y * w + x] = 0.35; // above 0.3, below the box score 0.6
    const out = decodeDb(prob, w, h, { binaryThreshold: 0.3, boxThreshold: 0.6, unclipRatio: 1.5, minSizePx: 3, maxRegions: 10 });
    expect(out).toHaveLength(1);
    const [p0, p1] = out[0]!.polygon;
    const angle = (Math.atan2(p1![1] - p0![1], p1![0] - p0![0]) * 180) / Math.PI;
    expect(Math.abs(angle - 30)).toBeLessThan(3);
  });
});

describe('preprocessing helpers', () => {
  it('normalises HWC bytes into CHW floats in the model channel order', () => {
    const rgb = Uint8Array.from([255, 0, 51, 0, 255, 102]); // two pixels
    const rgbOut = toNchw(rgb, 2, 1, { channels: 'RGB', scale: 1 / 255, mean: [0, 0, 0], std: [1, 1, 1] });
    expect(Array.from(rgbOut).map((v) => Math.round(v * 100) / 100)).toEqual([1, 0, 0, 1, 0.2, 0.4]);
    const bgr = toNchw(rgb, 2, 1, { channels: 'BGR', scale: 1 / 255, mean: [0.5, 0.5, 0.5], std: [0.5, 0.5, 0.5] });
    expect(Array.from(bgr).map((v) => Math.round(v * 100) / 100)).toEqual([-0.6, -0.2, -1, 1, 1, -1]);
  });

  it('maps letterboxed model boxes back to original pixels, clipped to the image', () => {
    const lb = { imageWidthPx: 128, imageHeightPx: 64, scale: 0.5, padX: 0, padY: 16 };
    expect(boxToImage([24, 28, 40, 36], lb)).toEqual([48, 24, 80, 40]);
    expect(boxToImage([-4, 0, 70, 60], lb)).toEqual([0, 0, 128, 64]);
  });
});
