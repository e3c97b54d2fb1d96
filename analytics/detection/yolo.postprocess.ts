/**
 * Decoding of YOLO detection heads into scored boxes (model-input pixels), before NMS:
 *  - `yolov5`: [1, N, 5 + C] rows of (cx, cy, w, h, objectness, class scores…); score =
 *    objectness × class score;
 *  - `yolov8` (and v11): [1, 4 + C, N] columns of (cx, cy, w, h, class scores…), no objectness.
 */
import type { ScoredBox } from './nms.ts';

/** Boxes of a YOLOv5-layout output at or above `scoreThreshold` (best class per anchor). */
export function decodeYolov5(data: Float32Array, dims: readonly number[], classCount: number, scoreThreshold: number): ScoredBox[] {
  const n = dims[1]!;
  const stride = dims[2]!;
  if (stride !== 5 + classCount) throw new Error(`yolov5 output rows have ${stride} values, expected ${5 + classCount}`);
  const out: ScoredBox[] = [];
  for (let i = 0; i < n; i++) {
    const o = i * stride;
    const obj = data[o + 4]!;
    if (obj < scoreThreshold) continue; // class scores ≤ 1, so the product cannot reach the threshold
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classCount; c++) {
      const s = data[o + 5 + c]!;
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    const score = obj * bestScore;
    if (score < scoreThreshold) continue;
    out.push({ box: xywhToBox(data[o]!, data[o + 1]!, data[o + 2]!, data[o + 3]!), score, classIndex: best });
  }
  return out;
}

/** Boxes of a YOLOv8/v11-layout output at or above `scoreThreshold` (best class per anchor). */
export function decodeYolov8(data: Float32Array, dims: readonly number[], classCount: number, scoreThreshold: number): ScoredBox[] {
  const rows = dims[1]!;
  const n = dims[2]!;
  if (rows !== 4 + classCount) throw new Error(`yolov8 output has ${rows} rows, expected ${4 + classCount}`);
  const out: ScoredBox[] = [];
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestScore = -Infinity;
    for (let c = 0; c < classCount; c++) {
      const s = data[(4 + c) * n + i]!;
      if (s > bestScore) {
        bestScore = s;
        best = c;
      }
    }
    if (bestScore < scoreThreshold) continue;
    out.push({ box: xywhToBox(data[i]!, data[n + i]!, data[2 * n + i]!, data[3 * n + i]!), score: bestScore, classIndex: best });
  }
  return out;
}

function xywhToBox(cx: number, cy: number, w: number, h: number): [number, number, number, number] {
  return [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2];
}
