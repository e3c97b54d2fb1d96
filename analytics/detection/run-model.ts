/** One model on one image: preprocess, infer, postprocess, each timed. */
import { decodeDb } from './db.postprocess.ts';
import { DEFAULT_DB } from './model-descriptor.ts';
import type { ModelSession } from './model-session.ts';
import { nmsByClass } from './nms.ts';
import { boxToImage, pointToImage, preprocess, type Letterbox } from './preprocess.ts';
import type { Detection, DetectionTiming } from './detection.types.ts';
import { decodeYolov5, decodeYolov8 } from './yolo.postprocess.ts';
import type { ModelDescriptor } from './model-descriptor.ts';

/** Detections of one model in original pixels, with the time each step took. */
export interface ModelOutput {
  detections: Detection[];
  imageWidthPx: number;
  imageHeightPx: number;
  timing: DetectionTiming;
}

/** Runs `session` on `image` (encoded JPEG/PNG/WebP…). Throws IMAGE_CORRUPT or the runtime's error. */
export async function runModel(session: ModelSession, image: Uint8Array): Promise<ModelOutput> {
  const d = session.model.descriptor;
  const t0 = performance.now();
  const input = await preprocess(image, d.input);
  const t1 = performance.now();
  const output = await session.run(input.data, input.dims);
  const t2 = performance.now();
  const detections = postprocess(d, output.data, output.dims, input.letterbox);
  const t3 = performance.now();
  return {
    detections,
    imageWidthPx: input.letterbox.imageWidthPx,
    imageHeightPx: input.letterbox.imageHeightPx,
    timing: { preprocessMs: t1 - t0, inferMs: t2 - t1, postprocessMs: t3 - t2 },
  };
}

/** Decodes a model's output into detections in original image pixels. */
export function postprocess(d: ModelDescriptor, data: Float32Array, dims: readonly number[], lb: Letterbox): Detection[] {
  const max = d.maxDetections ?? 300;
  const label = (classIndex: number) => {
    const cls = d.classes[classIndex]!;
    const eventType = d.eventTypes[cls];
    return eventType ? { class: cls, eventType } : { class: cls };
  };
  if (d.output.layout === 'paddle-db') {
    const db = d.db ?? DEFAULT_DB;
    const regions = decodeDb(data, dims[3]!, dims[2]!, { ...db, boxThreshold: d.scoreThreshold, maxRegions: max });
    return regions.map((r) => ({
      ...label(0),
      score: r.score,
      boxPx: boxToImage(r.box, lb),
      polygonPx: r.polygon.map((p) => pointToImage(p, lb)),
    }));
  }
  const decode = d.output.layout === 'yolov5' ? decodeYolov5 : decodeYolov8;
  const voting = d.boxVoting;
  const decodeFrom = voting ? Math.min(d.scoreThreshold, voting.minScore) : d.scoreThreshold;
  const kept = nmsByClass(decode(data, dims, d.classes.length, decodeFrom), d.iouThreshold, max, voting).filter((k) => k.score >= d.scoreThreshold);
  return kept.map((k) => ({ ...label(k.classIndex), score: k.score, boxPx: boxToImage(k.box, lb) }));
}
