/**
 * A sortie as the MAVLink mission the ground station uploads (ArduPilot Copter; the ground station
 * puts home at item 0): NAV_TAKEOFF to the first height, an optional DO_CHANGE_SPEED, a
 * NAV_WAYPOINT per waypoint with DO_DIGICAM_CONTROL after each photo (or DO_SET_CAM_TRIGG_DIST
 * starting and stopping a distance-triggered run), and NAV_RETURN_TO_LAUNCH
 * from above the dock. The airspace becomes fence items: FENCE_POLYGON_VERTEX_EXCLUSION per
 * keep-out vertex and FENCE_POLYGON_VERTEX_INCLUSION per keep-in vertex. Pure.
 */
import type { MissionItem } from '../../protocol/vehicle.schema.ts';
import type { PlanSortie } from '../../protocol/plan.schema.ts';
import type { Airspace } from './airspace.ts';

/** MAV_CMD numbers used here (MAVLink common.xml). */
export const MAV_CMD = {
  NAV_WAYPOINT: 16,
  NAV_RETURN_TO_LAUNCH: 20,
  NAV_TAKEOFF: 22,
  DO_CHANGE_SPEED: 178,
  DO_DIGICAM_CONTROL: 203,
  DO_SET_CAM_TRIGG_DIST: 206,
  FENCE_POLYGON_VERTEX_INCLUSION: 5001,
  FENCE_POLYGON_VERTEX_EXCLUSION: 5002,
} as const;
/** MAV_FRAME_GLOBAL_RELATIVE_ALT: heights above home. */
const FRAME_RELATIVE_ALT = 3;
/** MAV_FRAME_MISSION: a command without a position. */
const FRAME_MISSION = 2;
/** WPNAV_RADIUS-like acceptance radius sent with each waypoint, metres. */
const ACCEPT_RADIUS_M = 2;

function item(command: number, frame: number, p: Partial<MissionItem> = {}): MissionItem {
  return { command, frame, param1: 0, param2: 0, param3: 0, param4: 0, lat: 0, lon: 0, altM: 0, autocontinue: true, ...p };
}

/** Mission items of a sortie (without ArduPilot's home item 0); the speed defaults to the sortie's planned speed. */
export function sortieMissionItems(sortie: PlanSortie, opts: { speedMps?: number } = {}): MissionItem[] {
  const speedMps = opts.speedMps ?? sortie.speedMps;
  const first = sortie.waypoints[0];
  if (!first) return [];
  const items: MissionItem[] = [item(MAV_CMD.NAV_TAKEOFF, FRAME_RELATIVE_ALT, { altM: first.altRelM })];
  // DO_CHANGE_SPEED: param1 1 = ground speed, param2 m/s, param3 −1 = throttle unchanged.
  if (speedMps) items.push(item(MAV_CMD.DO_CHANGE_SPEED, FRAME_MISSION, { param1: 1, param2: speedMps, param3: -1 }));
  for (const w of sortie.waypoints) {
    items.push(item(MAV_CMD.NAV_WAYPOINT, FRAME_RELATIVE_ALT, { param2: ACCEPT_RADIUS_M, lat: w.lat, lon: w.lon, altM: w.altRelM }));
    if (w.triggerDistanceM !== undefined) {
      // DO_SET_CAM_TRIGG_DIST: param1 distance (0 stops), param3 1 = one photo at once.
      items.push(item(MAV_CMD.DO_SET_CAM_TRIGG_DIST, FRAME_MISSION, { param1: w.triggerDistanceM, param3: w.triggerDistanceM > 0 ? 1 : 0 }));
    } else if (w.kind === 'photo' || w.kind === 'orbit') {
      // DO_DIGICAM_CONTROL shoots when param5 (carried in x, as an integer) is 1: x = 1 is lat 1e-7.
      items.push(item(MAV_CMD.DO_DIGICAM_CONTROL, FRAME_MISSION, { lat: 1e-7 }));
    }
  }
  items.push(item(MAV_CMD.NAV_RETURN_TO_LAUNCH, FRAME_RELATIVE_ALT));
  return items;
}

/** Fence items of the airspace: each zone a run of vertices whose param1 is the vertex count. */
export function airspaceFenceItems(airspace: Airspace): MissionItem[] {
  const items: MissionItem[] = [];
  for (const z of airspace.zones) {
    const ring = z.ring.slice();
    const a = ring[0];
    const b = ring[ring.length - 1];
    if (a && b && ring.length > 1 && a[0] === b[0] && a[1] === b[1]) ring.pop();
    const command = z.kind === 'keep-out' ? MAV_CMD.FENCE_POLYGON_VERTEX_EXCLUSION : MAV_CMD.FENCE_POLYGON_VERTEX_INCLUSION;
    for (const [lon, lat] of ring) items.push(item(command, FRAME_RELATIVE_ALT, { param1: ring.length, lat, lon, autocontinue: false }));
  }
  return items;
}
