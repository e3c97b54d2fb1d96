/**
 * Which tasks a photo serves: those whose geometry its ground footprint touches (an area it
 * overlaps, a route it crosses, a point of interest it contains), so that one sortie's media can
 * be filed to each of the tasks it flew for (一飞多采). Pure.
 */
import { footprintCorners, inFootprint, type Footprint } from './coverage.ts';
import { insideRing, segmentsIntersect, type Xy } from './geo.ts';
import type { LocalGeometry } from './task-geometry.ts';

function segmentTouchesFootprint(a: Xy, b: Xy, corners: Xy[], c: Xy, heading: number, fp: Footprint): boolean {
  if (inFootprint(a, c, heading, fp) || inFootprint(b, c, heading, fp)) return true;
  for (let i = 0; i < 4; i++) if (segmentsIntersect(a, b, corners[i]!, corners[(i + 1) % 4]!)) return true;
  return false;
}

/** True when the footprint of a photo at `c` (heading `heading`) touches the task's geometry. */
export function photoServes(c: Xy, heading: number, fp: Footprint, g: LocalGeometry): boolean {
  const corners = footprintCorners(c, heading, fp);
  if (g.kind === 'points') return g.points.some((p) => inFootprint(p, c, heading, fp));
  if (g.kind === 'route') {
    for (let i = 0; i + 1 < g.points.length; i++) if (segmentTouchesFootprint(g.points[i]!, g.points[i + 1]!, corners, c, heading, fp)) return true;
    return false;
  }
  if (insideRing(c, g.ring) || corners.some((k) => insideRing(k, g.ring))) return true;
  for (let i = 0; i < g.ring.length; i++) if (segmentTouchesFootprint(g.ring[i]!, g.ring[(i + 1) % g.ring.length]!, corners, c, heading, fp)) return true;
  return false;
}
