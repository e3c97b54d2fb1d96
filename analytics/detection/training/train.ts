/**
 * Trains the city-events detector and writes the committed model (offline, not in CI):
 *
 *   npm run train:detector [-- --epochs 8 --seed 20261122 --hidden 48,48 --evaluate-on heldout|validation]
 *
 * 1. renders (or reuses from `.data/train/`) the training set and the held-out set;
 * 2. computes the fixed stem's features of every training image with onnxruntime, from the
 *    runtime's own preprocessing of the JPEG;
 * 3. trains the head with TensorFlow.js (Adam, focal loss on class scores, L1 on box offsets and
 *    log sizes; all object cells and a seeded sample of background cells per batch);
 * 4. exports `models/yzg-city-events.onnx` + `.json` descriptor, evaluates it on the held-out
 *    set through the runtime and writes `models/yzg-city-events.recipe.json`.
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import * as ort from 'onnxruntime-node';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { mulberry32 } from '../../../edge/world/prng.ts';
import { parseDescriptor } from '../model-registry.ts';
import { preprocess } from '../preprocess.ts';
import { buildDataset, HELDOUT_SPEC, sampleImage, TRAIN_SPEC, VALIDATION_SPEC, type DatasetSpec, type Sample } from './dataset.ts';
import { evaluateHeldout } from './evaluate-heldout.ts';
import { formatMetrics } from './evaluate.ts';
import { detectorOnnx, stemOnnx } from './export-onnx.ts';
import { CELLS, CLASS_COUNT, createHead, DESCRIPTOR, FEATURES, HIDDEN, headForward, headWeights, OFFSET_RANGE_CELLS, cellTargets, modelBoxes, type Head } from './model.ts';
import { enableTfjsGradients } from './tfjs-gradients.ts';

const ROOT = path.resolve('.data/train');
const MODEL_DIR = path.resolve('models');

const { values: args } = parseArgs({
  options: {
    epochs: { type: 'string', default: '8' },
    seed: { type: 'string', default: '20261122' },
    'batch-images': { type: 'string', default: '16' },
    'neg-keep': { type: 'string', default: '0.04' },
    lr: { type: 'string', default: '0.003' },
    out: { type: 'string', default: MODEL_DIR },
    'train-images': { type: 'string', default: String(TRAIN_SPEC.count) },
    'heldout-images': { type: 'string', default: String(HELDOUT_SPEC.count) },
    hidden: { type: 'string', default: HIDDEN.join(',') },
    // experiments compare on the validation set; the held-out set scores only the model that is kept
    'evaluate-on': { type: 'string', default: 'heldout' },
  },
});
const EPOCHS = Number(args.epochs);
const SEED = Number(args.seed);
const BATCH_IMAGES = Number(args['batch-images']);
const NEG_KEEP = Number(args['neg-keep']);
const LR = Number(args.lr);
const TRAIN: DatasetSpec = { ...TRAIN_SPEC, count: Number(args['train-images']) };
if (args['evaluate-on'] !== 'heldout' && args['evaluate-on'] !== 'validation') throw new Error('--evaluate-on is heldout or validation');
const HELDOUT: DatasetSpec = args['evaluate-on'] === 'validation' ? VALIDATION_SPEC : { ...HELDOUT_SPEC, count: Number(args['heldout-images']) };
const HIDDEN_SIZES = args.hidden!.split(',').map(Number);
const log = (msg: string) => process.stdout.write(`${new Date().toISOString()} ${msg}\n`);

/** Stem features of every image, one row per cell: [images × CELLS, FEATURES]. */
async function stemFeatures(spec: DatasetSpec, samples: readonly Sample[]): Promise<Float32Array> {
  const session = await ort.InferenceSession.create(stemOnnx(), { intraOpNumThreads: 1 });
  const out = new Float32Array(samples.length * CELLS * FEATURES);
  for (const [i, s] of samples.entries()) {
    const x = await preprocess(sampleImage(spec, ROOT, s), DESCRIPTOR.input);
    const r = await session.run({ [DESCRIPTOR.input.name]: new ort.Tensor('float32', x.data, x.dims) });
    const f = r.features!.data as Float32Array;
    const base = i * CELLS * FEATURES;
    for (let c = 0; c < FEATURES; c++) for (let n = 0; n < CELLS; n++) out[base + n * FEATURES + c] = f[c * CELLS + n]!;
  }
  await session.release();
  return out;
}

/** Focal loss on class logits plus L1 on the box of positive cells, normalised by the positives. */
function lossOf(head: Head, x: tf.Tensor2D, cls: tf.Tensor2D, reg: tf.Tensor2D, pos: tf.Tensor1D, weight: tf.Tensor1D, npos: number): tf.Scalar {
  const out = headForward(head, x);
  const [t, logits] = tf.split(out, [4, CLASS_COUNT], 1) as [tf.Tensor2D, tf.Tensor2D];
  const p = tf.sigmoid(logits);
  const ce = tf.add(tf.sub(tf.relu(logits), tf.mul(logits, cls)), tf.log1p(tf.exp(tf.neg(tf.abs(logits)))));
  const pt = tf.add(tf.mul(cls, p), tf.mul(tf.sub(1, cls), tf.sub(1, p)));
  const alpha = tf.add(tf.mul(cls, 0.25), tf.mul(tf.sub(1, cls), 0.75));
  const focal = tf.sum(tf.mul(tf.sum(tf.mul(tf.mul(alpha, tf.square(tf.sub(1, pt))), ce), 1), weight));
  const [txy, twh] = tf.split(t, [2, 2], 1) as [tf.Tensor2D, tf.Tensor2D];
  const [gxy, gwh] = tf.split(reg, [2, 2], 1) as [tf.Tensor2D, tf.Tensor2D];
  const pxy = tf.mul(tf.sub(tf.sigmoid(txy), 0.5), 2 * OFFSET_RANGE_CELLS);
  const l1 = tf.add(tf.sum(tf.abs(tf.sub(pxy, gxy)), 1), tf.sum(tf.abs(tf.sub(twh, gwh)), 1));
  const box = tf.sum(tf.mul(l1, pos));
  return tf.div(tf.add(focal, tf.mul(box, 2)), Math.max(1, npos)) as tf.Scalar;
}

async function main(): Promise<void> {
  const t0 = Date.now();
  await enableTfjsGradients();
  await tf.setBackend('cpu');
  const dataDir = path.resolve('data');
  const train = await buildDataset(TRAIN, { root: ROOT, dataDir, log });
  const heldout = await buildDataset(HELDOUT, { root: ROOT, dataDir, log });
  const tRender = Date.now();
  log(`data: ${train.length} training images (${train.reduce((a, s) => a + s.objects.length, 0)} objects), ${heldout.length} held-out; ${((tRender - t0) / 1000).toFixed(0)} s`);

  const feats = await stemFeatures(TRAIN, train);
  const targets = train.map((s) => cellTargets(modelBoxes(s.objects, s.widthPx, s.heightPx)));
  const rows = train.length * CELLS;
  const mean = new Float32Array(FEATURES);
  const std = new Float32Array(FEATURES);
  for (let r = 0; r < rows; r++) for (let c = 0; c < FEATURES; c++) mean[c]! += feats[r * FEATURES + c]! / rows;
  for (let r = 0; r < rows; r++) for (let c = 0; c < FEATURES; c++) std[c]! += (feats[r * FEATURES + c]! - mean[c]!) ** 2 / rows;
  for (let c = 0; c < FEATURES; c++) std[c] = Math.sqrt(std[c]!) + 1e-3;
  const tFeat = Date.now();
  log(`stem features: ${((tFeat - tRender) / 1000).toFixed(0)} s; positive cells ${targets.reduce((a, t) => a + t.positive.reduce((x, y) => x + y, 0), 0)}`);

  const head = createHead(SEED, mean, std, HIDDEN_SIZES);
  const optimizer = tf.train.adam(LR);
  const rnd = mulberry32(SEED);
  const order = train.map((_, i) => i);
  const history: Array<{ epoch: number; loss: number; seconds: number }> = [];
  for (let epoch = 0; epoch < EPOCHS; epoch++) {
    // cosine learning-rate decay
    (optimizer as unknown as { learningRate: number }).learningRate = LR * (0.05 + 0.95 * 0.5 * (1 + Math.cos((Math.PI * epoch) / EPOCHS)));
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(rnd() * (i + 1));
      [order[i], order[j]] = [order[j]!, order[i]!];
    }
    let lossSum = 0;
    let batches = 0;
    for (let b = 0; b < order.length; b += BATCH_IMAGES) {
      const picked: number[] = [];
      const weights: number[] = [];
      for (const img of order.slice(b, b + BATCH_IMAGES)) {
        const t = targets[img]!;
        for (let n = 0; n < CELLS; n++) {
          if (t.positive[n]) {
            picked.push(img * CELLS + n);
            weights.push(1);
          } else if (!t.ignore[n] && rnd() < NEG_KEEP) {
            picked.push(img * CELLS + n);
            weights.push(1 / NEG_KEEP);
          }
        }
      }
      const R = picked.length;
      const xb = new Float32Array(R * FEATURES);
      const cb = new Float32Array(R * CLASS_COUNT);
      const rb = new Float32Array(R * 4);
      const pb = new Float32Array(R);
      let npos = 0;
      picked.forEach((row, k) => {
        xb.set(feats.subarray(row * FEATURES, (row + 1) * FEATURES), k * FEATURES);
        const t = targets[Math.floor(row / CELLS)]!;
        const n = row % CELLS;
        cb.set(t.cls.subarray(n * CLASS_COUNT, (n + 1) * CLASS_COUNT), k * CLASS_COUNT);
        rb.set(t.reg.subarray(n * 4, (n + 1) * 4), k * 4);
        pb[k] = t.positive[n]!;
        npos += t.positive[n]!;
      });
      const loss = tf.tidy(() => {
        const x = tf.tensor2d(xb, [R, FEATURES]);
        const c = tf.tensor2d(cb, [R, CLASS_COUNT]);
        const r = tf.tensor2d(rb, [R, 4]);
        const p = tf.tensor1d(pb);
        const w = tf.tensor1d(weights);
        return optimizer.minimize(() => lossOf(head, x, c, r, p, w, npos), true)!;
      });
      lossSum += (await loss.data())[0]!;
      loss.dispose();
      batches++;
    }
    const seconds = (Date.now() - tFeat) / 1000;
    history.push({ epoch: epoch + 1, loss: Math.round((lossSum / batches) * 1e4) / 1e4, seconds: Math.round(seconds) });
    log(`epoch ${epoch + 1}/${EPOCHS}: loss ${(lossSum / batches).toFixed(4)}, ${seconds.toFixed(0)} s`);
    fs.writeFileSync(path.join(ROOT, 'head.json'), JSON.stringify(headWeights(head)));
  }
  const tTrain = Date.now();

  const outDir = path.resolve(args.out!);
  fs.mkdirSync(outDir, { recursive: true });
  const weights = headWeights(head);
  fs.writeFileSync(path.join(outDir, DESCRIPTOR.file), detectorOnnx(weights));
  const descriptorPath = path.join(outDir, `${DESCRIPTOR.id}.json`);
  fs.writeFileSync(descriptorPath, `${JSON.stringify(DESCRIPTOR, null, 2)}\n`);
  const model = parseDescriptor(DESCRIPTOR, descriptorPath);
  const metrics = await evaluateHeldout(model, ROOT, HELDOUT);
  log(`held-out (${heldout.length} images):\n${formatMetrics(metrics)}`);
  const recipe = {
    model: DESCRIPTOR.id,
    command: 'npm run train:detector',
    evaluate: 'npm run eval:detector',
    seed: SEED,
    training: { scene: TRAIN, images: train.length, objects: train.reduce((a, s) => a + s.objects.length, 0) },
    [args['evaluate-on'] === 'validation' ? 'validation' : 'heldout']: { scene: HELDOUT, images: heldout.length },
    input: { width: DESCRIPTOR.input.width, height: DESCRIPTOR.input.height },
    epochs: EPOCHS,
    hidden: HIDDEN_SIZES,
    batchImages: BATCH_IMAGES,
    negativeCellsKept: NEG_KEEP,
    learningRate: LR,
    library: `@tensorflow/tfjs-core ${tf.version_core} (cpu backend)`,
    seconds: { render: Math.round((tRender - t0) / 1000), features: Math.round((tFeat - tRender) / 1000), train: Math.round((tTrain - tFeat) / 1000), total: Math.round((Date.now() - t0) / 1000) },
    history,
    metrics,
  };
  fs.writeFileSync(path.join(outDir, `${DESCRIPTOR.id}.recipe.json`), `${JSON.stringify(recipe, null, 2)}\n`);
  log(`wrote ${path.join(outDir, DESCRIPTOR.file)} (${fs.statSync(path.join(outDir, DESCRIPTOR.file)).size} bytes)`);
}

await main();
