/**
 * The held-out evaluation of the committed city-events detector (renders the held-out set into
 * `.data/train/` when it is missing):
 *
 *   npm run eval:detector [-- --record] [-- --set heldout|s202|validation]
 *
 * --record writes the figures into models/yzg-city-events.recipe.json; --set picks the image set:
 * the held-out set (default, scene seed 505), the first held-out set (seed 202, no longer unseen)
 * or the validation set (seed 404, where settings are chosen).
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ResolvedModel } from '../model-descriptor.ts';
import { loadModelRegistry } from '../model-registry.ts';
import { parseArgs } from 'node:util';
import { buildDataset, HELDOUT_S202_SPEC, HELDOUT_SPEC, sampleImage, VALIDATION_SPEC, type DatasetSpec } from './dataset.ts';
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
  const { values: args } = parseArgs({ options: { record: { type: 'boolean', default: false }, set: { type: 'string', default: 'heldout' } } });
  const sets: Record<string, DatasetSpec> = { heldout: HELDOUT_SPEC, s202: HELDOUT_S202_SPEC, validation: VALIDATION_SPEC };
  const spec = sets[args.set!];
  if (!spec) throw new Error(`--set is one of ${Object.keys(sets).join(', ')}`);
  const t0 = Date.now();
  const m = await evaluateHeldout(model, path.resolve('.data/train'), spec);
  if (args.record) {
    const file = path.resolve('models', `${DESCRIPTOR.id}.recipe.json`);
    const recipe = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
    const { iouThreshold, boxVoting } = model.descriptor;
    const key = args.set === 'heldout' ? 'metrics' : `metrics-${args.set}`;
    fs.writeFileSync(file, `${JSON.stringify({ ...recipe, iouThreshold, boxVoting, ...(args.set === 'heldout' ? { heldout: { scene: spec, images: m.images } } : {}), [key]: m }, null, 2)}\n`);
  }
  process.stdout.write(`${DESCRIPTOR.id} on ${m.images} images of ${spec.name} (scene seed ${spec.sceneSeed}, ${spec.widthPx}×${spec.heightPx}), score threshold ${m.scoreThreshold}, ${((Date.now() - t0) / 1000).toFixed(0)} s\n${formatMetrics(m)}\n`);
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
