/**
 * Validation of a task's geometry and height before planning: a simple polygon of reasonable size
 * with three or more distinct vertices, a route of two or more points, points of interest; a
 * height above 0 and at most 120 m true height (refused, never clamped); everything inside the
 * operation area and no route point or point of interest in a keep-out zone. Pure.
 */
import { MAX_TRUE_HEIGHT_M, type TaskGeometry } from '../../protocol/plan.schema.ts';
import { insideKeepIn, keepOutAt, zoneLabel, type PreparedAirspace } from './airspace.ts';
import { dist, insideConvex, pathLengthM, ringSelfIntersects, signedArea, type LocalFrame, type Xy } from './geo.ts';
import { PlanErrors } from './plan-errors.ts';

/** A task's geometry in the local frame, cleaned (duplicates and the closing vertex dropped). */
export type LocalGeometry = { kind: 'polygon'; ring: Xy[] } | { kind: 'route'; points: Xy[] } | { kind: 'points'; points: Xy[] };

/** Size limits of a task. */
export interface GeometryLimits {
  minAreaM2: number;
  maxAreaM2: number;
  maxRouteM: number;
}

/** Default size limits: 100 m² to 25 km² areas, routes up to 60 km. */
export const DEFAULT_GEOMETRY_LIMITS: GeometryLimits = { minAreaM2: 100, maxAreaM2: 25e6, maxRouteM: 60_000 };

/** Points closer than this are one point, metres. */
const SAME_POINT_M = 0.5;

function dedupe(points: Xy[]): Xy[] {
  const out: Xy[] = [];
  for (const p of points) if (!out.length || dist(out[out.length - 1]!, p) > SAME_POINT_M) out.push(p);
  return out;
}

/** Refuses a height that is not above 0 or above 120 m true height. */
export function checkAltitude(altitudeM: number, maxM = MAX_TRUE_HEIGHT_M): void {
  if (!Number.isFinite(altitudeM) || altitudeM <= 0) throw PlanErrors.ALTITUDE_INVALID(`飞行高度 ${altitudeM} 米无效，必须大于 0 / altitude ${altitudeM} m is invalid: it must be above 0`);
  if (altitudeM > maxM) {
    throw PlanErrors.ALTITUDE_ABOVE_LIMIT(
      `飞行高度 ${altitudeM} 米超过真高上限 ${maxM} 米（其上为管制空域），请降低高度 / altitude ${altitudeM} m is above the ${maxM} m true-height limit (controlled airspace above); lower it`,
      { altitudeM, maxM },
    );
  }
}

/** Validates `geometry` and converts it into `frame`. */
export function localGeometry(geometry: TaskGeometry, frame: LocalFrame, air: PreparedAirspace, limits: GeometryLimits = DEFAULT_GEOMETRY_LIMITS): LocalGeometry {
  const pts = dedupe(geometry.coordinates.map((c) => frame.toXy(c)));
  let g: LocalGeometry;
  if (geometry.kind === 'polygon') {
    const ring = pts.length > 1 && dist(pts[0]!, pts[pts.length - 1]!) <= SAME_POINT_M ? pts.slice(0, -1) : pts;
    if (ring.length < 3) throw PlanErrors.POLYGON_INVALID();
    if (ringSelfIntersects(ring)) throw PlanErrors.POLYGON_SELF_INTERSECTS();
    const area = signedArea(ring);
    if (Math.abs(area) < 1e-6) throw PlanErrors.POLYGON_INVALID();
    if (Math.abs(area) < limits.minAreaM2 || Math.abs(area) > limits.maxAreaM2) {
      throw PlanErrors.AREA_SIZE_OUT_OF_RANGE(
        `区域面积 ${(Math.abs(area) / 1e6).toFixed(3)} km² 超出允许范围（${limits.minAreaM2} m² 至 ${limits.maxAreaM2 / 1e6} km²）/ area ${(Math.abs(area) / 1e6).toFixed(3)} km² is outside ${limits.minAreaM2} m² … ${limits.maxAreaM2 / 1e6} km²`,
        { areaM2: Math.abs(area) },
      );
    }
    g = { kind: 'polygon', ring: area < 0 ? [...ring].reverse() : ring };
  } else if (geometry.kind === 'route') {
    if (pts.length < 2) throw PlanErrors.ROUTE_INVALID();
    const len = pathLengthM(pts);
    if (len > limits.maxRouteM) throw PlanErrors.ROUTE_INVALID(`航线长 ${(len / 1000).toFixed(1)} km，超过 ${limits.maxRouteM / 1000} km / route of ${(len / 1000).toFixed(1)} km is longer than ${limits.maxRouteM / 1000} km`, { lengthM: len });
    g = { kind: 'route', points: pts };
  } else {
    if (pts.length < 1) throw PlanErrors.POINTS_INVALID();
    g = { kind: 'points', points: pts };
  }
  const vertices = g.kind === 'polygon' ? g.ring : g.points;
  const outside = vertices.findIndex((p) => !insideKeepIn(p, air));
  if (outside >= 0) throw PlanErrors.OUTSIDE_OPERATION_AREA(undefined, { vertex: outside });
  if (g.kind === 'polygon') {
    const zone = air.keepOut.find((k) => g.ring.every((p) => insideConvex(p, k.clip)));
    if (zone) throw PlanErrors.AREA_IN_KEEP_OUT(`区域位于禁飞区 ${zoneLabel(zone.zone)} 内 / the area lies inside keep-out zone ${zone.zone.nameEn}`, { zoneId: zone.zone.id });
  } else {
    for (const [i, p] of g.points.entries()) {
      const zone = keepOutAt(p, air);
      if (zone) {
        throw PlanErrors.POINT_IN_KEEP_OUT(
          `第 ${i + 1} 个${g.kind === 'route' ? '航点' : '兴趣点'}位于禁飞区 ${zone.zone.nameZh} 内或其 ${air.margins.clipM} 米范围内 / ${g.kind === 'route' ? 'route point' : 'point of interest'} ${i + 1} lies inside keep-out zone ${zone.zone.nameEn} or within ${air.margins.clipM} m of it`,
          { zoneId: zone.zone.id, index: i },
        );
      }
    }
  }
  return g;
}
