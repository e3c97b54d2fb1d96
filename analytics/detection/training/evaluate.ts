/**
 * Evaluation of a detector on a labelled image set through the real runtime (descriptor, sharp
 * preprocessing, onnxruntime, YOLO decoding, NMS): VOC-style average precision per class at
 * IoU 0.5 (all-point interpolation; "difficult" objects — barely visible or tiny — neither count
 * as misses nor make a detection false), their mean (mAP@0.5), and precision and recall at the
 * descriptor's score threshold.
 */
import { iou } from '../nms.ts';
import { openModelSession } from '../model-session.ts';
import type { ResolvedModel } from '../model-descriptor.ts';
import { runModel } from '../run-model.ts';
import type { Detection } from '../detection.types.ts';

/** A ground-truth object of one image, original pixels. */
export interface TruthBox {
  classIndex: number;
  box: [number, number, number, number];
  difficult: boolean;
}

/** Detections of one image, original pixels. */
export interface ImageDetections {
  detections: Array<{ classIndex: number; score: number; box: [number, number, number, number] }>;
  truth: TruthBox[];
}

/** Figures of one class. */
export interface ClassMetrics {
  class: string;
  /** Non-difficult ground-truth objects. */
  objects: number;
  ap50: number;
  /** At the score threshold. */
  precision: number;
  recall: number;
  truePositives: number;
  falsePositives: number;
}

/** Figures of a whole evaluation. */
export interface Metrics {
  images: number;
  scoreThreshold: number;
  map50: number;
  precision: number;
  recall: number;
  perClass: ClassMetrics[];
}

/** Marks each detection of one class in one image: true positive, false positive, or ignored (matched a difficult object). */
function matchImage(dets: Array<{ score: number; box: [number, number, number, number] }>, truth: readonly TruthBox[], iouMin: number): Array<'tp' | 'fp' | 'ignore'> {
  const used = new Array<boolean>(truth.length).fill(false);
  const order = dets.map((_, i) => i).sort((a, b) => dets[b]!.score - dets[a]!.score);
  const out = new Array<'tp' | 'fp' | 'ignore'>(dets.length);
  for (const i of order) {
    let best = -1;
    let bestIou = iouMin;
    for (let k = 0; k < truth.length; k++) {
      const v = iou(dets[i]!.box, truth[k]!.box);
      if (v >= bestIou) {
        bestIou = v;
        best = k;
      }
    }
    if (best < 0) out[i] = 'fp';
    else if (truth[best]!.difficult) out[i] = 'ignore';
    else if (used[best]) out[i] = 'fp';
    else {
      used[best] = true;
      out[i] = 'tp';
    }
  }
  return out;
}

/** VOC average precision (all-point interpolation) from score-sorted TP flags and the number of objects. */
export function averagePrecision(flags: ReadonlyArray<boolean>, objects: number): number {
  if (objects === 0) return 0;
  const prec: number[] = [];
  const rec: number[] = [];
  let tp = 0;
  flags.forEach((f, i) => {
    if (f) tp++;
    prec.push(tp / (i + 1));
    rec.push(tp / objects);
  });
  for (let i = prec.length - 2; i >= 0; i--) prec[i] = Math.max(prec[i]!, prec[i + 1]!);
  let ap = 0;
  let lastR = 0;
  for (let i = 0; i < rec.length; i++) {
    if (rec[i]! > lastR) {
      ap += (rec[i]! - lastR) * prec[i]!;
      lastR = rec[i]!;
    }
  }
  return ap;
}

/** Metrics of detections against ground truth (detections should come with a low score threshold). */
export function computeMetrics(images: readonly ImageDetections[], classes: readonly string[], scoreThreshold: number, iouMin = 0.5): Metrics {
  const perClass: ClassMetrics[] = classes.map((name, c) => {
    const scored: Array<{ score: number; flag: 'tp' | 'fp' | 'ignore' }> = [];
    let objects = 0;
    for (const im of images) {
      const truth = im.truth.filter((t) => t.classIndex === c);
      objects += truth.filter((t) => !t.difficult).length;
      const dets = im.detections.filter((d) => d.classIndex === c);
      matchImage(dets, truth, iouMin).forEach((flag, i) => scored.push({ score: dets[i]!.score, flag }));
    }
    const kept = scored.filter((s) => s.flag !== 'ignore').sort((a, b) => b.score - a.score);
    const atThreshold = kept.filter((s) => s.score >= scoreThreshold);
    const truePositives = atThreshold.filter((s) => s.flag === 'tp').length;
    const falsePositives = atThreshold.length - truePositives;
    return {
      class: name,
      objects,
      ap50: averagePrecision(
        kept.map((s) => s.flag === 'tp'),
        objects,
      ),
      precision: atThreshold.length ? truePositives / atThreshold.length : 0,
      recall: objects ? truePositives / objects : 0,
      truePositives,
      falsePositives,
    };
  });
  const tp = perClass.reduce((a, c) => a + c.truePositives, 0);
  const fp = perClass.reduce((a, c) => a + c.falsePositives, 0);
  const objects = perClass.reduce((a, c) => a + c.objects, 0);
  const withObjects = perClass.filter((c) => c.objects > 0);
  return {
    images: images.length,
    scoreThreshold,
    map50: withObjects.reduce((a, c) => a + c.ap50, 0) / Math.max(1, withObjects.length),
    precision: tp + fp ? tp / (tp + fp) : 0,
    recall: objects ? tp / objects : 0,
    perClass,
  };
}

/** Runs a registered model over labelled images through the runtime and scores it. */
export async function evaluateModel(model: ResolvedModel, images: AsyncIterable<{ image: Uint8Array; truth: TruthBox[] }> | Iterable<{ image: Uint8Array; truth: TruthBox[] }>, opts: { threads?: number } = {}): Promise<Metrics> {
  const d = model.descriptor;
  // a low threshold for the precision–recall curve; greedy NMS keeps the same boxes above the real one
  const session = await openModelSession({ ...model, descriptor: { ...d, scoreThreshold: 0.01 } }, opts.threads ?? 1);
  const results: ImageDetections[] = [];
  try {
    for await (const { image, truth } of images) {
      const out = await runModel(session, image);
      results.push({ truth, detections: out.detections.map((x: Detection) => ({ classIndex: d.classes.indexOf(x.class), score: x.score, box: x.boxPx })) });
    }
  } finally {
    await session.release();
  }
  return computeMetrics(results, d.classes, d.scoreThreshold);
}

/** A table of metrics for logs and the README. */
export function formatMetrics(m: Metrics): string {
  const pct = (v: number) => v.toFixed(3);
  const rows = m.perClass.map((c) => `| ${c.class} | ${c.objects} | ${pct(c.ap50)} | ${pct(c.precision)} | ${pct(c.recall)} |`);
  return [`| class | objects | AP@0.5 | precision | recall |`, `|---|---|---|---|---|`, ...rows, `| **all** | ${m.perClass.reduce((a, c) => a + c.objects, 0)} | **${pct(m.map50)}** (mAP) | ${pct(m.precision)} | ${pct(m.recall)} |`].join('\n');
}
