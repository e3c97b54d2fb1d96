/**
 * SIMULATOR — geometry of the simulated nadir camera: where a ground point lands in the image
 * for a pose (position, height above ground, heading, horizontal field of view, image size).
 *
 * The ground is flat at the take-off height, so the height above ground is `altRelM`. Image x
 * grows to the right of the heading, image y grows backwards (towards the bottom of the image);
 * pixel (0, 0) is the top-left corner of the top-left pixel, so the image centre is
 * (widthPx / 2, heightPx / 2) and lies straight below the camera.
 */
import type { ImagePose } from '../../../protocol/media.schema.ts';

const RAD = Math.PI / 180;
/** Mean earth radius, metres (same as the simulated autopilot's geodesy). */
export const EARTH_RADIUS_M = 6_371_008.8;
/** Largest departure from nadir (gimbal −90°) the camera renders, degrees. */
export const NADIR_TOLERANCE_DEG = 2;

/** A point in degrees. */
export interface GeoPoint {
  lat: number;
  lon: number;
}

/** An axis-aligned box in pixels: [x1, y1, x2, y2], x1 < x2, y1 < y2. */
export type PixelBox = [number, number, number, number];

/** Ground sample distance of a nadir image, metres per pixel. */
export function groundSampleDistanceM(pose: Pick<ImagePose, 'altRelM' | 'hfovDeg' | 'widthPx'>): number {
  return (2 * pose.altRelM * Math.tan((pose.hfovDeg / 2) * RAD)) / pose.widthPx;
}

/** True when the gimbal looks straight down (within NADIR_TOLERANCE_DEG). */
export function isNadir(pose: Pick<ImagePose, 'gimbalPitchDeg'>): boolean {
  return Math.abs(pose.gimbalPitchDeg + 90) <= NADIR_TOLERANCE_DEG;
}

/** East/north offsets (metres) of `p` from the camera position, local tangent plane. */
export function groundOffsetM(pose: GeoPoint, p: GeoPoint): { eastM: number; northM: number } {
  const northM = (p.lat - pose.lat) * RAD * EARTH_RADIUS_M;
  const eastM = (p.lon - pose.lon) * RAD * EARTH_RADIUS_M * Math.cos(pose.lat * RAD);
  return { eastM, northM };
}

/** The point `eastM`/`northM` metres from `origin` (inverse of groundOffsetM). */
export function offsetToGeo(origin: GeoPoint, eastM: number, northM: number): GeoPoint {
  return {
    lat: origin.lat + northM / EARTH_RADIUS_M / RAD,
    lon: origin.lon + eastM / (EARTH_RADIUS_M * Math.cos(origin.lat * RAD)) / RAD,
  };
}

/** Camera-plane metres (right of heading, backwards) of a ground offset: the SVG frame before scaling. */
export function cameraFrameM(headingDeg: number, eastM: number, northM: number): { rightM: number; backM: number } {
  const c = Math.cos(headingDeg * RAD);
  const s = Math.sin(headingDeg * RAD);
  return { rightM: eastM * c - northM * s, backM: -(eastM * s + northM * c) };
}

/** Pixel position of a ground point in a nadir image. */
export function groundToPixel(pose: ImagePose, p: GeoPoint): { x: number; y: number } {
  const gsd = groundSampleDistanceM(pose);
  const { eastM, northM } = groundOffsetM(pose, p);
  const { rightM, backM } = cameraFrameM(pose.headingDeg, eastM, northM);
  return { x: pose.widthPx / 2 + rightM / gsd, y: pose.heightPx / 2 + backM / gsd };
}

/** Ground position of a pixel in a nadir image (inverse of groundToPixel). */
export function pixelToGround(pose: ImagePose, x: number, y: number): GeoPoint {
  const gsd = groundSampleDistanceM(pose);
  const rightM = (x - pose.widthPx / 2) * gsd;
  const fwdM = -(y - pose.heightPx / 2) * gsd;
  const c = Math.cos(pose.headingDeg * RAD);
  const s = Math.sin(pose.headingDeg * RAD);
  return offsetToGeo(pose, rightM * c + fwdM * s, -rightM * s + fwdM * c);
}

/** The ground footprint of a nadir image: its four corners (top-left, top-right, bottom-right, bottom-left). */
export function imageFootprint(pose: ImagePose): GeoPoint[] {
  const { widthPx: w, heightPx: h } = pose;
  return [pixelToGround(pose, 0, 0), pixelToGround(pose, w, 0), pixelToGround(pose, w, h), pixelToGround(pose, 0, h)];
}

/** A lat/lon bounding box. */
export interface GeoBBox {
  minLat: number;
  minLon: number;
  maxLat: number;
  maxLon: number;
}

/** The bounding box of some points, grown by `marginM` metres on every side. */
export function geoBBoxOf(points: readonly GeoPoint[], marginM = 0): GeoBBox {
  const lats = points.map((p) => p.lat);
  const lons = points.map((p) => p.lon);
  const midLat = (Math.min(...lats) + Math.max(...lats)) / 2;
  const dLat = marginM / EARTH_RADIUS_M / RAD;
  const dLon = marginM / (EARTH_RADIUS_M * Math.cos(midLat * RAD)) / RAD;
  return { minLat: Math.min(...lats) - dLat, maxLat: Math.max(...lats) + dLat, minLon: Math.min(...lons) - dLon, maxLon: Math.max(...lons) + dLon };
}
