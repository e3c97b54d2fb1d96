/** State the cockpit exposes on `window.__yzg` so browser tests can wait on it instead of sleeping. */

/** One sensor as the map shows it. */
export interface YzgSensorHook {
  /** Latest depth, millimetres; null before the first reading. */
  depthMm: number | null;
  /** Depth band name (`dry` … `close`), or `nodata`. */
  band: string;
  /** Whether the hub reports the sensor online. */
  online: boolean;
  /** CSS hex colour read back from the sensor's Cesium entity point (not from React state). */
  color: string;
}

/** A point on the ground, degrees. */
export interface YzgGroundPoint {
  lat: number;
  lon: number;
}

/** Everything on `window.__yzg`. */
export interface YzgTestHooks {
  /** True once the globe has loaded its first tiles. */
  globeReady: boolean;
  /** True while the live WebSocket is open. */
  liveConnected: boolean;
  /** Sensors on the map, by serial number. */
  sensors: Record<string, YzgSensorHook>;
  /** Serial number of the sensor selected in the list or on the map. */
  selectedSn: string | null;
  /** Ground point at the centre of the view after the camera last stopped moving. */
  viewCentre: YzgGroundPoint | null;
  /** Frames the globe has rendered; with on-demand rendering it grows only when something changed. */
  framesRendered: number;
  /** Value of `framesRendered` when the markers last changed; they are on screen once it is exceeded. */
  markersChangedAtFrame: number;
}

function emptyHooks(): YzgTestHooks {
  return { globeReady: false, liveConnected: false, sensors: {}, selectedSn: null, viewCentre: null, framesRendered: 0, markersChangedAtFrame: 0 };
}

/** The page's hooks object, created on first use. */
export function testHooks(): YzgTestHooks {
  window.__yzg ??= emptyHooks();
  return window.__yzg;
}

/** Merges `patch` into the page's hooks object. */
export function updateTestHooks(patch: Partial<YzgTestHooks>): void {
  Object.assign(testHooks(), patch);
}
