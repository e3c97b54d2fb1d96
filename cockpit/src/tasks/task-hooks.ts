/** The department portal's part of `window.__yzg` (`window.__yzg.tasks`), for browser tests and diagnostics. */
import { testHooks } from '../test-hooks/test-hooks.ts';

/** Everything on `window.__yzg.tasks`. */
export interface TasksHooks {
  /** True once the portal's globe has loaded its first tiles. */
  globeReady: boolean;
  /** True while the live WebSocket is open. */
  liveConnected: boolean;
  /** Frames the globe has rendered. */
  framesRendered: number;
  /** Frame count when the drawn entities last changed. */
  changedAtFrame: number;
  /** False while entity geometry is still being built (not yet on screen). */
  entitiesReady: boolean;
  /** Ground point at the centre of the globe's canvas after the camera last stopped moving. */
  viewCentre: { lat: number; lon: number } | null;
  /** Points drawn so far in the new-task form, [lon, lat]. */
  drawing: Array<[number, number]>;
  /** Whether the drawn shape is finished. */
  drawingClosed: boolean;
  /** Keep-out zones drawn on the map. */
  keepOutZones: number;
  /** The task whose detail is open, with its status and the live position of its drone. */
  openTask: { id: string; status: string; reached: number; total: number; images: number; drone: { lat: number; lon: number } | null } | null;
  /** Page (CSS pixel) position of a ground point on the globe, or null when it is not in view. */
  toScreen: ((lat: number, lon: number) => { x: number; y: number } | null) | null;
}

declare module '../test-hooks/test-hooks.ts' {
  interface YzgTestHooks {
    /** The department portal's state, while it is open. */
    tasks?: TasksHooks;
  }
}

function emptyTasksHooks(): TasksHooks {
  return { globeReady: false, liveConnected: false, framesRendered: 0, changedAtFrame: 0, entitiesReady: false, viewCentre: null, drawing: [], drawingClosed: false, keepOutZones: 0, openTask: null, toScreen: null };
}

/** The portal's hooks object, created on first use. */
export function tasksHooks(): TasksHooks {
  const root = testHooks();
  root.tasks ??= emptyTasksHooks();
  return root.tasks;
}

/** Merges `patch` into the portal's hooks object. */
export function updateTasksHooks(patch: Partial<TasksHooks>): void {
  Object.assign(tasksHooks(), patch);
}
