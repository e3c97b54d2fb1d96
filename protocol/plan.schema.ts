/**
 * What a patrol flight covers and how: the task geometry a department draws (an area, a route or
 * points of interest, as [lon, lat] pairs like GeoJSON), the height, the photo overlap and the
 * camera. Shared by the task API, the planner (hub/planning/) and the department portal.
 */
import Type, { type Static } from 'typebox';

/** A [lon, lat] position, degrees (GeoJSON order). */
export const LonLat = Type.Tuple([Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })]);
/** A [lon, lat] position. */
export type LonLat = Static<typeof LonLat>;

/** The ground a task covers: an area (polygon ring, open or closed), a route (line) or points of interest. */
export const TaskGeometry = Type.Union([
  Type.Object({ kind: Type.Literal('polygon'), coordinates: Type.Array(LonLat, { minItems: 3, maxItems: 500 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('route'), coordinates: Type.Array(LonLat, { minItems: 2, maxItems: 500 }) }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('points'), coordinates: Type.Array(LonLat, { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
]);
/** The ground a task covers. */
export type TaskGeometry = Static<typeof TaskGeometry>;
/** Kinds of task geometry. */
export type TaskGeometryKind = TaskGeometry['kind'];

/** Photo overlap along the track (front) and between lines (side), percent. */
export const Overlap = Type.Object(
  {
    frontPct: Type.Number({ minimum: 0, maximum: 95 }),
    sidePct: Type.Number({ minimum: 0, maximum: 95 }),
  },
  { additionalProperties: false },
);
/** Photo overlap, percent. */
export type Overlap = Static<typeof Overlap>;

/** The camera's geometry, for footprints. */
export const CameraSpec = Type.Object(
  {
    hfovDeg: Type.Number({ exclusiveMinimum: 0, maximum: 180 }),
    widthPx: Type.Integer({ minimum: 1, maximum: 20_000 }),
    heightPx: Type.Integer({ minimum: 1, maximum: 20_000 }),
  },
  { additionalProperties: false },
);
/** The camera's geometry. */
export type CameraSpec = Static<typeof CameraSpec>;

/** The simulated docks' camera: 84° wide, 4:3 (a DJI Matrice 3TD-like wide camera). */
export const DEFAULT_CAMERA: CameraSpec = { hfovDeg: 84, widthPx: 1024, heightPx: 768 };
/** Default overlap of a coverage survey, percent. */
export const DEFAULT_OVERLAP: Overlap = { frontPct: 70, sidePct: 60 };
/** Highest true height a patrol may fly at, metres (controlled airspace above). */
export const MAX_TRUE_HEIGHT_M = 120;
