/**
 * Fixtures of the planner's tests: the seeded airspace and docks, random simple polygons, routes
 * and keep-out zones around Panyu (fast-check arbitraries), and the geometric checks the
 * properties share. Test support only.
 */
import fs from 'node:fs';
import fc from 'fast-check';
import type { LonLat } from '../../protocol/plan.schema.ts';
import { parseAirspace, type Airspace, type AirspaceZone } from './airspace.ts';
import type { DockCandidate } from './dock-choice.ts';
import { clipSegmentConvex, convexHull, dist, insideRing, LocalFrame, type Xy } from './geo.ts';

/** The seeded airspace (data/airspace.json). */
export const seededAirspace: Airspace = parseAirspace(JSON.parse(fs.readFileSync(new URL('../../data/airspace.json', import.meta.url), 'utf8')));

/** The seeded docks (data/docks.json), all online, idle, full and without a queue. */
export const seededDocks: DockCandidate[] = (JSON.parse(fs.readFileSync(new URL('../../data/docks.json', import.meta.url), 'utf8')) as { docks: DockCandidate[] }).docks.map((d) => ({
  ...d,
  online: true,
  state: 'idle',
  queueLength: 0,
}));

/** The seeded keep-in area alone (no keep-out zones), to add random ones to. */
export const keepInOnly: Airspace = { zones: seededAirspace.zones.filter((z) => z.kind === 'keep-in') };

/** A frame around the middle of Panyu. */
export const panyuFrame = new LocalFrame({ lat: 22.97, lon: 113.38 });

/** `[lon, lat]` of a point `east`/`north` metres from `centre`. */
export function offset(centre: { lat: number; lon: number }, eastM: number, northM: number): LonLat {
  const ll = new LocalFrame(centre).toLatLon({ x: eastM, y: northM });
  return [ll.lon, ll.lat];
}

/** A centre well inside Panyu, away from the seeded keep-out zones' neighbourhood only by chance. */
export const centreArb = fc.record({ lat: fc.double({ min: 22.93, max: 23.03, noNaN: true }), lon: fc.double({ min: 113.3, max: 113.46, noNaN: true }) });

/** A star-shaped (hence simple) polygon of 3–9 vertices, 80–`maxRadiusM` m from its centre, closed. */
export function polygonArb(maxRadiusM = 350): fc.Arbitrary<LonLat[]> {
  return fc
    .tuple(centreArb, fc.array(fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 80, max: maxRadiusM, noNaN: true })), { minLength: 3, maxLength: 9 }))
    .map(([c, spokes]) => {
      const n = spokes.length;
      // Evenly spread angles with jitter keep consecutive vertices in angular order.
      const ring = spokes.map(([j, r], i) => {
        const a = ((i + 0.8 * j) / n) * 2 * Math.PI;
        return offset(c, r * Math.cos(a), r * Math.sin(a));
      });
      return [...ring, ring[0]!];
    });
}

/**
 * Whole metres in ±`maxM`, spread evenly (fast-check's doubles crowd near 0, which would stack
 * every random zone on the task's first point).
 */
function metresArb(maxM: number): fc.Arbitrary<number> {
  return fc.noBias(fc.integer({ min: -maxM, max: maxM }));
}

/** A route of 2–5 points within 2 km of a centre. */
export const routeArb: fc.Arbitrary<LonLat[]> = fc
  .tuple(centreArb, fc.array(fc.tuple(metresArb(2000), metresArb(2000)), { minLength: 2, maxLength: 5 }))
  .filter(([, pts]) => pts.every(([e, n], i) => i === 0 || Math.hypot(e - pts[i - 1]![0], n - pts[i - 1]![1]) > 5))
  .map(([c, pts]) => pts.map(([e, n]) => offset(c, e, n)));

/** 0–3 random convex keep-out zones (polygons of 4–8 vertices, 100–700 m across) near `near`. */
export function keepOutsArb(spreadM = 2500): fc.Arbitrary<(near: { lat: number; lon: number }) => AirspaceZone[]> {
  return fc
    .array(
      fc.record({
        e: metresArb(spreadM),
        n: metresArb(spreadM),
        r: fc.double({ min: 50, max: 350, noNaN: true }),
        k: fc.integer({ min: 4, max: 8 }),
      }),
      { maxLength: 3 },
    )
    .map((zs) => (near) =>
      zs.map((z, i): AirspaceZone => {
        const ring = Array.from({ length: z.k }, (_, j) => offset(near, z.e + z.r * Math.cos((2 * Math.PI * j) / z.k), z.n + z.r * Math.sin((2 * Math.PI * j) / z.k)));
        return { id: `random-${i}`, nameZh: `随机禁飞区${i}`, nameEn: `random zone ${i}`, kind: 'keep-out', ring: [...ring, ring[0]!] };
      }),
    );
}

/** True when the segment `a→b` runs through the inside of a (convex) zone ring, by more than `tolM`. */
export function legEntersZone(a: Xy, b: Xy, zoneRing: Xy[], tolM = 0.01): boolean {
  const hull = convexHull(zoneRing);
  const t = clipSegmentConvex(a, b, hull);
  return t !== null && (t[1] - t[0]) * dist(a, b) > tolM;
}

/** A zone's ring in `frame`, open. */
export function zoneXy(zone: AirspaceZone, frame: LocalFrame): Xy[] {
  return zone.ring.slice(0, -1).map((p) => frame.toXy(p));
}

/** `count` random points inside the ring (rejection sampling over its bounding box, seeded). */
export function pointsInside(ring: Xy[], count: number, seed: number): Xy[] {
  let s = seed >>> 0 || 1;
  const rnd = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s / 2 ** 32;
  };
  const xs = ring.map((p) => p.x);
  const ys = ring.map((p) => p.y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const out: Xy[] = [];
  for (let guard = 0; out.length < count && guard < count * 200; guard++) {
    const p = { x: x0 + rnd() * (x1 - x0), y: y0 + rnd() * (y1 - y0) };
    if (insideRing(p, ring)) out.push(p);
  }
  return out;
}
