/** Camera views of Panyu District: the overview and a close look at one sensor. */
import { BoundingSphere, Cartesian2, Cartesian3, Cartographic, HeadingPitchRange, Math as CesiumMath, Matrix4, type Camera, type Scene } from 'cesium';
import type { YzgGroundPoint } from '../test-hooks/test-hooks.ts';

/** Centre of Panyu District, degrees. */
export const PANYU_CENTRE: YzgGroundPoint = { lat: 22.95, lon: 113.38 };

/** Overview: looking north over the district (~25 km across) from the south, 45° down. */
const OVERVIEW = new HeadingPitchRange(0, CesiumMath.toRadians(-45), 44_000);
/**
 * The overview looks at a point this far east of the district centre, degrees, so that the
 * district sits in the middle of the map area left of the sensor panel.
 */
const OVERVIEW_EAST_SHIFT_DEG = 0.045;
/** Close look at one sensor: 45° down from 2.5 km away. */
const CLOSE_UP = new HeadingPitchRange(0, CesiumMath.toRadians(-45), 2_500);
/** Flight time, seconds. */
const FLIGHT_S = 1.5;

function ground(point: YzgGroundPoint): Cartesian3 {
  return Cartesian3.fromDegrees(point.lon, point.lat, 0);
}

const overviewTarget = (): Cartesian3 => ground({ lat: PANYU_CENTRE.lat, lon: PANYU_CENTRE.lon + OVERVIEW_EAST_SHIFT_DEG });

/** Puts the camera at the district overview at once. */
export function showOverview(camera: Camera): void {
  camera.lookAt(overviewTarget(), OVERVIEW);
  camera.lookAtTransform(Matrix4.IDENTITY);
}

/** Flies the camera back to the district overview. */
export function flyToOverview(camera: Camera): void {
  camera.flyToBoundingSphere(new BoundingSphere(overviewTarget(), 0), { offset: OVERVIEW, duration: FLIGHT_S });
}

/** Flies the camera to a close look at `position`. */
export function flyToPoint(camera: Camera, position: Cartesian3): void {
  camera.flyToBoundingSphere(new BoundingSphere(position, 0), { offset: CLOSE_UP, duration: FLIGHT_S });
}

/** Ground point at the centre of the view, or null when the view centre misses the globe. */
export function viewCentre(scene: Scene): YzgGroundPoint | null {
  const canvas = scene.canvas;
  const centre = new Cartesian2(canvas.clientWidth / 2, canvas.clientHeight / 2);
  const hit = scene.camera.pickEllipsoid(centre, scene.globe.ellipsoid);
  if (!hit) return null;
  const c = Cartographic.fromCartesian(hit);
  return { lat: CesiumMath.toDegrees(c.latitude), lon: CesiumMath.toDegrees(c.longitude) };
}
