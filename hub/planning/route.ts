/**
 * Route following and points of interest. A route is densified with a photo every N metres along
 * each leg; a leg that would cross a keep-out zone becomes a detour without photos. Each point of
 * interest is orbited at a radius with photos facing it; orbit points in a keep-out margin or
 * outside the keep-in area are left out. Pure.
 */
import { insideKeepIn, keepOutAt, zoneLabel, type PreparedAirspace } from './airspace.ts';
import type { Detour } from './avoid.ts';
import { dist, headingDeg, type Xy } from './geo.ts';
import { PlanErrors } from './plan-errors.ts';

/** A point of a pattern before the transit legs are added. */
export interface PatternPoint {
  xy: Xy;
  kind: 'photo' | 'orbit' | 'transit';
  /** Camera heading at a photo, degrees. */
  headingDeg?: number;
}

/** What building a pattern had to tell people. */
export interface PatternNotes {
  /** Names (`中文 / English`) of keep-out zones flown around. */
  avoided: Set<string>;
  warnings: string[];
}

/** Photos every `photoEveryM` along the route, detours around keep-out zones. */
export function routePattern(points: Xy[], photoEveryM: number, findPath: (a: Xy, b: Xy) => Detour | null, notes: PatternNotes): PatternPoint[] {
  const out: PatternPoint[] = [];
  for (let i = 0; i + 1 < points.length; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    const detour = findPath(a, b);
    if (!detour) throw PlanErrors.ROUTE_BLOCKED_BY_KEEP_OUT(undefined, { leg: i });
    const heading = headingDeg(a, b);
    if (detour.avoided.length > 0 || detour.path.length > 2) {
      for (const z of detour.avoided) notes.avoided.add(zoneLabel(z.zone));
      out.push({ xy: a, kind: 'photo', headingDeg: heading });
      for (const c of detour.path.slice(1, -1)) out.push({ xy: c, kind: 'transit' });
      continue;
    }
    const len = dist(a, b);
    const n = Math.max(1, Math.ceil(len / photoEveryM - 1e-9));
    for (let k = 0; k < n; k++) {
      const t = k / n;
      out.push({ xy: { x: a.x + t * (b.x - a.x), y: a.y + t * (b.y - a.y) }, kind: 'photo', headingDeg: heading });
    }
  }
  const last = points[points.length - 1]!;
  const prev = points[points.length - 2]!;
  out.push({ xy: last, kind: 'photo', headingDeg: headingDeg(prev, last) });
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
