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

/** Box voting: a kept box becomes the score-weighted mean of itself and the boxes it suppressed. */
export interface BoxVoting {
  /** Suppressed boxes scoring below this do not vote. */
  minScore: number;
}

/**
 * Greedy non-maximum suppression within each class: highest score first, a box overlapping a
 * kept box of the same class by more than `iouThreshold` is dropped. Returns at most `max` boxes,
 * by descending score. With `voting`, each dropped box (scoring at least `voting.minScore`) votes
 * for the first kept box that dropped it, and the kept box's corners become the score-weighted
 * mean of its voters' and its own (its score is unchanged): a detector whose neighbouring cells
 * each see part of an object places the object better by their consensus than by any one of them.
 */
export function nmsByClass<T extends ScoredBox>(boxes: readonly T[], iouThreshold: number, max = Infinity, voting?: BoxVoting): T[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: Array<{ box: T; sum: [number, number, number, number]; weight: number }> = [];
  for (const cand of sorted) {
    const k = kept.find((x) => x.box.classIndex === cand.classIndex && iou(x.box.box, cand.box) > iouThreshold);
    if (k) {
      if (voting && cand.score >= voting.minScore) {
        for (let i = 0; i < 4; i++) k.sum[i]! += cand.score * cand.box[i]!;
        k.weight += cand.score;
      }
      continue;
    }
    if (kept.length >= max) {
      if (voting) continue; // lower boxes may still vote for the kept ones
      break;
    }
    const [x1, y1, x2, y2] = cand.box;
    kept.push({ box: cand, sum: [cand.score * x1, cand.score * y1, cand.score * x2, cand.score * y2], weight: cand.score });
  }
  if (!voting) return kept.map((k) => k.box);
  return kept.map(({ box, sum, weight }) => (weight > 0 ? { ...box, box: sum.map((v) => v / weight) as Box } : box));
}
