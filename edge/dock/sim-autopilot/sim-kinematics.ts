/**
 * SIMULATOR — point-mass kinematics of a multicopter: horizontal flight toward a target at cruise
 * speed with a proportional slow-down, climb and descent rates, wind drift the position loop does
 * not fully cancel, and a battery that drains with time in the air and with speed. Pure.
 */
import { AUTOPILOT_TUNING, DEFAULT_AIRFRAME, type AirframeParams } from '../../../protocol/airframe.ts';
import { headingDeg, moveNe, offsetNeM, type LatLon } from './geo.ts';

/** The airframe figures live in protocol/ so that the planner's estimate uses the same numbers. */
export { DEFAULT_AIRFRAME, type AirframeParams };

/** The kinematic state of the vehicle. */
export interface KinematicState extends LatLon {
  /** Height above home, metres. */
  altRelM: number;
  northMps: number;
  eastMps: number;
  /** Vertical speed, positive up, m/s. */
  upMps: number;
  headingDeg: number;
  batteryPct: number;
}

/** Where the flight controller wants to be. `null` horizontal target holds the current position. */
export interface KinematicTarget {
  horizontal: LatLon | null;
  altRelM: number;
  /** Descend at the landing rate regardless of `altRelM` (LAND, final RTL phase). */
  landing?: boolean;
  /** Speed limit for this leg, m/s. */
  speedMps?: number;
  /** Motors off: fall. */
  freeFall?: boolean;
}

const POSITION_GAIN_PER_S = AUTOPILOT_TUNING.positionGainPerS;
const ALT_GAIN_PER_S = AUTOPILOT_TUNING.altGainPerS;
const WIND_RESIDUAL = AUTOPILOT_TUNING.windResidual;

/** Advances `s` by `dtS` seconds toward `t`; returns the new state. */
export function stepKinematics(s: KinematicState, t: KinematicTarget, dtS: number, p: AirframeParams): KinematicState {
  const airborne = s.altRelM > 0.05;
  let up: number;
  if (t.freeFall) up = Math.max(s.upMps - 9.8 * dtS, -20);
  else if (t.landing) up = -p.landMps * (s.altRelM > AUTOPILOT_TUNING.landSlowBelowM ? p.descentMps / p.landMps : 1);
  else up = Math.max(-p.descentMps, Math.min(p.climbMps, ALT_GAIN_PER_S * (t.altRelM - s.altRelM)));

  let north = 0;
  let east = 0;
  if (airborne && !t.freeFall) {
    if (t.horizontal) {
      const { northM, eastM } = offsetNeM(s, t.horizontal);
      const dist = Math.hypot(northM, eastM);
      const speed = Math.min(t.speedMps ?? p.cruiseMps, POSITION_GAIN_PER_S * dist);
      if (dist > 1e-6) {
        north = (northM / dist) * speed;
        east = (eastM / dist) * speed;
      }
    }
    // The wind blows *from* windFromDeg: the drift points the other way.
    const toRad = ((p.windFromDeg + 180) * Math.PI) / 180;
    north += WIND_RESIDUAL * p.windMps * Math.cos(toRad);
    east += WIND_RESIDUAL * p.windMps * Math.sin(toRad);
  }
  let altRelM = s.altRelM + up * dtS;
  if (altRelM <= 0) {
    altRelM = 0;
    up = 0;
    north = 0;
    east = 0;
  }
  const moved = moveNe(s, north * dtS, east * dtS);
  const groundMps = Math.hypot(north, east);
  // On the ground (a landing may leave a denormal height like 2e-323) the motors draw nothing.
  const drain = airborne || altRelM > 0.01 ? (p.hoverDrainPctPerS + p.drainPerMpsPctPerS * (groundMps + p.windMps)) * dtS : 0;
  return {
    lat: moved.lat,
    lon: moved.lon,
    altRelM,
    northMps: north,
    eastMps: east,
    upMps: up,
    headingDeg: groundMps > 0.5 ? headingDeg(north, east) : s.headingDeg,
    batteryPct: Math.max(0, s.batteryPct - drain),
  };
}
