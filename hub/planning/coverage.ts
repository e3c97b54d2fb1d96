/**
 * Area coverage: boustrophedon (lawn-mower) lines over a polygon. The camera looks straight down;
 * its ground footprint follows from the height and the field of view. Lines run along the
 * polygon's minimum-width direction, spaced by footprint width × (1 − side overlap); photos along
 * a line are spaced by footprint height × (1 − front overlap). Each line covers the strip of the
 * polygon half a spacing either side of it, so the footprints' union covers the polygon. Lines are
 * cut out of keep-out zones (grown by their clip margin) and kept inside the keep-in area; the
 * direction alternates from line to line. Pure.
 */
import type { CameraSpec, Overlap } from '../../protocol/plan.schema.ts';
import type { PreparedAirspace } from './airspace.ts';
import { convexHull, dist, headingDeg, type Xy } from './geo.ts';

/** Ground footprint of one nadir photo, metres: `widthM` across the image, `heightM` along it. */
export interface Footprint {
  widthM: number;
  heightM: number;
}

/** Footprint of a nadir photo from `altitudeM` (pinhole camera, square pixels). */
export function footprintM(altitudeM: number, camera: CameraSpec): Footprint {
  const widthM = 2 * altitudeM * Math.tan(((camera.hfovDeg / 2) * Math.PI) / 180);
  return { widthM, heightM: (widthM * camera.heightPx) / camera.widthPx };
}

/** Corners of a photo's footprint centred at `c`, the image's height along `headingDeg`. */
export function footprintCorners(c: Xy, headingDegValue: number, fp: Footprint): Xy[] {
  const h = (headingDegValue * Math.PI) / 180;
  const along = { x: Math.sin(h), y: Math.cos(h) };
  const across = { x: along.y, y: -along.x };
  const corner = (sa: number, sc: number): Xy => ({
    x: c.x + (along.x * sa * fp.heightM) / 2 + (across.x * sc * fp.widthM) / 2,
    y: c.y + (along.y * sa * fp.heightM) / 2 + (across.y * sc * fp.widthM) / 2,
  });
  return [corner(-1, -1), corner(-1, 1), corner(1, 1), corner(1, -1)];
}

/** True when `p` lies in the footprint of a photo at `c` with `headingDeg`. */
export function inFootprint(p: Xy, c: Xy, headingDegValue: number, fp: Footprint): boolean {
  const h = (headingDegValue * Math.PI) / 180;
  const dx = p.x - c.x;
  const dy = p.y - c.y;
  const along = dx * Math.sin(h) + dy * Math.cos(h);
  const across = dx * Math.cos(h) - dy * Math.sin(h);
  return Math.abs(along) <= fp.heightM / 2 + 1e-6 && Math.abs(across) <= fp.widthM / 2 + 1e-6;
}

/** One pass along a line: photo positions in flying order. */
export interface CoverageRun {
  photos: Xy[];
  headingDeg: number;
}

/** A coverage pattern. */
export interface CoveragePattern {
  runs: CoverageRun[];
  footprint: Footprint;
  /** Distance between neighbouring lines, metres (at most footprint width × (1 − side overlap)). */
  lineSpacingM: number;
  /** Largest distance between photos along a line, metres (footprint height × (1 − front overlap)). */
  photoSpacingM: number;
  /** Heading of the first line, degrees. */
  sweepHeadingDeg: number;
  /** Lines shortened by keep-out zones or the keep-in boundary. */
  clipped: boolean;
}

type Interval = [number, number];

/** The polygon's min-width direction: the hull edge whose perpendicular extent is smallest. */
function sweepAxis(ring: Xy[]): { u: Xy; v: Xy } {
  const hull = convexHull(ring);
  let best = { width: Infinity, u: { x: 1, y: 0 } };
  for (let i = 0; i < hull.length; i++) {
    const a = hull[i]!;
    const b = hull[(i + 1) % hull.length]!;
    const len = dist(a, b);
    if (len < 1e-9) continue;
    const u = { x: (b.x - a.x) / len, y: (b.y - a.y) / len };
    let lo = Infinity;
    let hi = -Infinity;
    for (const p of hull) {
      const c = -p.x * u.y + p.y * u.x;
      lo = Math.min(lo, c);
      hi = Math.max(hi, c);
    }
    if (hi - lo < best.width - 1e-9) best = { width: hi - lo, u };
  }
  const u = best.u;
  return { u, v: { x: -u.y, y: u.x } };
}

/** Along/across coordinates of a ring in the sweep frame. */
function toSweep(ring: Xy[], u: Xy, v: Xy): Array<{ s: number; c: number }> {
  return ring.map((p) => ({ s: p.x * u.x + p.y * u.y, c: p.x * v.x + p.y * v.y }));
}

/** Intervals of `s` where the line `c = const` is inside the ring (even-odd). */
function scanline(ring: Array<{ s: number; c: number }>, c: number): Interval[] {
  const xs: number[] = [];
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a.c > c !== b.c > c) xs.push(a.s + ((c - a.c) * (b.s - a.s)) / (b.c - a.c));
  }
  xs.sort((p, q) => p - q);
  const out: Interval[] = [];
  for (let i = 0; i + 1 < xs.length; i += 2) out.push([xs[i]!, xs[i + 1]!]);
  return out;
}

function mergeIntervals(list: Interval[]): Interval[] {
  const sorted = [...list].sort((a, b) => a[0] - b[0]);
  const out: Interval[] = [];
  for (const iv of sorted) {
    const last = out[out.length - 1];
    if (last && iv[0] <= last[1] + 1e-9) last[1] = Math.max(last[1], iv[1]);
    else out.push([iv[0], iv[1]]);
  }
  return out;
}

function subtract(list: Interval[], cut: Interval[]): Interval[] {
  let cur = list;
  for (const [c0, c1] of cut) {
    const next: Interval[] = [];
    for (const [a, b] of cur) {
      if (c1 <= a || c0 >= b) next.push([a, b]);
      else {
        if (c0 > a) next.push([a, c0]);
        if (c1 < b) next.push([c1, b]);
      }
    }
    cur = next;
  }
  return cur;
}

function intersect(list: Interval[], keep: Interval[]): Interval[] {
  const out: Interval[] = [];
  for (const [a, b] of list) for (const [k0, k1] of keep) if (Math.min(b, k1) >= Math.max(a, k0)) out.push([Math.max(a, k0), Math.min(b, k1)]);
  return out;
}

/**
 * Along-track extent of the ring between `lo` and `hi` across: the union of the trapezoids the
 * ring's edges cut between the breakpoints (vertices), so that tips between scanlines count.
 */
function stripExtent(ring: Array<{ s: number; c: number }>, lo: number, hi: number): Interval[] {
  const cuts = [lo, hi, ...ring.map((p) => p.c).filter((c) => c > lo && c < hi)].sort((a, b) => a - b);
  const out: Interval[] = [];
  for (let i = 0; i + 1 < cuts.length; i++) {
    const c0 = cuts[i]!;
    const c1 = cuts[i + 1]!;
    if (c1 - c0 < 1e-9) continue;
    const eps = Math.min(1e-6, (c1 - c0) / 4);
    const a = scanline(ring, c0 + eps);
    const b = scanline(ring, c1 - eps);
    if (a.length === b.length) a.forEach((iv, k) => out.push([Math.min(iv[0], b[k]![0]), Math.max(iv[1], b[k]![1])]));
    else out.push(...a, ...b);
  }
  return mergeIntervals(out);
}

/** Options of a coverage pattern. */
export interface CoverageOptions {
  altitudeM: number;
  camera: CameraSpec;
  overlap: Overlap;
  /** Start the pattern at the corner nearest this point (the dock). */
  startNear?: Xy;
}

/** Boustrophedon coverage of `ring` (metres, not closed) inside `air`. */
export function coveragePattern(ring: Xy[], air: PreparedAirspace, opts: CoverageOptions): CoveragePattern {
  const footprint = footprintM(opts.altitudeM, opts.camera);
  const maxLineSpacing = footprint.widthM * (1 - opts.overlap.sidePct / 100);
  const photoSpacingM = footprint.heightM * (1 - opts.overlap.frontPct / 100);
  const { u, v } = sweepAxis(ring);
  const sw = toSweep(ring, u, v);
  const keepIn = air.keepIn.map((k) => toSweep(k.ring, u, v));
  const holes = air.keepOut.map((k) => toSweep(k.clip, u, v));
  const cMin = Math.min(...sw.map((p) => p.c));
  const cMax = Math.max(...sw.map((p) => p.c));
  const nLines = Math.max(1, Math.ceil((cMax - cMin) / maxLineSpacing - 1e-9));
  const lineSpacingM = (cMax - cMin) / nLines;
  let clipped = false;
  const lines: Array<{ c: number; intervals: Interval[] }> = [];
  for (let i = 0; i < nLines; i++) {
    const c = cMin + lineSpacingM * (i + 0.5);
    let ivs = stripExtent(sw, cMin + lineSpacingM * i, cMin + lineSpacingM * (i + 1));
    const before = ivs.reduce((s, [a, b]) => s + b - a, 0);
    if (keepIn.length > 0) ivs = intersect(ivs, mergeIntervals(keepIn.flatMap((k) => scanline(k, c))));
    ivs = subtract(ivs, mergeIntervals(holes.flatMap((h) => scanline(h, c))));
    if (ivs.reduce((s, [a, b]) => s + b - a, 0) < before - 1e-6) clipped = true;
    if (ivs.length > 0) lines.push({ c, intervals: ivs });
  }
  const point = (s: number, c: number): Xy => ({ x: s * u.x + c * v.x, y: s * u.y + c * v.y });
  const build = (reverseLines: boolean, firstBackward: boolean): CoverageRun[] => {
    const order = reverseLines ? [...lines].reverse() : lines;
    const runs: CoverageRun[] = [];
    order.forEach((line, k) => {
      const backward = (k % 2 === 1) !== firstBackward;
      const ivs = backward ? [...line.intervals].reverse() : line.intervals;
      for (const [a, b] of ivs) {
        const n = b - a < 1e-6 ? 1 : Math.ceil((b - a) / photoSpacingM - 1e-9) + 1;
        const photos: Xy[] = [];
        for (let j = 0; j < n; j++) {
          const t = n === 1 ? 0.5 : j / (n - 1);
          photos.push(point(backward ? b - t * (b - a) : a + t * (b - a), line.c));
        }
        const dir = backward ? { x: -u.x, y: -u.y } : u;
        runs.push({ photos, headingDeg: headingDeg({ x: 0, y: 0 }, dir) });
      }
    });
    return runs;
  };
  let runs = build(false, false);
  if (opts.startNear) {
    let bestD = Infinity;
    for (const rl of [false, true]) {
      for (const fb of [false, true]) {
        const cand = build(rl, fb);
        const first = cand[0]?.photos[0];
        const d = first ? dist(first, opts.startNear) : Infinity;
        if (d < bestD) {
          bestD = d;
          runs = cand;
        }
      }
    }
  }
  return { runs, footprint, lineSpacingM, photoSpacingM, sweepHeadingDeg: runs[0]?.headingDeg ?? 0, clipped };
}
