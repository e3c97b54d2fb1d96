/**
 * The hand-built ONNX export of the city-events detector computes what TensorFlow.js computes:
 * an untrained head with seeded random weights and a non-trivial standardisation, run by
 * TensorFlow.js (plus the reference decoding) and by onnxruntime on the same features, agrees to
 * float precision; the whole model equals stem followed by head; the stem's colour memberships
 * and pooling do what they say.
 */
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { beforeAll, describe, expect, it } from 'vitest';
import { mulberry32 } from '../../../edge/world/prng.ts';
import { detectorOnnx, headOnnx, stemOnnx } from './export-onnx.ts';
import { CELLS, CONTEXT_WINDOWS, createHead, decodeCells, DESCRIPTOR, FEATURES, GRID_H, GRID_W, headForward, headWeights, INPUT_H, INPUT_W, OUTPUTS, PALETTE, PIXEL_CHANNELS, paletteRgb } from './model.ts';

const run = async (bytes: Uint8Array, input: string, data: Float32Array, dims: number[]): Promise<Float32Array> => {
  const s = await ort.InferenceSession.create(bytes);
  const out = await s.run({ [input]: new ort.Tensor('float32', data, dims) });
  await s.release();
  return out[s.outputNames[0]!]!.data as Float32Array;
};

const maxAbsDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
};
/** Largest difference relative to the size of the value (float32 boxes reach hundreds of pixels). */
const maxRelDiff = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!) / Math.max(1, Math.abs(b[i]!)));
  return m;
};

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('city-events detector export', () => {
  it('gives the same boxes and scores in onnxruntime as the TensorFlow.js head with the reference decoding', async () => {
    const rnd = mulberry32(42);
    const mean = Float32Array.from({ length: FEATURES }, () => rnd());
    const std = Float32Array.from({ length: FEATURES }, () => 0.2 + rnd());
    const head = createHead(7, mean, std);
    // a larger last layer than at initialisation, so offsets, sizes and scores all vary
    head.layers.at(-1)!.w.assign(tf.mul(head.layers.at(-1)!.w, 8));
    const weights = headWeights(head);
    for (let trial = 0; trial < 3; trial++) {
      const nchw = Float32Array.from({ length: FEATURES * CELLS }, () => rnd());
      const rows = new Float32Array(CELLS * FEATURES);
      for (let c = 0; c < FEATURES; c++) for (let n = 0; n < CELLS; n++) rows[n * FEATURES + c] = nchw[c * CELLS + n]!;
      const raw = headForward(head, tf.tensor2d(rows, [CELLS, FEATURES])).dataSync();
      const want = decodeCells(raw);
      const got = await run(headOnnx(weights), 'features', nchw, [1, FEATURES, GRID_H, GRID_W]);
      expect(got.length).toBe(OUTPUTS * CELLS);
      // boxes in pixels, scores 0–1
      expect(maxRelDiff(got.subarray(0, 4 * CELLS), want.subarray(0, 4 * CELLS))).toBeLessThan(1e-4);
      expect(maxAbsDiff(got.subarray(4 * CELLS), want.subarray(4 * CELLS))).toBeLessThan(1e-5);
      const scores = Array.from(want.subarray(4 * CELLS));
      expect(Math.max(...scores) - Math.min(...scores)).toBeGreaterThan(0.2);
    }
    // the whole model is the stem followed by the head
    const image = Float32Array.from({ length: 3 * INPUT_H * INPUT_W }, () => rnd());
    const feats = await run(stemOnnx(), DESCRIPTOR.input.name, image, [1, 3, INPUT_H, INPUT_W]);
    const viaHead = await run(headOnnx(weights), 'features', feats, [1, FEATURES, GRID_H, GRID_W]);
    const whole = await run(detectorOnnx(weights), DESCRIPTOR.input.name, image, [1, 3, INPUT_H, INPUT_W]);
    expect(maxRelDiff(whole, viaHead)).toBeLessThan(1e-4);
  });

  it('stem: a flat image of a palette colour has full membership in it and the mean RGB, in every pooled feature', async () => {
    const k = PALETTE.indexOf('#66775a');
    const rgb = paletteRgb(PALETTE[k]!);
    const plane = INPUT_H * INPUT_W;
    const image = new Float32Array(3 * plane);
    for (let c = 0; c < 3; c++) image.fill(rgb[c]!, c * plane, (c + 1) * plane);
    const f = await run(stemOnnx(), DESCRIPTOR.input.name, image, [1, 3, INPUT_H, INPUT_W]);
    expect(f.length).toBe(FEATURES * CELLS);
    const centre = Math.floor(GRID_H / 2) * GRID_W + Math.floor(GRID_W / 2);
    // every block of PIXEL_CHANNELS (4 quadrants, then the context windows) at a central cell
    for (let block = 0; block < 4 + CONTEXT_WINDOWS.length; block++) {
      const at = (ch: number) => f[(block * PIXEL_CHANNELS + ch) * CELLS + centre]!;
      expect(at(k)).toBeCloseTo(1, 5);
      expect(at((k + 1) % PALETTE.length)).toBeLessThan(0.5);
      for (let c = 0; c < 3; c++) expect(at(PALETTE.length + c)).toBeCloseTo(rgb[c]!, 5);
    }
    // zero padding counts in the context means: the corner cell's 3×3 mean covers 4 of 9 cells
    const corner = (CONTEXT_WINDOWS.findIndex(([h, w]) => h === 3 && w === 3) + 4) * PIXEL_CHANNELS + k;
    expect(f[corner * CELLS]!).toBeCloseTo(4 / 9, 5);
  });
});
