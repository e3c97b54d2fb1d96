/**
 * Which dock flies a task: among the docks whose coverage radius reaches every point of the task,
 * those online, not in fault, not held by the weather (wind or rain at the dock), not standing in a
 * keep-out zone and with a drone that has or is getting the charge for the first sortie; the best
 * by distance plus a penalty per queued sortie. Every dock not chosen gets its reason. Pure.
 */
import type { DockStateName } from '../../protocol/dock.schema.ts';
import type { DockRejection } from '../../protocol/plan.schema.ts';
import { keepOutAt, zoneLabel, type PreparedAirspace } from './airspace.ts';
import { dist, type LocalFrame, type Xy } from './geo.ts';
import { PlanErrors } from './plan-errors.ts';

/** What the planner needs to know about a dock (from the dock row, its latest osd and the queue). */
export interface DockCandidate {
  sn: string;
  name: string;
  lat: number;
  lon: number;
  /** Radius the dock's drone covers, metres (default 7000, DJI Dock 1). */
  coverageRadiusM?: number;
  online: boolean;
  /** Latest state of the dock (null: never reported). */
  state: DockStateName | null;
  /** Charge of the drone in the dock, percent (unknown: assumed full). */
  droneBatteryPct?: number;
  /** Weather at the dock (null: unknown, no hold). */
  weather?: { windMps: number; rainMmPerH: number } | null;
  /** Sorties already queued or flying on this dock. */
  queueLength: number;
}

/** Limits of the dock choice. */
export interface DockChoiceLimits {
  /** Default coverage radius, metres. */
  coverageRadiusM: number;
  /** No launch above this wind, m/s. */
  windHoldMps: number;
  /** No launch at or above this rain rate, mm/h. */
  rainHoldMmPerH: number;
  /** Score penalty per queued sortie, metres of distance. */
  queuePenaltyM: number;
}

/** Default limits (DOMAIN.md, Flight rules; the rain threshold is our own: moderate rain). */
export const DEFAULT_DOCK_LIMITS: DockChoiceLimits = { coverageRadiusM: 7000, windHoldMps: 10, rainHoldMmPerH: 2.5, queuePenaltyM: 3000 };

/** The chosen dock and why the others were not. */
export interface DockChoice {
  dock: DockCandidate;
  home: Xy;
  rejected: DockRejection[];
}

/**
 * Chooses the dock for task points `points` (metres in `frame`); `needBatteryPct` is the charge the
 * first sortie needs (a dock whose idle drone has less is passed over; a charging one is kept,
 * it will be ready).
 */
export function chooseDock(
  points: Xy[],
  docks: DockCandidate[],
  frame: LocalFrame,
  air: PreparedAirspace,
  limits: DockChoiceLimits = DEFAULT_DOCK_LIMITS,
  needBatteryPct = 0,
): DockChoice {
  const rejected: DockRejection[] = [];
  const capable: Array<{ dock: DockCandidate; home: Xy; score: number; distM: number }> = [];
  let anyCovers = false;
  const centre = points.reduce((s, p) => ({ x: s.x + p.x / points.length, y: s.y + p.y / points.length }), { x: 0, y: 0 });
  for (const dock of docks) {
    const home = frame.toXy([dock.lon, dock.lat]);
    const radius = dock.coverageRadiusM ?? limits.coverageRadiusM;
    const farthest = Math.max(...points.map((p) => dist(home, p)));
    if (farthest > radius) {
      rejected.push({ sn: dock.sn, reason: `超出覆盖半径（最远 ${(farthest / 1000).toFixed(1)} km > ${(radius / 1000).toFixed(1)} km）/ out of coverage (farthest point ${(farthest / 1000).toFixed(1)} km, radius ${(radius / 1000).toFixed(1)} km)` });
      continue;
    }
    anyCovers = true;
    const zone = keepOutAt(home, air, 'obstacle');
    const reason = !dock.online
      ? '机库离线 / dock offline'
      : dock.state === 'fault'
        ? '机库故障 / dock in fault'
        : zone
          ? `机库位于禁飞区 ${zoneLabel(zone.zone)} / dock stands in a keep-out zone`
          : dock.weather && dock.weather.windMps > limits.windHoldMps
            ? `风速 ${dock.weather.windMps.toFixed(1)} m/s 超过 ${limits.windHoldMps} m/s，暂停起飞 / weather hold: wind above ${limits.windHoldMps} m/s`
            : dock.weather && dock.weather.rainMmPerH >= limits.rainHoldMmPerH
              ? `降雨 ${dock.weather.rainMmPerH.toFixed(1)} mm/h，暂停起飞 / weather hold: rain ${dock.weather.rainMmPerH.toFixed(1)} mm/h`
              : dock.state !== 'charging' && (dock.droneBatteryPct ?? 100) < needBatteryPct
                ? `无人机电量 ${(dock.droneBatteryPct ?? 0).toFixed(0)}% 不足（需 ${needBatteryPct.toFixed(0)}%）/ drone battery too low`
                : null;
    if (reason) {
      rejected.push({ sn: dock.sn, reason });
      continue;
    }
    const distM = dist(home, centre);
    capable.push({ dock, home, distM, score: distM + dock.queueLength * limits.queuePenaltyM });
  }
  if (capable.length === 0) {
    if (!anyCovers) throw PlanErrors.OUT_OF_COVERAGE(undefined, { rejected });
    throw PlanErrors.NO_DOCK_AVAILABLE(undefined, { rejected });
  }
  capable.sort((a, b) => a.score - b.score || a.dock.sn.localeCompare(b.dock.sn));
  const best = capable[0]!;
  for (const c of capable.slice(1)) {
    rejected.push({
      sn: c.dock.sn,
      reason: `得分较低（距离 ${(c.distM / 1000).toFixed(1)} km，排队 ${c.dock.queueLength} 架次）/ lower score (${(c.distM / 1000).toFixed(1)} km away, ${c.dock.queueLength} queued)`,
    });
  }
  return { dock: best.dock, home: best.home, rejected };
}
