/**
 * Keep-out avoidance: a leg that would enter a keep-out zone (grown by the hard margin) is replaced
 * by the shortest detour through the corners of the zones grown by the detour margin (a visibility
 * graph searched with Dijkstra), staying inside the keep-in area. Pure.
 */
import { insideKeepIn, type PreparedAirspace, type PreparedKeepOut } from './airspace.ts';
import { clipSegmentConvex, dist, insideRing, segmentsIntersect, type Xy } from './geo.ts';

/** The keep-out zones the leg `a→b` would enter (by their hard margin). */
export function zonesCrossed(a: Xy, b: Xy, air: PreparedAirspace): PreparedKeepOut[] {
  const len = dist(a, b);
  return air.keepOut.filter((k) => {
    const t = clipSegmentConvex(a, b, k.obstacle);
    return t !== null && (t[1] - t[0]) * len > 1e-6;
  });
}

/** True when the leg stays inside the keep-in area (it crosses no keep-in boundary). */
function staysInside(a: Xy, b: Xy, air: PreparedAirspace): boolean {
  if (air.keepIn.length === 0) return true;
  return air.keepIn.some((k) => {
    if (!insideRing(a, k.ring) || !insideRing(b, k.ring)) return false;
    for (let i = 0; i < k.ring.length; i++) if (segmentsIntersect(a, b, k.ring[i]!, k.ring[(i + 1) % k.ring.length]!)) return false;
    return true;
  });
}

/** True when the leg `a→b` enters no keep-out zone and stays inside the keep-in area. */
export function legIsClear(a: Xy, b: Xy, air: PreparedAirspace): boolean {
  return zonesCrossed(a, b, air).length === 0 && staysInside(a, b, air);
}

/** A path from `a` to `b` and the zones it goes around. */
export interface Detour {
  /** `[a, …corners, b]`. */
  path: Xy[];
  /** Zones the straight leg would have entered. */
  avoided: PreparedKeepOut[];
}

/** Builds a path finder for one airspace (the detour corners are computed once). */
export function pathFinder(air: PreparedAirspace): (a: Xy, b: Xy) => Detour | null {
  const corners: Xy[] = [];
  for (const k of air.keepOut) {
    for (const c of k.corners) {
      if (air.keepOut.some((o) => insideRing(c, o.obstacle)) || !insideKeepIn(c, air)) continue;
      corners.push(c);
    }
  }
  // Which corners see each other does not depend on a and b: compute it once.
  const seen = new Map<number, number[]>();
  const visible = (i: number): number[] => {
    let v = seen.get(i);
    if (!v) {
      v = [];
      for (let j = 0; j < corners.length; j++) if (j !== i && legIsClear(corners[i]!, corners[j]!, air)) v.push(j);
      seen.set(i, v);
    }
    return v;
  };

  return (a, b) => {
    const avoided = zonesCrossed(a, b, air);
    if (avoided.length === 0 && staysInside(a, b, air)) return { path: [a, b], avoided: [] };
    // Nodes: 0 = a, 1 = b, 2… = corners.
    const n = corners.length + 2;
    const node = (i: number): Xy => (i === 0 ? a : i === 1 ? b : corners[i - 2]!);
    const distTo = new Array<number>(n).fill(Infinity);
    const prev = new Array<number>(n).fill(-1);
    const done = new Array<boolean>(n).fill(false);
    distTo[0] = 0;
    for (;;) {
      let u = -1;
      for (let i = 0; i < n; i++) if (!done[i] && distTo[i]! < Infinity && (u < 0 || distTo[i]! < distTo[u]!)) u = i;
      if (u < 0 || u === 1) break;
      done[u] = true;
      const pu = node(u);
      const neighbours: number[] = [];
      if (u === 0) for (let j = 0; j < corners.length; j++) neighbours.push(j + 2);
      else for (const j of visible(u - 2)) neighbours.push(j + 2);
      neighbours.push(1);
      for (const v of neighbours) {
        if (done[v]) continue;
        const pv = node(v);
        // Corner-to-corner visibility is cached; legs from a or to b are checked here.
        if ((u === 0 || v === 1) && !legIsClear(pu, pv, air)) continue;
        const d = distTo[u]! + dist(pu, pv);
        if (d < distTo[v]!) {
          distTo[v] = d;
          prev[v] = u;
        }
      }
    }
    if (distTo[1] === Infinity) return null;
    const path: Xy[] = [];
    for (let i = 1; i >= 0; i = prev[i]!) path.unshift(node(i));
    return { path, avoided };
  };
}
