/**
 * PaddleOCR DB (differentiable binarisation) postprocessing: probability map → threshold →
 * connected components → minimum-area rectangle of each → box score (mean probability inside the
 * rectangle) → unclip (grow by area × ratio / perimeter) → boxes in model-input pixels.
 */

/** A text region: its rotated rectangle (4 corners, clockwise from the top-left) and score. */
export interface TextRegion {
  polygon: Array<[number, number]>;
  /** Axis-aligned bounds of `polygon`: [x1, y1, x2, y2]. */
  box: [number, number, number, number];
  score: number;
}

/** Settings of DB postprocessing. */
export interface DbOptions {
  binaryThreshold: number;
  boxThreshold: number;
  unclipRatio: number;
  minSizePx: number;
  maxRegions: number;
}

type Pt = [number, number];

/** Text regions of a probability map `prob` of `width` × `height` (row-major). */
export function decodeDb(prob: Float32Array, width: number, height: number, o: DbOptions): TextRegion[] {
  const label = new Int32Array(width * height);
  const stack = new Int32Array(width * height);
  const out: TextRegion[] = [];
  let next = 0;
  for (let start = 0; start < prob.length; start++) {
    if (label[start] !== 0 || !(prob[start]! > o.binaryThreshold)) continue;
    next++;
    // Row extremes of the component are enough for its convex hull.
    const minX = new Map<number, number>();
    const maxX = new Map<number, number>();
    let sp = 0;
    stack[sp++] = start;
    label[start] = next;
    let count = 0;
    while (sp > 0) {
      const p = stack[--sp]!;
      count++;
      const x = p % width;
      const y = (p - x) / width;
      if (!(minX.get(y)! <= x)) minX.set(y, x);
      if (!(maxX.get(y)! >= x)) maxX.set(y, x);
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= height) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= width) continue;
          const q = yy * width + xx;
          if (label[q] === 0 && prob[q]! > o.binaryThreshold) {
            label[q] = next;
            stack[sp++] = q;
          }
        }
      }
    }
    if (count < 4) continue;
    const pts: Pt[] = [];
    for (const [y, x] of minX) pts.push([x, y], [x, y + 1]);
    for (const [y, x] of maxX) pts.push([x + 1, y], [x + 1, y + 1]);
    const rect = minAreaRect(convexHull(pts));
    if (Math.min(rect.w, rect.h) < o.minSizePx) continue;
    const score = meanInside(prob, width, height, rectCorners(rect));
    if (score < o.boxThreshold) continue;
    const d = (rect.w * rect.h * o.unclipRatio) / (2 * (rect.w + rect.h));
    const grown = { ...rect, w: rect.w + 2 * d, h: rect.h + 2 * d };
    if (Math.min(grown.w, grown.h) < o.minSizePx + 2) continue;
    const polygon = rectCorners(grown).map(([x, y]): Pt => [clamp(x, 0, width), clamp(y, 0, height)]);
    const xs = polygon.map((p) => p[0]);
    const ys = polygon.map((p) => p[1]);
    out.push({ polygon, box: [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)], score });
  }
  return out.sort((a, b) => b.score - a.score).slice(0, o.maxRegions);
}

const clamp = (v: number, lo: number, hi: number) => Math.min(hi, Math.max(lo, v));

/** Convex hull (Andrew's monotone chain), counter-clockwise in y-up terms. */
export function convexHull(points: Pt[]): Pt[] {
  const p = [...points].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  if (p.length <= 2) return p;
  const cross = (o: Pt, a: Pt, b: Pt) => (a[0] - o[0]) * (b[1] - o[1]) - (a[1] - o[1]) * (b[0] - o[0]);
  const lower: Pt[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Pt[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  return lower.slice(0, -1).concat(upper.slice(0, -1));
}

/** A rotated rectangle: centre, side lengths along its unit axes u (w) and v (h). */
interface Rect {
  cx: number;
  cy: number;
  w: number;
  h: number;
  ux: number;
  uy: number;
}

/** Minimum-area enclosing rectangle of a convex polygon (one side lies on a hull edge). */
export function minAreaRect(hull: Pt[]): Rect {
  let best: Rect | undefined;
  let bestArea = Infinity;
  const n = hull.length;
  for (let i = 0; i < Math.max(1, n); i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % n]!;
    let ux = b[0] - a[0];
    let uy = b[1] - a[1];
    const len = Math.hypot(ux, uy);
    if (len === 0) {
      ux = 1;
      uy = 0;
    } else {
      ux /= len;
      uy /= len;
    }
    let minU = Infinity, maxU = -Infinity, minV = Infinity, maxV = -Infinity;
    for (const [x, y] of hull) {
      const u = x * ux + y * uy;
      const v = -x * uy + y * ux;
      minU = Math.min(minU, u);
      maxU = Math.max(maxU, u);
      minV = Math.min(minV, v);
      maxV = Math.max(maxV, v);
    }
    const area = (maxU - minU) * (maxV - minV);
    if (area < bestArea) {
      bestArea = area;
      const cu = (minU + maxU) / 2;
      const cv = (minV + maxV) / 2;
      best = { cx: cu * ux - cv * uy, cy: cu * uy + cv * ux, w: maxU - minU, h: maxV - minV, ux, uy };
    }
  }
  return best!;
}

/** Corners of a rotated rectangle, starting top-left (smallest x + y), clockwise on screen. */
function rectCorners(r: Rect): Pt[] {
  const hw = r.w / 2;
  const hh = r.h / 2;
  const vx = -r.uy;
  const vy = r.ux;
  const c: Pt[] = [
    [r.cx - hw * r.ux - hh * vx, r.cy - hw * r.uy - hh * vy],
    [r.cx + hw * r.ux - hh * vx, r.cy + hw * r.uy - hh * vy],
    [r.cx + hw * r.ux + hh * vx, r.cy + hw * r.uy + hh * vy],
    [r.cx - hw * r.ux + hh * vx, r.cy - hw * r.uy + hh * vy],
  ];
  // Order clockwise on screen (y down) starting from the top-left-most corner.
  const mx = (c[0]![0] + c[2]![0]) / 2;
  const my = (c[0]![1] + c[2]![1]) / 2;
  c.sort((p, q) => Math.atan2(p[1] - my, p[0] - mx) - Math.atan2(q[1] - my, q[0] - mx));
  let first = 0;
  for (let i = 1; i < 4; i++) if (c[i]![0] + c[i]![1] < c[first]![0] + c[first]![1]) first = i;
  return [...c.slice(first), ...c.slice(0, first)];
}

/** Mean of `prob` over the pixel centres inside a convex quadrilateral. */
function meanInside(prob: Float32Array, width: number, height: number, quad: Pt[]): number {
  const xs = quad.map((p) => p[0]);
  const ys = quad.map((p) => p[1]);
  const x0 = Math.max(0, Math.floor(Math.min(...xs)));
  const x1 = Math.min(width - 1, Math.ceil(Math.max(...xs)));
  const y0 = Math.max(0, Math.floor(Math.min(...ys)));
  const y1 = Math.min(height - 1, Math.ceil(Math.max(...ys)));
  let sum = 0;
  let n = 0;
  for (let y = y0; y <= y1; y++) {
    for (let x = x0; x <= x1; x++) {
      if (!insideConvex(quad, x + 0.5, y + 0.5)) continue;
      sum += prob[y * width + x]!;
      n++;
    }
  }
  return n ? sum / n : 0;
}

function insideConvex(quad: Pt[], x: number, y: number): boolean {
  let sign = 0;
  for (let i = 0; i < quad.length; i++) {
    const a = quad[i]!;
    const b = quad[(i + 1) % quad.length]!;
    const c = (b[0] - a[0]) * (y - a[1]) - (b[1] - a[1]) * (x - a[0]);
    if (c === 0) continue;
    const s = Math.sign(c);
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}
