/**
 * Performance figures of the dock drone's airframe and the autopilot's navigation tuning: one
 * source for the simulated autopilot (edge/dock/sim-autopilot) and the flight planner's
 * time and battery estimate (hub/planning). Pure.
 */

/** Performance figures of an airframe. */
export interface AirframeParams {
  /** Horizontal cruise speed, m/s (ArduPilot WPNAV_SPEED). */
  cruiseMps: number;
  /** Climb rate, m/s (WPNAV_SPEED_UP). */
  climbMps: number;
  /** Descent rate, m/s (WPNAV_SPEED_DN). */
  descentMps: number;
  /** Final landing descent rate, m/s (LAND_SPEED). */
  landMps: number;
  /** Wind the copter flies in: speed m/s and the direction it blows from, degrees. */
  windMps: number;
  windFromDeg: number;
  /** Battery drain hovering, percent per second; plus `drainPerMpsPctPerS` per m/s of ground speed. */
  hoverDrainPctPerS: number;
  drainPerMpsPctPerS: number;
}

/** Defaults of a mid-size dock drone (40–55 min flight time). */
export const DEFAULT_AIRFRAME: AirframeParams = {
  cruiseMps: 15,
  climbMps: 3,
  descentMps: 2,
  landMps: 1,
  windMps: 3,
  windFromDeg: 135,
  hoverDrainPctPerS: 0.035,
  drainPerMpsPctPerS: 0.0012,
};

/** How the autopilot flies a mission (ArduPilot-like position controller and mission acceptance). */
export const AUTOPILOT_TUNING = {
  /** Horizontal speed toward a target = this × distance, capped at cruise, 1/s. */
  positionGainPerS: 0.5,
  /** Vertical speed toward a target height = this × height error, capped at climb/descent, 1/s. */
  altGainPerS: 1,
  /** Fraction of the wind the position loop does not cancel. */
  windResidual: 0.15,
  /** A mission waypoint is reached within this horizontal distance, metres (WPNAV_RADIUS). */
  waypointRadiusM: 2,
  /** … and within this height error, metres. */
  waypointAltToleranceM: 1,
  /** A take-off is complete within this height of its target, metres. */
  takeoffToleranceM: 0.5,
  /** RTL starts its final descent within this distance of home, metres. */
  rtlLandRadiusM: 1.5,
  /** RTL altitude above home, metres (ArduPilot RTL_ALT). */
  rtlAltM: 60,
  /** Landing descends at the descent rate above this height and at the landing rate below it, metres. */
  landSlowBelowM: 10,
} as const;
