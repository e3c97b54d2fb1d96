/** The operator console's part of `window.__yzg` (`window.__yzg.ops`), for browser tests and diagnostics. */
import { testHooks } from '../test-hooks/test-hooks.ts';

/** A drone as the console's globe draws it (position read back from its Cesium entity). */
export interface OpsDroneHook {
  sysId: number;
  lat: number;
  lon: number;
  /** Height above the ellipsoid the globe draws the drone at, metres. */
  altM: number;
  /** Height above the take-off point, metres. */
  altRelM: number;
  batteryPct: number;
  mode: string;
  armed: boolean;
  groundSpeedMps: number;
  /** Positions in the drawn trail. */
  trailPoints: number;
}

/** A dock as the console's globe draws it. */
export interface OpsDockHook {
  name: string;
  lat: number;
  lon: number;
  state: string | null;
  online: boolean;
  droneLinked: boolean;
  coverageRadiusM: number;
  alarms: number;
}

/** Everything on `window.__yzg.ops`. */
export interface OpsHooks {
  /** True once the console's globe has loaded its first tiles. */
  globeReady: boolean;
  /** True while the live WebSocket is open. */
  liveConnected: boolean;
  /** Drones on the globe, by their dock's serial number. */
  drones: Record<string, OpsDroneHook>;
  /** Docks on the globe, by serial number. */
  docks: Record<string, OpsDockHook>;
  /** The selected dock. */
  selectedSn: string | null;
  /** The target point chosen on the map, when one is. */
  target: { lat: number; lon: number } | null;
  /** What a map click does now: nothing special, or choosing a launch / go-to target. */
  pickMode: 'none' | 'launch' | 'go-to';
  /** Ground point at the centre of the globe's canvas after the camera last stopped moving. */
  viewCentre: { lat: number; lon: number } | null;
  /** Frames the console's globe has rendered. */
  framesRendered: number;
  /** Frame count when the drawn entities last changed. */
  changedAtFrame: number;
  /** Toasts shown so far: action and outcome (`accepted`, `denied`, an error code…). */
  toasts: Array<{ action: string; outcome: string; message: string }>;
}

declare module '../test-hooks/test-hooks.ts' {
  interface YzgTestHooks {
    /** The operator console's state, while it is open. */
    ops?: OpsHooks;
  }
}

function emptyOpsHooks(): OpsHooks {
  return { globeReady: false, liveConnected: false, drones: {}, docks: {}, selectedSn: null, target: null, pickMode: 'none', viewCentre: null, framesRendered: 0, changedAtFrame: 0, toasts: [] };
}

/** The console's hooks object, created on first use. */
export function opsHooks(): OpsHooks {
  const root = testHooks();
  root.ops ??= emptyOpsHooks();
  return root.ops;
}

/** Merges `patch` into the console's hooks object. */
export function updateOpsHooks(patch: Partial<OpsHooks>): void {
  Object.assign(opsHooks(), patch);
}
