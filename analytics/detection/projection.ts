/**
 * Pixel → ground projection with a pinhole camera: the ray through a pixel, from the pose
 * (position, heading, gimbal pitch, horizontal field of view, image size), is intersected with
 * the terrain, and an error estimate (metres) is propagated from the pose's uncertainties.
 *
 * Conventions (the same as the simulated camera): pixel (0, 0) is the top-left corner of the
 * image, the principal point is the image centre, square pixels, no lens distortion, no gimbal
 * roll; image up points along the heading (for nadir images, the ground ahead).
 */
import type { ImagePose } from '../../protocol/media.schema.ts';

const RAD = Math.PI / 180;
/** Mean earth radius, metres. */
const EARTH_RADIUS_M = 6_371_008.8;

/** Terrain height above mean sea level at a point, metres. */
export type TerrainAmslM = (lat: number, lon: number) => number;

/** One-sigma uncertainties of a pose. */
export interface PoseUncertainty {
  /** Attitude (pitch, roll, heading), degrees. */
  attitudeDeg: number;
  /** Height, metres. */
  altitudeM: number;
  /** Horizontal GPS position, metres. */
  horizontalM: number;
}

/** Typical uncertainties of a dock drone's image pose: ±1° attitude, ±2 m height, ±1.5 m GPS. */
export const DEFAULT_POSE_UNCERTAINTY: PoseUncertainty = { attitudeDeg: 1, altitudeM: 2, horizontalM: 1.5 };

/** Options of a projection. */
export interface ProjectionOptions {
  /**
   * Terrain height AMSL, metres; the camera's height above it is `altAmslM − terrain`. Unset: the
   * ground is flat at the take-off point and the camera is `altRelM` above it.
   */
  terrainAmslM?: TerrainAmslM;
  uncertainty?: PoseUncertainty;
  /** Points farther than this from the camera are refused as `no-ground`, metres. */
  maxRangeM?: number;
}

/** Where a pixel lies on the ground, or why it has no ground point. */
export type GroundPoint =
  | {
      outcome: 'ground';
      lat: number;
      lon: number;
      /** Ground height AMSL used (or the take-off height, as `altAmslM − altRelM`), metres. */
      groundAmslM: number;
      /** Horizontal distance from the point below the camera, metres. */
      rangeM: number;
      /** One-sigma horizontal error from the pose's uncertainties, metres. */
      errorM: number;
    }
  | { outcome: 'no-ground'; reason: 'above-horizon' | 'out-of-range' | 'below-terrain' };

interface Attitude {
  headingDeg: number;
  pitchDeg: number;
  rollDeg: number;
}

/** East/north/up direction of the ray through pixel (x, y). */
export function pixelRay(pose: Pick<ImagePose, 'hfovDeg' | 'widthPx' | 'heightPx'>, att: Attitude, x: number, y: number): [number, number, number] {
  const f = pose.widthPx / 2 / Math.tan((pose.hfovDeg / 2) * RAD);
  const xn = (x - pose.widthPx / 2) / f;
  const yn = (y - pose.heightPx / 2) / f;
  const h = att.headingDeg * RAD;
  const p = att.pitchDeg * RAD;
  const r = att.rollDeg * RAD;
  const fwd = [Math.cos(p) * Math.sin(h), Math.cos(p) * Math.cos(h), Math.sin(p)];
  const right0 = [Math.cos(h), -Math.sin(h), 0];
  const up0 = [-Math.sin(p) * Math.sin(h), -Math.sin(p) * Math.cos(h), Math.cos(p)];
  // Roll turns right/up about the optical axis.
  const right = right0.map((v, i) => v * Math.cos(r) + up0[i]! * Math.sin(r));
  const up = up0.map((v, i) => v * Math.cos(r) - right0[i]! * Math.sin(r));
  return [0, 1, 2].map((i) => fwd[i]! + xn * right[i]! - yn * up[i]!) as [number, number, number];
}

function offsetToGeo(lat: number, lon: number, eastM: number, northM: number): { lat: number; lon: number } {
  return { lat: lat + northM / EARTH_RADIUS_M / RAD, lon: lon + eastM / (EARTH_RADIUS_M * Math.cos(lat * RAD)) / RAD };
}

/** Intersection of one ray with the terrain (fixed-point iteration on the terrain height). */
function intersect(pose: ImagePose, att: Attitude, altAmslM: number, x: number, y: number, o: ProjectionOptions): { eastM: number; northM: number; groundAmslM: number } | GroundPoint {
  const [e, n, u] = pixelRay(pose, att, x, y);
  if (u >= -1e-9) return { outcome: 'no-ground', reason: 'above-horizon' };
  const maxRange = o.maxRangeM ?? 5000;
  const takeoffAmsl = pose.altAmslM - pose.altRelM;
  let ground = o.terrainAmslM ? o.terrainAmslM(pose.lat, pose.lon) : takeoffAmsl;
  let eastM = 0;
  let northM = 0;
  for (let i = 0; i < 8; i++) {
    const h = altAmslM - ground;
    if (h <= 0) return { outcome: 'no-ground', reason: 'below-terrain' };
    const t = h / -u;
    eastM = t * e;
    northM = t * n;
    if (Math.hypot(eastM, northM) > maxRange) return { outcome: 'no-ground', reason: 'out-of-range' };
    if (!o.terrainAmslM) break;
    const g = offsetToGeo(pose.lat, pose.lon, eastM, northM);
    const next = o.terrainAmslM(g.lat, g.lon);
    if (Math.abs(next - ground) < 0.01) break;
    ground = next;
  }
  return { eastM, northM, groundAmslM: ground };
}

/** The ground point seen at pixel (x, y) of an image taken at `pose`, with its error estimate. */
export function projectPixel(pose: ImagePose, x: number, y: number, o: ProjectionOptions = {}): GroundPoint {
  const unc = o.uncertainty ?? DEFAULT_POSE_UNCERTAINTY;
  const att: Attitude = { headingDeg: pose.headingDeg, pitchDeg: pose.gimbalPitchDeg, rollDeg: 0 };
  const alt = pose.altAmslM;
  const base = intersect(pose, att, alt, x, y, o);
  if ('outcome' in base) return base;
  // First-order propagation: displacement of the ground point for a one-sigma change of each
  // pose parameter, added in quadrature with the GPS error.
  let variance = unc.horizontalM ** 2;
  const perturbed: Array<[Attitude, number]> = [
    [{ ...att, pitchDeg: att.pitchDeg + unc.attitudeDeg }, alt],
    [{ ...att, rollDeg: unc.attitudeDeg }, alt],
    [{ ...att, headingDeg: att.headingDeg + unc.attitudeDeg }, alt],
    [att, alt + unc.altitudeM],
  ];
  for (const [a, h] of perturbed) {
    const p = intersect(pose, a, h, x, y, o);
    // A perturbation that loses the ground (near the horizon) counts as the largest range.
    const d = 'outcome' in p ? (o.maxRangeM ?? 5000) : Math.hypot(p.eastM - base.eastM, p.northM - base.northM);
    variance += d * d;
  }
  const g = offsetToGeo(pose.lat, pose.lon, base.eastM, base.northM);
  return { outcome: 'ground', lat: g.lat, lon: g.lon, groundAmslM: base.groundAmslM, rangeM: Math.hypot(base.eastM, base.northM), errorM: Math.sqrt(variance) };
}

/** The ground point of a detection box: its centre for nadir views, its bottom centre otherwise (where an upright object meets the ground). */
export function projectBox(pose: ImagePose, boxPx: readonly [number, number, number, number], o: ProjectionOptions = {}): GroundPoint {
  const x = (boxPx[0] + boxPx[2]) / 2;
  const nadir = Math.abs(pose.gimbalPitchDeg + 90) <= 2;
  return projectPixel(pose, x, nadir ? (boxPx[1] + boxPx[3]) / 2 : boxPx[3], o);
}
