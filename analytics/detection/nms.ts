/** Boxes and class-wise non-maximum suppression. */

/** An axis-aligned box [x1, y1, x2, y2] in pixels, x1 ≤ x2, y1 ≤ y2. */
export type Box = [number, number, number, number];

/** A scored box of one class, in model or image pixels. */
export interface ScoredBox {
  box: Box;
  score: number;
  classIndex: number;
}

/** Intersection over union of two boxes (0 when either is empty). */
export function iou(a: readonly number[], b: readonly number[]): number {
  const iw = Math.min(a[2]!, b[2]!) - Math.max(a[0]!, b[0]!);
  const ih = Math.min(a[3]!, b[3]!) - Math.max(a[1]!, b[1]!);
  if (iw <= 0 || ih <= 0) return 0;
  const inter = iw * ih;
  const union = (a[2]! - a[0]!) * (a[3]! - a[1]!) + (b[2]! - b[0]!) * (b[3]! - b[1]!) - inter;
  return union > 0 ? inter / union : 0;
}

/**
 * Greedy non-maximum suppression within each class: highest score first, a box overlapping a
 * kept box of the same class by more than `iouThreshold` is dropped. Returns at most `max` boxes,
 * by descending score.
 */
export function nmsByClass<T extends ScoredBox>(boxes: readonly T[], iouThreshold: number, max = Infinity): T[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: T[] = [];
  for (const cand of sorted) {
    if (kept.length >= max) break;
    if (kept.some((k) => k.classIndex === cand.classIndex && iou(k.box, cand.box) > iouThreshold)) continue;
    kept.push(cand);
  }
  return kept;
}
