/** Look and rendering budget of the globe: a dark night map that stays light enough for software GL. */
import { Color, type Scene } from 'cesium';

/**
 * Screen-space error the globe refines to. The offline base layer stops at level 2, so finer
 * tiles add nothing to see; 4 instead of Cesium's 2 loads about half as many tiles.
 */
const MAX_SCREEN_SPACE_ERROR = 4;

/** Applies the cockpit's look to a freshly created scene. */
export function styleScene(scene: Scene): void {
  scene.backgroundColor = Color.fromCssColorString('#020814');
  scene.globe.baseColor = Color.fromCssColorString('#0b1a2e');
  scene.globe.maximumScreenSpaceError = MAX_SCREEN_SPACE_ERROR;
  // Ground atmosphere costs a lot per pixel in software rendering and washes out the dark map.
  scene.globe.showGroundAtmosphere = false;
  if (scene.sun) scene.sun.show = false;
  if (scene.moon) scene.moon.show = false;
  const base = scene.imageryLayers.get(0);
  if (base) {
    base.brightness = 0.55;
    base.contrast = 1.15;
    base.saturation = 0.55;
  }
}
