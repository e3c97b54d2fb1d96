/** State of the operator console: docks, their drones, trails and alarms, folded from the API list and live messages. Pure. */
import type { DockLiveMessage, DockView, HealthAlarm } from '../../../protocol/dock.schema.ts';
import type { VehicleAlarm } from '../../../protocol/vehicle.schema.ts';

/** One recent drone position: degrees and metres above the ellipsoid (≈ AMSL over Panyu). */
export interface TrailPoint {
  lat: number;
  lon: number;
  altM: number;
}

/** Longest trail kept per drone, positions (≤ 2 Hz, so about 5 minutes). */
export const TRAIL_MAX_POINTS = 600;
/** Vehicle alarms kept per dock. */
const VEHICLE_ALARMS_MAX = 20;

/** Everything the console shows, by dock serial number. */
export interface OpsState {
  docks: Record<string, DockView>;
  /** Recent positions of each dock's drone. */
  trails: Record<string, TrailPoint[]>;
  /** Recent ground-station alarms about each dock's drone, newest first. */
  vehicleAlarms: Record<string, VehicleAlarm[]>;
  /** Docks whose drone link was reported lost and not yet restored. */
  linkLost: Record<string, boolean>;
  /** When the centre last received each drone's telemetry, milliseconds since the epoch. */
  lastHeartbeatMs: Record<string, number>;
  /** True once the dock list has loaded. */
  listed: boolean;
}

/** What changes the state. */
export type OpsAction = { type: 'list'; docks: DockView[]; nowMs: number } | { type: 'live'; message: DockLiveMessage; nowMs: number };

/** The state before anything has loaded. */
export function emptyOpsState(): OpsState {
  return { docks: {}, trails: {}, vehicleAlarms: {}, linkLost: {}, lastHeartbeatMs: {}, listed: false };
}

function withDock(state: OpsState, sn: string, patch: Partial<DockView>): OpsState {
  const dock = state.docks[sn];
  if (!dock) return state;
  return { ...state, docks: { ...state.docks, [sn]: { ...dock, ...patch } } };
}

function appendTrail(trail: readonly TrailPoint[] | undefined, p: TrailPoint): TrailPoint[] {
  const next = [...(trail ?? []), p];
  return next.length > TRAIL_MAX_POINTS ? next.slice(next.length - TRAIL_MAX_POINTS) : next;
}

/** Folds one action into the state. */
export function opsReducer(state: OpsState, action: OpsAction): OpsState {
  if (action.type === 'list') {
    const docks: Record<string, DockView> = {};
    const lastHeartbeatMs = { ...state.lastHeartbeatMs };
    for (const d of action.docks) {
      docks[d.sn] = d;
      if (d.drone && lastHeartbeatMs[d.sn] === undefined) lastHeartbeatMs[d.sn] = Date.parse(d.drone.ts);
    }
    return { ...state, docks, lastHeartbeatMs, listed: true };
  }
  const m = action.message;
  switch (m.type) {
    case 'vehicle': {
      const sn = m.dockSn;
      if (sn === null || !state.docks[sn]) return state;
      const t = m.telemetry;
      const next = withDock(state, sn, { drone: t, droneLinked: true });
      // Only a flying drone leaves a trail; a new take-off starts a fresh one.
      const flying = t.armed && t.altRelM > 0.5;
      const trail = flying ? appendTrail(state.trails[sn], { lat: t.lat, lon: t.lon, altM: t.altAmslM }) : (state.trails[sn] ?? []);
      return {
        ...next,
        trails: { ...state.trails, [sn]: trail },
        lastHeartbeatMs: { ...state.lastHeartbeatMs, [sn]: action.nowMs },
        linkLost: state.linkLost[sn] ? { ...state.linkLost, [sn]: false } : state.linkLost,
      };
    }
    case 'dock-state':
      return withDock(state, m.sn, { state: m.state, online: true });
    case 'dock-osd':
      return withDock(state, m.sn, { state: m.osd.state, weather: m.osd.weather, online: true, droneLinked: m.osd.autopilotLinked });
    case 'dock-alarms':
      return withDock(state, m.sn, { alarms: m.alarms as HealthAlarm[] });
    case 'vehicle-alarm': {
      const sn = m.dockSn;
      if (sn === null || !state.docks[sn]) return state;
      const list = [m.alarm, ...(state.vehicleAlarms[sn] ?? [])].slice(0, VEHICLE_ALARMS_MAX);
      const linkLost = m.alarm.kind === 'link-lost' ? true : m.alarm.kind === 'link-restored' ? false : (state.linkLost[sn] ?? false);
      return { ...state, vehicleAlarms: { ...state.vehicleAlarms, [sn]: list }, linkLost: { ...state.linkLost, [sn]: linkLost } };
    }
    case 'flight':
      if (m.event === 'started' && m.flight.dockSn) return { ...state, trails: { ...state.trails, [m.flight.dockSn]: [] } };
      return state;
    default:
      return state;
  }
}

/** The flight modes in which the drone holds position and `resume` makes sense. */
const HOLDING_MODES = new Set(['LOITER', 'BRAKE', 'POSHOLD']);

/** Which commands apply to a dock right now. */
export interface CommandAvailability {
  launch: boolean;
  goTo: boolean;
  hold: boolean;
  resume: boolean;
  returnToDock: boolean;
  land: boolean;
  emergencyStop: boolean;
}

/** The commands that apply to `dock` in its present state. */
export function availableCommands(dock: DockView | undefined, linkLost: boolean): CommandAvailability {
  const none = { launch: false, goTo: false, hold: false, resume: false, returnToDock: false, land: false, emergencyStop: false };
  if (!dock || !dock.online) return none;
  const drone = dock.drone;
  const airborne = drone !== null && drone.armed;
  const linked = dock.droneLinked && !linkLost;
  const docked = dock.state === 'idle' || dock.state === 'charging';
  return {
    launch: linked && docked && !airborne,
    goTo: linked && airborne,
    hold: linked && airborne && !HOLDING_MODES.has(drone.mode),
    resume: linked && airborne && HOLDING_MODES.has(drone.mode),
    returnToDock: linked && airborne && drone.mode !== 'RTL',
    land: linked && airborne && drone.mode !== 'LAND',
    emergencyStop: airborne,
  };
}
