/**
 * Splitting a flight into sorties one battery can fly: each sortie takes off from the dock, flies
 * (around keep-out zones) to where the previous one stopped, works as far as the battery (with the
 * reserve kept for landing) and the autopilot's mission storage allow, and comes back to the dock.
 * Pure.
 */
import type { WaypointKind } from '../../protocol/plan.schema.ts';
import { DEFAULT_AIRFRAME, type AirframeParams } from '../../protocol/airframe.ts';
import type { Detour } from './avoid.ts';
import { estimateSortie, type PathPoint, type SortieEstimate } from './estimate.ts';
import type { Xy } from './geo.ts';
import { PlanErrors } from './plan-errors.ts';

/** A waypoint of a flight path in the local frame. */
export interface FlightPoint extends PathPoint {
  kind: WaypointKind;
  headingDeg?: number;
  /** > 0: photos every this many metres from here to the next point (a run); 0: stop triggering here. */
  triggerDistanceM?: number;
  /** Photos this point stands for: the one taken here, or those of the run starting here. */
  photos?: Xy[];
}

/** One sortie: its waypoints (ending above the dock) and its estimate. */
export interface SortiePath {
  points: FlightPoint[];
  estimate: SortieEstimate;
  /** Mission items the sortie uploads (take-off, waypoints, camera commands, RTL). */
  missionItems: number;
  /** Index range `[from, to]` of the work points flown. */
  from: number;
  to: number;
}

/** Options of the split. */
export interface SortieOptions {
  /** Battery a sortie may use, percent (full charge minus the landing reserve). */
  usablePct: number;
  speedMps?: number;
  airframe?: AirframeParams;
  findPath: (a: Xy, b: Xy) => Detour | null;
  /** Most mission items one upload may hold (ArduPilot's storage; default 700). */
  maxMissionItems?: number;
}

/** Mission items one sortie may hold by default (ArduPilot on a 4 KB-storage flight controller holds about 720). */
export const DEFAULT_MAX_MISSION_ITEMS = 700;

/** Mission items of a sortie's points: take-off, speed, RTL, a waypoint each and their camera commands. */
function missionItemCount(points: FlightPoint[]): number {
  let n = 3;
  for (const p of points) n += p.triggerDistanceM !== undefined || p.kind === 'photo' || p.kind === 'orbit' ? 2 : 1;
  return n;
}

/** Transit points from `a` to `b` at `altRelM` (the corners of a detour, without the ends). */
function transit(a: Xy, b: Xy, altRelM: number, findPath: SortieOptions['findPath']): FlightPoint[] {
  const d = findPath(a, b);
  if (!d) throw PlanErrors.ROUTE_BLOCKED_BY_KEEP_OUT();
  return d.path.slice(1, -1).map((xy) => ({ xy, altRelM, kind: 'transit' as const }));
}

/** The sortie flying work points `from..to`: out from the dock, the work, back above the dock. */
export function assembleSortie(home: Xy, work: FlightPoint[], from: number, to: number, opts: SortieOptions): SortiePath {
  const first = work[from]!;
  const last = work[to]!;
  const points = [
    ...transit(home, first.xy, first.altRelM, opts.findPath),
    ...work.slice(from, to + 1),
    ...transit(last.xy, home, last.altRelM, opts.findPath),
    { xy: home, altRelM: last.altRelM, kind: 'return' as const },
  ];
  return { points, estimate: estimateSortie(home, points, opts.speedMps, opts.airframe ?? DEFAULT_AIRFRAME), missionItems: missionItemCount(points), from, to };
}

/** Splits the work points (already joined around keep-out zones) into sorties within the battery. */
export function splitSorties(home: Xy, work: FlightPoint[], opts: SortieOptions): SortiePath[] {
  // A sortie may end after any point but the start of a camera run (the run ends in the same sortie).
  const ends = work.flatMap((p, i) => ((p.triggerDistanceM ?? 0) > 0 ? [] : [i]));
  const out: SortiePath[] = [];
  let from = 0;
  let k = 0;
  while (from < work.length) {
    while (ends[k]! < from) k += 1;
    const fits = (at: number) => {
      const s = assembleSortie(home, work, from, ends[at]!, opts);
      return s.estimate.batteryPct <= opts.usablePct && s.missionItems <= (opts.maxMissionItems ?? DEFAULT_MAX_MISSION_ITEMS) ? s : null;
    };
    let best = fits(k);
    if (!best) throw PlanErrors.SORTIE_EXCEEDS_BATTERY(undefined, { workPoint: from });
    // Exponential then binary search for the farthest end that fits.
    let lo = k;
    let step = 1;
    let hi = -1;
    while (lo + step < ends.length) {
      const s = fits(lo + step);
      if (!s) {
        hi = lo + step;
        break;
      }
      best = s;
      lo += step;
      step *= 2;
    }
    if (hi < 0) hi = ends.length;
    while (hi - lo > 1) {
      const mid = (lo + hi) >> 1;
      const s = fits(mid);
      if (s) {
        best = s;
        lo = mid;
      } else hi = mid;
    }
    out.push(best);
    from = best.to + 1;
  }
  return out;
}
