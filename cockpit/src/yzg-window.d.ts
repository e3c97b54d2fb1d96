/** Globals the cockpit defines on `window`. */
import type { YzgTestHooks } from './test-hooks/test-hooks.ts';

declare global {
  interface Window {
    /** Base URL of Cesium's static files (workers, assets); read by Cesium on first use. */
    CESIUM_BASE_URL?: string;
    /** State the cockpit exposes for browser tests and diagnostics. */
    __yzg?: YzgTestHooks;
  }
}

export {};
