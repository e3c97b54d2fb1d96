/**
 * The held-out evaluation of the committed city-events detector (renders the held-out set into
 * `.data/train/` when it is missing):
 *
 *   npm run eval:detector [-- --record]   (--record: write the figures into models/yzg-city-events.recipe.json)
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedModel } from '../model-descriptor.ts';
import { loadModelRegistry } from '../model-registry.ts';
import { buildDataset, HELDOUT_SPEC, sampleImage, type DatasetSpec } from './dataset.ts';
import { evaluateModel, formatMetrics, type Metrics } from './evaluate.ts';
import { DESCRIPTOR } from './model.ts';

/** Scores `model` on the held-out set (original-pixel ground truth, difficult objects ignored). */
export async function evaluateHeldout(model: ResolvedModel, root: string, spec: DatasetSpec = HELDOUT_SPEC): Promise<Metrics> {
  const samples = await buildDataset(spec, { root, dataDir: path.resolve('data') });
  const classes = model.descriptor.classes;
  return evaluateModel(
    model,
    samples.map((s) => ({
      image: sampleImage(spec, root, s),
      truth: s.objects.map((o) => {
        // difficult: less than half in view, or under 2 model pixels across (as in training)
        const scale = Math.min(DESCRIPTOR.input.width / s.widthPx, DESCRIPTOR.input.height / s.heightPx);
        const small = Math.min(o.box[2] - o.box[0], o.box[3] - o.box[1]) * scale < 2;
        return { classIndex: classes.indexOf(o.kind), box: o.box, difficult: small || o.visibleFraction < 0.5 };
      }),
    })),
  );
}

async function main(): Promise<void> {
  const registry = loadModelRegistry(path.resolve('models'));
  const model = registry.models.find((m) => m.descriptor.id === DESCRIPTOR.id);
  if (!model) throw new Error(`model ${DESCRIPTOR.id} not found in models/ (${registry.rejected.map((r) => r.error.message).join('; ')})`);
  const t0 = Date.now();
  const m = await evaluateHeldout(model, path.resolve('.data/train'));
  if (process.argv.includes('--record')) {
    const file = path.resolve('models', `${DESCRIPTOR.id}.recipe.json`);
    const recipe = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    fs.writeFileSync(file, `${JSON.stringify({ ...recipe, iouThreshold: model.descriptor.iouThreshold, metrics: m }, null, 2)}\n`);
  }
  process.stdout.write(`${DESCRIPTOR.id} on ${m.images} held-out images (scene seed ${HELDOUT_SPEC.sceneSeed}, ${HELDOUT_SPEC.widthPx}×${HELDOUT_SPEC.heightPx}), score threshold ${m.scoreThreshold}, ${((Date.now() - t0) / 1000).toFixed(0)} s\n${formatMetrics(m)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
