/**
 * Detections placed on the ground: each `ok` run's detections projected from the image pose,
 * ready to become (or strengthen) events of their type at their place.
 */
import type { ImagePose } from '../../protocol/media.schema.ts';
import type { EventType } from '../../protocol/workflow.schema.ts';
import type { ModelRun } from './detector.ts';
import type { Detection } from './detection.types.ts';
import { projectBox, type ProjectionOptions } from './projection.ts';

/** A detection with where it is on the ground. */
export interface LocatedDetection extends Detection {
  modelId: string;
  /** Ground position of the box (centre for nadir images, bottom centre otherwise); absent when the box is above the horizon or out of range. */
  place?: { lat: number; lon: number; /** One-sigma horizontal error, metres. */ errorM: number };
}

/** Projects every detection of the `ok` runs to the ground; `eventTypes` keeps only detections suggesting one of them. */
export function locateDetections(runs: readonly ModelRun[], pose: ImagePose, opts: ProjectionOptions & { eventTypes?: readonly EventType[] } = {}): LocatedDetection[] {
  const out: LocatedDetection[] = [];
  for (const run of runs) {
    if (run.outcome !== 'ok') continue;
    // Boxes are in the pixels of the image as decoded; scale them to the pose's image size if they differ.
    const sx = pose.widthPx / run.imageWidthPx;
    const sy = pose.heightPx / run.imageHeightPx;
    for (const d of run.detections) {
      if (opts.eventTypes && (!d.eventType || !opts.eventTypes.includes(d.eventType))) continue;
      const g = projectBox(pose, [d.boxPx[0] * sx, d.boxPx[1] * sy, d.boxPx[2] * sx, d.boxPx[3] * sy], opts);
      out.push({ ...d, modelId: run.modelId, ...(g.outcome === 'ground' ? { place: { lat: g.lat, lon: g.lon, errorM: g.errorM } } : {}) });
    }
  }
  return out;
}
