/** Tells Cesium where its workers and assets are served; must run before Cesium is first used. */
window.CESIUM_BASE_URL = '/cesium/';

export {};
