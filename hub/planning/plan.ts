/**
 * The flight planner's entry point: validates a task, chooses its dock, builds the pattern (area
 * coverage, route following or orbits of points of interest), joins it around keep-out zones,
 * splits it into sorties one battery can fly and estimates each. Pure and deterministic: the
 * same input gives the same plan.
 */
import { DEFAULT_AIRFRAME, type AirframeParams } from '../../protocol/airframe.ts';
import { DEFAULT_CAMERA, DEFAULT_OVERLAP, MAX_TRUE_HEIGHT_M, type CameraTrigger, type FlightPlan, type PlanRequest, type PlanSortie } from '../../protocol/plan.schema.ts';
import { DEFAULT_KEEP_OUT_MARGINS, prepareAirspace, zoneLabel, type Airspace, type KeepOutMargins, type PreparedAirspace } from './airspace.ts';
import { pathFinder, type Detour } from './avoid.ts';
import { coveragePattern, footprintM, type Footprint } from './coverage.ts';
import { chooseDock, DEFAULT_DOCK_LIMITS, type DockCandidate, type DockChoiceLimits } from './dock-choice.ts';
import { LocalFrame, type Xy } from './geo.ts';
import { distanceRun, orbitPattern, routePattern, type PatternNotes, type PatternPoint } from './route.ts';
import { PlanErrors } from './plan-errors.ts';
import { photoServes } from './serves.ts';
import { splitSorties, type FlightPoint, type SortiePath } from './sortie.ts';
import { checkAltitude, DEFAULT_GEOMETRY_LIMITS, localGeometry, type GeometryLimits, type LocalGeometry } from './task-geometry.ts';

/** Limits the planner applies. */
export interface PlanLimits {
  /** Highest true height, metres (120). */
  maxAltitudeM: number;
  dock: DockChoiceLimits;
  geometry: GeometryLimits;
  keepOut: KeepOutMargins;
}

/** Default limits. */
export const DEFAULT_PLAN_LIMITS: PlanLimits = { maxAltitudeM: MAX_TRUE_HEIGHT_M, dock: DEFAULT_DOCK_LIMITS, geometry: DEFAULT_GEOMETRY_LIMITS, keepOut: DEFAULT_KEEP_OUT_MARGINS };

/** What the planner plans with, besides the task: docks, airspace, airframe. */
export interface PlanContext {
  docks: DockCandidate[];
  airspace: Airspace;
  /** Airframe figures (default: the simulated dock drone's). */
  airframe?: AirframeParams;
  /** Battery a sortie must land with, percent (default 25). */
  reservePct?: number;
  /**
   * How coverage photos are taken: `waypoint` (default) stops at each photo (DO_DIGICAM_CONTROL);
   * `distance` flies each coverage line through with DO_SET_CAM_TRIGG_DIST (faster).
   */
  cameraTrigger?: CameraTrigger;
  /** Most mission items one sortie may upload (default 700). */
  maxMissionItems?: number;
  limits?: Partial<PlanLimits>;
}

/** Battery a sortie must land with by default, percent. */
export const DEFAULT_RESERVE_PCT = 25;
/** Default orbit around a point of interest. */
const DEFAULT_ORBIT = { radiusM: 30, photos: 4 };

/** One task ready to be planned in the local frame. */
interface LocalTask {
  req: PlanRequest;
  geometry: LocalGeometry;
  footprint: Footprint;
}

/** A plan with the local-frame details merging needs. */
export interface BuiltPlan {
  plan: FlightPlan;
  sorties: SortiePath[];
}

function limitsOf(ctx: PlanContext): PlanLimits {
  return { ...DEFAULT_PLAN_LIMITS, ...ctx.limits };
}

/** Points a dock must reach for the task (vertices; orbits widen points of interest by their radius). */
function reachPoints(t: LocalTask): Xy[] {
  const g = t.geometry;
  if (g.kind === 'polygon') return g.ring;
  if (g.kind === 'route') return g.points;
  const r = t.req.orbitRadiusM ?? DEFAULT_ORBIT.radiusM;
  return g.points.flatMap((p) => [p, { x: p.x + r, y: p.y }, { x: p.x - r, y: p.y }, { x: p.x, y: p.y + r }, { x: p.x, y: p.y - r }]);
}

function centroid(points: Xy[]): Xy {
  return points.reduce((s, p) => ({ x: s.x + p.x / points.length, y: s.y + p.y / points.length }), { x: 0, y: 0 });
}

/** The pattern of one task, starting near `from`. */
function taskPattern(t: LocalTask, air: PreparedAirspace, from: Xy, findPath: (a: Xy, b: Xy) => Detour | null, notes: PatternNotes, trigger: CameraTrigger): { points: PatternPoint[]; photoSpacingM: number | null } {
  const g = t.geometry;
  const camera = t.req.camera ?? DEFAULT_CAMERA;
  const overlap = t.req.overlap ?? DEFAULT_OVERLAP;
  if (g.kind === 'polygon') {
    const cov = coveragePattern(g.ring, air, { altitudeM: t.req.altitudeM, camera, overlap, startNear: from });
    if (cov.clipped) notes.warnings.push('部分区域位于禁飞区或作业区外，未覆盖 / part of the area lies in a keep-out zone or outside the operation area and is not covered');
    const points = cov.runs.flatMap((r) => (trigger === 'distance' ? distanceRun(r.photos, r.headingDeg) : null) ?? r.photos.map((xy) => ({ xy, kind: 'photo' as const, headingDeg: r.headingDeg })));
    return { points, photoSpacingM: cov.photoSpacingM };
  }
  if (g.kind === 'route') {
    // Fly the route from whichever end is nearer.
    const pts = dist2(g.points[0]!, from) <= dist2(g.points[g.points.length - 1]!, from) ? g.points : [...g.points].reverse();
    const every = t.req.photoEveryM ?? t.footprint.heightM * (1 - overlap.frontPct / 100);
    return { points: routePattern(pts, every, air, findPath, notes, trigger), photoSpacingM: every };
  }
  const orbit = { radiusM: t.req.orbitRadiusM ?? DEFAULT_ORBIT.radiusM, photos: t.req.orbitPhotos ?? DEFAULT_ORBIT.photos, startNear: from };
  return { points: orbitPattern(g.points, air, orbit, notes), photoSpacingM: null };
}

function dist2(a: Xy, b: Xy): number {
  return (a.x - b.x) ** 2 + (a.y - b.y) ** 2;
}

/**
 * Plans one or more tasks flown together from one dock (several tasks: 一飞多采; each photo is
 * filed to every task its footprint touches). Throws `PlanErrors` on bad input.
 */
export function buildPlan(reqs: PlanRequest[], ctx: PlanContext): BuiltPlan {
  const limits = limitsOf(ctx);
  const airframe = ctx.airframe ?? DEFAULT_AIRFRAME;
  const reservePct = ctx.reservePct ?? DEFAULT_RESERVE_PCT;
  for (const r of reqs) checkAltitude(r.altitudeM, limits.maxAltitudeM);
  const all = reqs.flatMap((r) => r.geometry.coordinates);
  const origin = { lon: all.reduce((s, c) => s + c[0], 0) / all.length, lat: all.reduce((s, c) => s + c[1], 0) / all.length };
  const frame = new LocalFrame(origin);
  const air = prepareAirspace(ctx.airspace, frame, limits.keepOut);
  const tasks: LocalTask[] = reqs.map((req) => ({ req, geometry: localGeometry(req.geometry, frame, air, limits.geometry), footprint: footprintM(req.altitudeM, req.camera ?? DEFAULT_CAMERA) }));
  const choice = chooseDock(tasks.flatMap(reachPoints), ctx.docks, frame, air, limits.dock, reservePct + 15);
  const home = choice.home;
  const findPath = pathFinder(air);
  const notes: PatternNotes = { avoided: new Set(), warnings: [] };

  // Tasks in nearest-first order, each pattern starting near where the last one ended.
  const left = [...tasks];
  const work: FlightPoint[] = [];
  let here = home;
  let photoSpacingM: number | null = null;
  while (left.length > 0) {
    let k = 0;
    for (let i = 1; i < left.length; i++) if (dist2(centroid(reachPoints(left[i]!)), here) < dist2(centroid(reachPoints(left[k]!)), here)) k = i;
    const t = left.splice(k, 1)[0]!;
    const pat = taskPattern(t, air, here, findPath, notes, ctx.cameraTrigger ?? 'waypoint');
    photoSpacingM ??= pat.photoSpacingM;
    for (const p of pat.points) {
      const prev = work[work.length - 1];
      if (prev) {
        const d = findPath(prev.xy, p.xy);
        if (!d) throw PlanErrors.ROUTE_BLOCKED_BY_KEEP_OUT();
        for (const z of d.avoided) notes.avoided.add(zoneLabel(z.zone));
        for (const c of d.path.slice(1, -1)) work.push({ xy: c, altRelM: t.req.altitudeM, kind: 'transit' });
      }
      const photos = p.photos ?? (p.kind === 'photo' || p.kind === 'orbit' ? [p.xy] : undefined);
      work.push({ xy: p.xy, altRelM: t.req.altitudeM, kind: p.kind, headingDeg: p.headingDeg, triggerDistanceM: p.triggerDistanceM, photos });
    }
    if (work.length > 0) here = work[work.length - 1]!.xy;
  }
  const sorties = splitSorties(home, work, { usablePct: 100 - reservePct, speedMps: reqs[0]?.speedMps, airframe, findPath, maxMissionItems: ctx.maxMissionItems });
  const warnings: string[] = [];
  for (const z of notes.avoided) warnings.push(`绕飞禁飞区 ${z} / rerouted around keep-out zone ${z}`);
  warnings.push(...new Set(notes.warnings));
  if (sorties.length > 1) warnings.push(`单块电池（或单次航线容量）无法完成，分为 ${sorties.length} 个架次 / one battery (or one mission upload) cannot fly it: split into ${sorties.length} sorties`);

  const taskIds = reqs.map((r) => r.taskId);
  const planSorties: PlanSortie[] = sorties.map((s, index) => {
    const served = new Set<string>();
    const photos: PlanSortie['photos'] = [];
    const waypoints = s.points.map((p) => {
      const ll = frame.toLatLon(p.xy);
      const wp: PlanSortie['waypoints'][number] = { lat: ll.lat, lon: ll.lon, altRelM: p.altRelM, kind: p.kind };
      if (p.triggerDistanceM !== undefined) wp.triggerDistanceM = p.triggerDistanceM;
      if (p.photos) {
        const heading = p.headingDeg ?? 0;
        wp.headingDeg = heading;
        const ids = new Set<string>();
        for (const xy of p.photos) {
          let taskIds = tasks.filter((t) => photoServes(xy, heading, t.footprint, t.geometry)).map((t) => t.req.taskId);
          if (taskIds.length === 0 && tasks.length === 1) taskIds = [tasks[0]!.req.taskId];
          const at = frame.toLatLon(xy);
          photos.push({ lat: at.lat, lon: at.lon, altRelM: p.altRelM, headingDeg: heading, taskIds });
          for (const id of taskIds) ids.add(id);
        }
        wp.taskIds = [...ids];
        for (const id of ids) served.add(id);
      }
      return wp;
    });
    return {
      index,
      taskIds: taskIds.filter((id) => served.has(id)),
      waypoints,
      photoTriggerDistanceM: photoSpacingM,
      photoCount: photos.length,
      photos,
      ...(reqs[0]?.speedMps ? { speedMps: reqs[0].speedMps } : {}),
      lengthM: s.estimate.lengthM,
      estDurationS: s.estimate.durationS,
      estBatteryPct: s.estimate.batteryPct,
    };
  });
  const homeLl = { lat: choice.dock.lat, lon: choice.dock.lon };
  return {
    sorties,
    plan: {
      taskIds,
      dockSn: choice.dock.sn,
      dockName: choice.dock.name,
      home: homeLl,
      sorties: planSorties,
      warnings: [`由 ${choice.dock.name}（${choice.dock.sn}）执行 / flown by dock ${choice.dock.sn}`, ...warnings],
      rejectedDocks: choice.rejected,
      totalDurationS: planSorties.reduce((s, x) => s + x.estDurationS, 0),
      totalPhotos: planSorties.reduce((s, x) => s + x.photoCount, 0),
    },
  };
}

/** Plans one task. Throws `PlanErrors` (an `AppError` with a stable code) on bad input. */
export function planTask(req: PlanRequest, ctx: PlanContext): FlightPlan {
  return buildPlan([req], ctx).plan;
}
