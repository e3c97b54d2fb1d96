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

/** What the planner is asked for one task (the task's fields plus optional tuning). */
export const PlanRequest = Type.Object(
  {
    taskId: Type.String({ minLength: 1, maxLength: 64 }),
    geometry: TaskGeometry,
    /** True height above the dock, metres; the planner refuses above 120 m with a clear message. */
    altitudeM: Type.Number({ maximum: 10_000 }),
    overlap: Type.Optional(Overlap),
    camera: Type.Optional(CameraSpec),
    /** Speed over the pattern, m/s (default: the airframe's cruise speed). */
    speedMps: Type.Optional(Type.Number({ minimum: 1, maximum: 20 })),
    /** Routes: a photo every this many metres (default: the footprint height × (1 − front overlap)). */
    photoEveryM: Type.Optional(Type.Number({ minimum: 5, maximum: 2000 })),
    /** Points of interest: orbit radius, metres (default 30). */
    orbitRadiusM: Type.Optional(Type.Number({ minimum: 5, maximum: 500 })),
    /** Points of interest: photos around each orbit (default 4). */
    orbitPhotos: Type.Optional(Type.Integer({ minimum: 1, maximum: 36 })),
    /** When the task may fly, RFC 3339 (tasks merge into one sortie only when their windows overlap). */
    window: Type.Optional(Type.Object({ startAt: Type.String({ maxLength: 40 }), endAt: Type.String({ maxLength: 40 }) }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
/** What the planner is asked for one task. */
export type PlanRequest = Static<typeof PlanRequest>;

/** Kinds of waypoint in a sortie. */
export const WAYPOINT_KINDS = ['transit', 'photo', 'orbit', 'return'] as const;
/** A kind of waypoint. */
export type WaypointKind = (typeof WAYPOINT_KINDS)[number];

/** One waypoint of a sortie. */
export const PlanWaypoint = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  /** Height above the dock, metres (never above 120). */
  altRelM: Type.Number({ minimum: 0, maximum: 120 }),
  kind: Type.Unsafe<WaypointKind>({ type: 'string', enum: [...WAYPOINT_KINDS] }),
  /** Photo waypoints: the camera's heading, degrees from north. */
  headingDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 360 })),
  /** Photo waypoints: the tasks whose geometry the photos' ground footprints touch. */
  taskIds: Type.Optional(Type.Array(Type.String())),
  /**
   * Camera triggered by distance: > 0 = a photo here and one every this many metres until the next
   * waypoint (DO_SET_CAM_TRIGG_DIST); 0 = stop triggering here.
   */
  triggerDistanceM: Type.Optional(Type.Number({ minimum: 0 })),
});
/** One waypoint of a sortie. */
export type PlanWaypoint = Static<typeof PlanWaypoint>;

/** One planned photo. */
export const PlanPhoto = Type.Object({
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  altRelM: Type.Number({ minimum: 0, maximum: 120 }),
  /** Heading of the image's top edge, degrees from north. */
  headingDeg: Type.Number({ minimum: 0, maximum: 360 }),
  /** Tasks whose geometry the photo's ground footprint touches. */
  taskIds: Type.Array(Type.String()),
});
/** One planned photo. */
export type PlanPhoto = Static<typeof PlanPhoto>;

/** How the camera is fired: at each photo waypoint (the drone stops there), or by distance along straight runs. */
export const CAMERA_TRIGGERS = ['waypoint', 'distance'] as const;
/** How the camera is fired. */
export type CameraTrigger = (typeof CAMERA_TRIGGERS)[number];

/** One flight from the dock and back to it. */
export const PlanSortie = Type.Object({
  /** 0-based order of the sortie in its plan. */
  index: Type.Integer({ minimum: 0 }),
  /** Tasks the sortie serves. */
  taskIds: Type.Array(Type.String()),
  /** From the first waypoint after take-off to the one above the dock before landing. */
  waypoints: Type.Array(PlanWaypoint),
  /** Spacing of photos along coverage lines, metres (null without coverage lines). */
  photoTriggerDistanceM: Type.Union([Type.Number(), Type.Null()]),
  photoCount: Type.Integer({ minimum: 0 }),
  /** Every planned photo in the order the camera takes it, with the tasks it is filed to. */
  photos: Type.Array(PlanPhoto),
  /** Speed the sortie is planned at when not the airframe's cruise speed, m/s (DO_CHANGE_SPEED). */
  speedMps: Type.Optional(Type.Number({ minimum: 0 })),
  /** Horizontal length of the path, dock to dock, metres. */
  lengthM: Type.Number({ minimum: 0 }),
  /** Estimated time from take-off to landing, seconds. */
  estDurationS: Type.Number({ minimum: 0 }),
  /** Estimated battery used, percent of a full charge. */
  estBatteryPct: Type.Number({ minimum: 0 }),
});
/** One flight from the dock and back. */
export type PlanSortie = Static<typeof PlanSortie>;

/** A dock that was considered and not chosen, and why (Chinese first). */
export const DockRejection = Type.Object({ sn: Type.String(), reason: Type.String() });
/** A dock not chosen. */
export type DockRejection = Static<typeof DockRejection>;

/** A flight plan: the dock, its sorties, and what people should know about it. */
export const FlightPlan = Type.Object({
  /** Tasks served (one, or several merged into shared sorties: 一飞多采). */
  taskIds: Type.Array(Type.String()),
  dockSn: Type.String(),
  dockName: Type.String(),
  /** The dock: home of every sortie. */
  home: Type.Object({ lat: Type.Number(), lon: Type.Number() }),
  sorties: Type.Array(PlanSortie),
  /** Notes for people, Chinese first: dock choice, detours, splits. */
  warnings: Type.Array(Type.String()),
  rejectedDocks: Type.Array(DockRejection),
  totalDurationS: Type.Number({ minimum: 0 }),
  totalPhotos: Type.Integer({ minimum: 0 }),
});
/** A flight plan. */
export type FlightPlan = Static<typeof FlightPlan>;
