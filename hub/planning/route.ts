/**
 * Route following and points of interest. A route is densified with a photo every N metres along
 * each leg (at photo waypoints, or as one distance-triggered camera run per straight part); the
 * part of a leg that would cross a keep-out zone becomes a detour without photos. Each point of
 * interest is orbited at a radius with photos facing it; orbit points in a keep-out margin or
 * outside the keep-in area are left out. Pure.
 */
import { insideKeepIn, keepOutAt, zoneLabel, type PreparedAirspace } from './airspace.ts';
import type { CameraTrigger } from '../../protocol/plan.schema.ts';
import type { Detour } from './avoid.ts';
import { clipSegmentConvex, dist, headingDeg, type Xy } from './geo.ts';
import { PlanErrors } from './plan-errors.ts';

/** A point of a pattern before the transit legs are added. */
export interface PatternPoint {
  xy: Xy;
  kind: 'photo' | 'orbit' | 'transit';
  /** Camera heading at a photo, degrees. */
  headingDeg?: number;
  /** > 0: a camera run starts here (a photo every this many metres to the next point); 0: it ends here. */
  triggerDistanceM?: number;
  /** Photos of the camera run starting here. */
  photos?: Xy[];
}

/** What building a pattern had to tell people. */
export interface PatternNotes {
  /** Names (`中文 / English`) of keep-out zones flown around. */
  avoided: Set<string>;
  warnings: string[];
}

/** The shortest camera run flown with distance triggering, and the smallest trigger distance, metres. */
const MIN_RUN_M = 20;
const MIN_TRIGGER_M = 12;
/**
 * The last photo of a distance-triggered run is this far before the run's end, metres, so that
 * the drone (accepting its end waypoint up to 2 m early) surely takes it and takes no extra one.
 */
const RUN_END_SLACK_M = 5;

/**
 * A straight run of photos as two waypoints: its start with distance triggering, its end stopping
 * it; or null when the run is too short or its photos too close for that.
 */
export function distanceRun(photos: Xy[], headingDeg: number): PatternPoint[] | null {
  const a = photos[0];
  const b = photos[photos.length - 1];
  if (!a || !b || photos.length < 2) return null;
  const lengthM = Math.hypot(b.x - a.x, b.y - a.y);
  const everyM = (lengthM - RUN_END_SLACK_M) / (photos.length - 1);
  if (lengthM < MIN_RUN_M || everyM < MIN_TRIGGER_M) return null;
  const ux = (b.x - a.x) / lengthM;
  const uy = (b.y - a.y) / lengthM;
  const shots = photos.map((_, k) => ({ x: a.x + ux * everyM * k, y: a.y + uy * everyM * k }));
  return [
    { xy: a, kind: 'photo', headingDeg, triggerDistanceM: everyM, photos: shots },
    { xy: b, kind: 'transit', headingDeg, triggerDistanceM: 0 },
  ];
}

/** Parts `[t0, t1]` of the leg `a→b` outside every keep-out zone's clip margin (parameters 0–1). */
function clearParts(a: Xy, b: Xy, air: PreparedAirspace): Array<[number, number]> {
  let parts: Array<[number, number]> = [[0, 1]];
  for (const k of air.keepOut) {
    const cut = clipSegmentConvex(a, b, k.clip);
    if (!cut) continue;
    parts = parts.flatMap(([p0, p1]): Array<[number, number]> => {
      if (cut[1] <= p0 || cut[0] >= p1) return [[p0, p1]];
      const out: Array<[number, number]> = [];
      if (cut[0] > p0) out.push([p0, cut[0]]);
      if (cut[1] < p1) out.push([cut[1], p1]);
      return out;
    });
  }
  return parts;
}

/** Photos every `photoEveryM` along the route; the parts of a leg in a keep-out zone become a detour without photos. */
export function routePattern(
  points: Xy[],
  photoEveryM: number,
  air: PreparedAirspace,
  findPath: (a: Xy, b: Xy) => Detour | null,
  notes: PatternNotes,
  trigger: CameraTrigger = 'waypoint',
): PatternPoint[] {
  const out: PatternPoint[] = [];
  const at = (a: Xy, b: Xy, t: number): Xy => ({ x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) });
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const heading = headingDeg(a, b);
    const len = dist(a, b);
    const parts = clearParts(a, b, air);
    parts.forEach(([t0, t1], j) => {
      const from = at(a, b, t0);
      if (j > 0) {
        // Around the zone between the previous clear part and this one.
        const prev = out[out.length - 1]!.xy;
        const detour = findPath(prev, from);
        if (!detour) throw PlanErrors.ROUTE_BLOCKED_BY_KEEP_OUT(undefined, { leg: i });
        for (const z of air.keepOut) if (clipSegmentConvex(prev, from, z.clip)) notes.avoided.add(zoneLabel(z.zone));
        for (const c of detour.path.slice(1, -1)) out.push({ xy: c, kind: 'transit' });
      }
      const partM = (t1 - t0) * len;
      const n = Math.max(1, Math.ceil(partM / photoEveryM - 1e-9));
      // Distance triggering: the clear part is one camera run, flown through.
      const run = trigger === 'distance' ? distanceRun(Array.from({ length: n + 1 }, (_, k) => at(a, b, t0 + ((t1 - t0) * k) / n)), heading) : null;
      if (run) {
        out.push(...run);
        return;
      }
      // Photos from the start of the part; the end of the part too when a zone cuts the leg there.
      const last = j < parts.length - 1 ? n : n - 1;
      for (let k = 0; k <= last; k++) out.push({ xy: at(a, b, t0 + ((t1 - t0) * k) / n), kind: 'photo', headingDeg: heading });
    });
  }
  const last = points[points.length - 1]!;
  const prev = points[points.length - 2]!;
  // The last run already photographed the end (a distance run stops there).
  if (out[out.length - 1]?.triggerDistanceM !== 0) out.push({ xy: last, kind: 'photo', headingDeg: headingDeg(prev, last) });
  return out;
}

/** Options of points-of-interest orbits. */
export interface OrbitOptions {
  radiusM: number;
  photos: number;
  /** Visit the points starting nearest this point (the dock). */
  startNear: Xy;
}

/** Orbits of each point of interest (nearest first), photos facing the point. */
export function orbitPattern(pois: Xy[], air: PreparedAirspace, opts: OrbitOptions, notes: PatternNotes): PatternPoint[] {
  const left = [...pois];
  const out: PatternPoint[] = [];
  let here = opts.startNear;
  while (left.length > 0) {
    let k = 0;
    for (let i = 1; i < left.length; i++) if (dist(left[i]!, here) < dist(left[k]!, here)) k = i;
    const poi = left.splice(k, 1)[0]!;
    // Start the orbit on the side we come from.
    const start = Math.atan2(here.y - poi.y, here.x - poi.x);
    let placed = 0;
    for (let j = 0; j < opts.photos; j++) {
      const ang = start + (2 * Math.PI * j) / opts.photos;
      const p = { x: poi.x + opts.radiusM * Math.cos(ang), y: poi.y + opts.radiusM * Math.sin(ang) };
      const zone = keepOutAt(p, air);
      if (zone || !insideKeepIn(p, air)) {
        if (zone) notes.avoided.add(zoneLabel(zone.zone));
        continue;
      }
      out.push({ xy: p, kind: 'orbit', headingDeg: headingDeg(p, poi) });
      placed += 1;
    }
    if (placed < opts.photos) notes.warnings.push(`兴趣点环绕拍摄少了 ${opts.photos - placed} 张（禁飞区或作业区边界）/ ${opts.photos - placed} orbit photo(s) left out (keep-out zone or operation-area boundary)`);
    if (placed === 0) out.push({ xy: poi, kind: 'photo', headingDeg: 0 });
    here = out[out.length - 1]!.xy;
  }
  return out;
}
