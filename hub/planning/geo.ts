/**
 * Planar geometry for the planner: a local east/north frame in metres around a reference point
 * (flat-earth, the same formula as the simulated autopilot; centimetres over the district) and the
 * polygon and segment tests the planner needs. Pure.
 */
import type { LonLat } from '../../protocol/plan.schema.ts';

/** Mean earth radius, metres (as the simulated autopilot). */
const EARTH_RADIUS_M = 6_371_008.8;
const RAD = Math.PI / 180;

/** A point in the local frame: metres east (`x`) and north (`y`) of the origin. */
export interface Xy {
  x: number;
  y: number;
}

/** A local east/north frame in metres around `origin`. */
export class LocalFrame {
  private readonly cosLat: number;
  constructor(readonly origin: { lat: number; lon: number }) {
    this.cosLat = Math.cos(origin.lat * RAD);
  }

  /** `[lon, lat]` → metres east/north of the origin. */
  toXy(p: LonLat): Xy {
    return { x: (p[0] - this.origin.lon) * RAD * EARTH_RADIUS_M * this.cosLat, y: (p[1] - this.origin.lat) * RAD * EARTH_RADIUS_M };
  }

  /** Metres east/north of the origin → `{ lat, lon }`. */
  toLatLon(p: Xy): { lat: number; lon: number } {
    return { lat: this.origin.lat + p.y / EARTH_RADIUS_M / RAD, lon: this.origin.lon + p.x / (EARTH_RADIUS_M * this.cosLat) / RAD };
  }
}

/** Distance between two points, metres. */
export function dist(a: Xy, b: Xy): number {
  return Math.hypot(b.x - a.x, b.y - a.y);
}

/** Heading from `a` to `b`, degrees clockwise from north, 0–360. */
export function headingDeg(a: Xy, b: Xy): number {
  const h = Math.atan2(b.x - a.x, b.y - a.y) / RAD;
  return h < 0 ? h + 360 : h;
}

/** Signed area of a ring (not closed), square metres; positive when counter-clockwise. */
export function signedArea(ring: Xy[]): number {
  let s = 0;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) s += (ring[j]!.x - ring[i]!.x) * (ring[j]!.y + ring[i]!.y);
  return s / 2;
}

/** True when `p` is inside the ring (ray casting; ring not closed). */
export function insideRing(p: Xy, ring: Xy[]): boolean {
  let inside = false;
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const a = ring[i]!;
    const b = ring[j]!;
    if (a.y > p.y !== b.y > p.y && p.x < ((b.x - a.x) * (p.y - a.y)) / (b.y - a.y) + a.x) inside = !inside;
  }
  return inside;
}

function cross(o: Xy, a: Xy, b: Xy): number {
  return (a.x - o.x) * (b.y - o.y) - (a.y - o.y) * (b.x - o.x);
}

/** True when segments `ab` and `cd` cross or touch. */
export function segmentsIntersect(a: Xy, b: Xy, c: Xy, d: Xy): boolean {
  const d1 = cross(c, d, a);
  const d2 = cross(c, d, b);
  const d3 = cross(a, b, c);
  const d4 = cross(a, b, d);
  if (((d1 > 0 && d2 < 0) || (d1 < 0 && d2 > 0)) && ((d3 > 0 && d4 < 0) || (d3 < 0 && d4 > 0))) return true;
  const on = (p: Xy, q: Xy, r: Xy) => Math.min(p.x, q.x) <= r.x && r.x <= Math.max(p.x, q.x) && Math.min(p.y, q.y) <= r.y && r.y <= Math.max(p.y, q.y);
  return (d1 === 0 && on(c, d, a)) || (d2 === 0 && on(c, d, b)) || (d3 === 0 && on(a, b, c)) || (d4 === 0 && on(a, b, d));
}

/** True when two non-adjacent edges of the ring (not closed) cross or touch. */
export function ringSelfIntersects(ring: Xy[]): boolean {
  const n = ring.length;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      if (j === i + 1 || (i === 0 && j === n - 1)) continue;
      if (segmentsIntersect(ring[i]!, ring[(i + 1) % n]!, ring[j]!, ring[(j + 1) % n]!)) return true;
    }
  }
  return false;
}

/** Convex hull, counter-clockwise, not closed (Andrew's monotone chain). */
export function convexHull(points: Xy[]): Xy[] {
  const p = [...points].sort((a, b) => a.x - b.x || a.y - b.y);
  if (p.length < 3) return p;
  const lower: Xy[] = [];
  for (const q of p) {
    while (lower.length >= 2 && cross(lower[lower.length - 2]!, lower[lower.length - 1]!, q) <= 0) lower.pop();
    lower.push(q);
  }
  const upper: Xy[] = [];
  for (let i = p.length - 1; i >= 0; i--) {
    const q = p[i]!;
    while (upper.length >= 2 && cross(upper[upper.length - 2]!, upper[upper.length - 1]!, q) <= 0) upper.pop();
    upper.push(q);
  }
  return [...lower.slice(0, -1), ...upper.slice(0, -1)];
}

/**
 * A convex polygon (counter-clockwise) grown outward by `marginM` with mitred corners: a superset
 * of the round buffer, so anything outside it is at least `marginM` from the polygon.
 */
export function growConvex(hull: Xy[], marginM: number): Xy[] {
  const n = hull.length;
  const out: Xy[] = [];
  for (let i = 0; i < n; i++) {
    const prev = hull[(i + n - 1) % n]!;
    const cur = hull[i]!;
    const next = hull[(i + 1) % n]!;
    const n1 = outwardNormal(prev, cur);
    const n2 = outwardNormal(cur, next);
    const bx = n1.x + n2.x;
    const by = n1.y + n2.y;
    const cosHalf = Math.hypot(bx, by) / 2;
    if (cosHalf < 0.5) {
      // A corner sharper than 60°: two bevel points instead of a long mitre spike.
      out.push({ x: cur.x + (n1.x - n1.y) * marginM, y: cur.y + (n1.y + n1.x) * marginM });
      out.push({ x: cur.x + (n2.x + n2.y) * marginM, y: cur.y + (n2.y - n2.x) * marginM });
      continue;
    }
    const k = marginM / (cosHalf * Math.hypot(bx, by));
    out.push({ x: cur.x + bx * k, y: cur.y + by * k });
  }
  return out;
}

/** Outward unit normal of edge `a→b` of a counter-clockwise polygon. */
function outwardNormal(a: Xy, b: Xy): Xy {
  const len = Math.hypot(b.x - a.x, b.y - a.y) || 1;
  return { x: (b.y - a.y) / len, y: -(b.x - a.x) / len };
}

/**
 * The part of segment `ab` inside a convex counter-clockwise polygon, as parameters `[t0, t1]` of
 * `a + t(b − a)` (Cyrus–Beck), or null when the segment misses it.
 */
export function clipSegmentConvex(a: Xy, b: Xy, hull: Xy[]): [number, number] | null {
  let t0 = 0;
  let t1 = 1;
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  for (let i = 0; i < hull.length; i++) {
    const p = hull[i]!;
    const q = hull[(i + 1) % hull.length]!;
    // Inside is to the left of p→q: cross(q − p, x − p) ≥ 0.
    const ex = q.x - p.x;
    const ey = q.y - p.y;
    const num = ex * (a.y - p.y) - ey * (a.x - p.x);
    const den = ex * dy - ey * dx;
    if (den === 0) {
      if (num < 0) return null;
      continue;
    }
    const t = -num / den;
    if (den > 0) t0 = Math.max(t0, t);
    else t1 = Math.min(t1, t);
    if (t0 > t1) return null;
  }
  return [t0, t1];
}

/** True when `p` is strictly inside a convex counter-clockwise polygon. */
export function insideConvex(p: Xy, hull: Xy[]): boolean {
  for (let i = 0; i < hull.length; i++) if (cross(hull[i]!, hull[(i + 1) % hull.length]!, p) <= 0) return false;
  return true;
}

/** Length of a polyline, metres. */
export function pathLengthM(path: Xy[]): number {
  let s = 0;
  for (let i = 1; i < path.length; i++) s += dist(path[i - 1]!, path[i]!);
  return s;
}
