/**
 * Where a nadir image lies on the ground, from its pose (flat ground at the take-off height):
 * the four corners, for drawing the image's footprint on the map. Matches the simulated camera
 * and the projection of detections (image up = heading, width spans the horizontal field of view).
 */
import type { ImagePose } from '../../../protocol/media.schema.ts';

const R = 6_371_008.8;
const RAD = Math.PI / 180;

/** Ground corners [lon, lat] of a nadir image: top-left, top-right, bottom-right, bottom-left. */
export function nadirFootprint(pose: ImagePose): Array<[number, number]> {
  const halfW = pose.altRelM * Math.tan((pose.hfovDeg / 2) * RAD);
  const halfH = (halfW * pose.heightPx) / pose.widthPx;
  const c = Math.cos(pose.headingDeg * RAD);
  const s = Math.sin(pose.headingDeg * RAD);
  const corners: Array<[number, number]> = [
    [-halfW, halfH],
    [halfW, halfH],
    [halfW, -halfH],
    [-halfW, -halfH],
  ];
  return corners.map(([right, fwd]) => {
    const east = right * c + fwd * s;
    const north = -right * s + fwd * c;
    return [pose.lon + east / (R * Math.cos(pose.lat * RAD)) / RAD, pose.lat + north / R / RAD];
  });
}
