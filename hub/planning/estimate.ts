/**
 * Flight time and battery of a sortie from the airframe figures and autopilot tuning the simulated
 * autopilot flies with (protocol/airframe.ts): vertical take-off to the first height, each leg at
 * the speed limit with the position controller's proportional slow-down into the waypoint's
 * acceptance radius, then RTL from above the dock: descent at the descent rate and the last
 * metres at the landing rate. Battery: hover drain × time plus the per-m/s drain × ground speed
 * (wind included), as the simulator drains it. Pure.
 */
import { AUTOPILOT_TUNING, DEFAULT_AIRFRAME, type AirframeParams } from '../../protocol/airframe.ts';
import { dist, type Xy } from './geo.ts';

/** A point of a flight path with its height above the dock. */
export interface PathPoint {
  xy: Xy;
  altRelM: number;
}

/** Estimate of one sortie. */
export interface SortieEstimate {
  /** Take-off to landing, seconds. */
  durationS: number;
  /** Battery used, percent of a full charge. */
  batteryPct: number;
  /** Horizontal path length, dock to dock, metres. */
  lengthM: number;
}

const T = AUTOPILOT_TUNING;

/**
 * Time to close a gap of `gapM` with speed min(`maxMps`, gain × gap) until within `tolM`: the
 * straight part at the speed limit, then the exponential approach.
 */
export function approachTimeS(gapM: number, maxMps: number, gainPerS: number, tolM: number): number {
  if (gapM <= tolM) return 0;
  const slowFromM = maxMps / gainPerS;
  if (gapM <= slowFromM) return Math.log(gapM / tolM) / gainPerS;
  return (gapM - slowFromM) / maxMps + Math.log(Math.max(slowFromM, tolM) / tolM) / gainPerS;
}

/** Time of one mission leg (horizontal and vertical together), seconds. */
export function legTimeS(horizontalM: number, climbM: number, speedMps: number, air: AirframeParams = DEFAULT_AIRFRAME): number {
  const h = approachTimeS(horizontalM, speedMps, T.positionGainPerS, T.waypointRadiusM);
  const vRate = climbM >= 0 ? air.climbMps : air.descentMps;
  const v = approachTimeS(Math.abs(climbM), vRate, T.altGainPerS, T.waypointAltToleranceM);
  return Math.max(h, v);
}

/** Time of a vertical take-off to `altRelM`, seconds. */
export function takeoffTimeS(altRelM: number, air: AirframeParams = DEFAULT_AIRFRAME): number {
  return approachTimeS(altRelM, air.climbMps, T.altGainPerS, T.takeoffToleranceM);
}

/** Time of the landing from `altRelM` above the dock, seconds. */
export function landingTimeS(altRelM: number, air: AirframeParams = DEFAULT_AIRFRAME): number {
  const fast = Math.max(0, altRelM - T.landSlowBelowM);
  return fast / air.descentMps + Math.min(altRelM, T.landSlowBelowM) / air.landMps;
}

/** Battery drained over `seconds` while covering `groundM` metres, percent. */
export function drainPct(seconds: number, groundM: number, air: AirframeParams = DEFAULT_AIRFRAME): number {
  return (air.hoverDrainPctPerS + air.drainPerMpsPctPerS * air.windMps) * seconds + air.drainPerMpsPctPerS * groundM;
}

/**
 * Estimate of a sortie that takes off at `home`, flies `path` (the last point above the dock) at
 * `speedMps` and lands with RTL.
 */
export function estimateSortie(home: Xy, path: PathPoint[], speedMps?: number, air: AirframeParams = DEFAULT_AIRFRAME): SortieEstimate {
  const speed = speedMps ?? air.cruiseMps;
  const first = path[0];
  if (!first) return { durationS: 0, batteryPct: 0, lengthM: 0 };
  const drift = T.windResidual * air.windMps;
  let durationS = 0;
  let batteryPct = 0;
  let lengthM = 0;
  const vertical = (s: number) => {
    durationS += s;
    batteryPct += drainPct(s, drift * s, air);
  };
  vertical(takeoffTimeS(first.altRelM, air));
  let at: PathPoint = { xy: home, altRelM: first.altRelM };
  for (const p of path) {
    const d = dist(at.xy, p.xy);
    const s = legTimeS(d, p.altRelM - at.altRelM, speed, air);
    durationS += s;
    batteryPct += drainPct(s, d, air);
    lengthM += d;
    at = p;
  }
  // RTL from the last point: fly the rest of the way home, then land.
  const back = dist(at.xy, home);
  const s = approachTimeS(back + T.waypointRadiusM, air.cruiseMps, T.positionGainPerS, T.rtlLandRadiusM);
  durationS += s;
  batteryPct += drainPct(s, back, air);
  lengthM += back;
  vertical(landingTimeS(at.altRelM, air));
  return { durationS, batteryPct, lengthM };
}
