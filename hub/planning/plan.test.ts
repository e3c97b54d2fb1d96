import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAMERA, type FlightPlan, type LonLat, type PlanRequest } from '../../protocol/plan.schema.ts';
import { AppError } from '../../common/errors.ts';
import type { Airspace } from './airspace.ts';
import { footprintM, inFootprint } from './coverage.ts';
import { LocalFrame, insideRing, type Xy } from './geo.ts';
import { planMerged } from './merge.ts';
import { airspaceFenceItems, MAV_CMD, sortieMissionItems } from './mission-items.ts';
import { planTask } from './plan.ts';
import { keepInOnly, keepOutsArb, legEntersZone, offset, pointsInside, polygonArb, routeArb, seededAirspace, seededDocks, zoneXy } from './planning-fixtures.ts';

/** Refusals a random task may legitimately get (its points fell in a random zone, or zones box it in). */
const ACCEPTABLE_REFUSALS = ['POINT_IN_KEEP_OUT', 'AREA_IN_KEEP_OUT', 'ROUTE_BLOCKED_BY_KEEP_OUT', 'NO_DOCK_AVAILABLE', 'OUT_OF_COVERAGE'];

/** Every leg of every sortie, dock to dock, in `frame`. */
function legs(plan: FlightPlan, frame: LocalFrame): Array<[Xy, Xy]> {
  const home = frame.toXy([plan.home.lon, plan.home.lat]);
  return plan.sorties.flatMap((s) => {
    const pts = [home, ...s.waypoints.map((w) => frame.toXy([w.lon, w.lat]))];
    return pts.slice(1).map((p, i): [Xy, Xy] => [pts[i]!, p]);
  });
}

/** The safety properties of any plan: height, keep-out zones, keep-in area, battery, dock to dock. */
function checkSafe(plan: FlightPlan, airspace: Airspace): void {
  const frame = new LocalFrame(plan.home);
  const keepOut = airspace.zones.filter((z) => z.kind === 'keep-out').map((z) => zoneXy(z, frame));
  const keepIn = airspace.zones.filter((z) => z.kind === 'keep-in').map((z) => zoneXy(z, frame));
  for (const s of plan.sorties) {
    expect(s.estBatteryPct).toBeLessThanOrEqual(75 + 1e-9); // lands with ≥ 25 %
    const last = s.waypoints[s.waypoints.length - 1]!;
    expect(last.kind).toBe('return');
    expect(last.lat).toBeCloseTo(plan.home.lat, 9);
    expect(last.lon).toBeCloseTo(plan.home.lon, 9);
    for (const w of s.waypoints) {
      expect(w.altRelM).toBeGreaterThan(0);
      expect(w.altRelM).toBeLessThanOrEqual(120);
      const p = frame.toXy([w.lon, w.lat]);
      for (const ring of keepOut) expect(insideRing(p, ring), `${w.kind} waypoint inside a keep-out zone`).toBe(false);
      expect(keepIn.some((ring) => insideRing(p, ring))).toBe(true);
    }
  }
  for (const [a, b] of legs(plan, frame)) for (const ring of keepOut) expect(legEntersZone(a, b, ring), 'a leg enters a keep-out zone').toBe(false);
  for (const s of plan.sorties) {
    expect(s.photos).toHaveLength(s.photoCount);
    for (const ph of s.photos) for (const ring of keepOut) expect(insideRing(frame.toXy([ph.lon, ph.lat]), ring), 'a photo inside a keep-out zone').toBe(false);
  }
}

function planOrRefusal(req: PlanRequest, airspace: Airspace, cameraTrigger: 'waypoint' | 'distance' = 'waypoint'): FlightPlan | null {
  try {
    return planTask(req, { docks: seededDocks, airspace, cameraTrigger });
  } catch (e) {
    expect(e).toBeInstanceOf(AppError);
    expect(ACCEPTABLE_REFUSALS).toContain((e as AppError).code);
    return null;
  }
}

describe('flight plans (property)', () => {
  it.each(['waypoint', 'distance'] as const)('never put a waypoint above 120 m, in a keep-out zone or outside Panyu, nor fly a leg through a keep-out zone, and cover the area: areas, camera by %s', (cameraTrigger) => {
    let planned = 0;
    fc.assert(
      fc.property(polygonArb(250), fc.double({ min: 30, max: 120, noNaN: true }), keepOutsArb(1200), fc.integer({ min: 1, max: 1e9 }), (ring, altitudeM, zonesAt, seed) => {
        const c = { lon: ring[0]![0], lat: ring[0]![1] };
        const airspace = { zones: [...seededAirspace.zones, ...zonesAt(c)] };
        const plan = planOrRefusal({ taskId: 'p', geometry: { kind: 'polygon', coordinates: ring }, altitudeM, overlap: { frontPct: 60, sidePct: 40 } }, airspace, cameraTrigger);
        if (!plan) return;
        planned += 1;
        checkSafe(plan, airspace);
        // Coverage: points of the area farther than the margin plus a footprint from any keep-out zone are photographed.
        const frame = new LocalFrame(plan.home);
        const fp = footprintM(altitudeM, DEFAULT_CAMERA);
        const zones = airspace.zones.filter((z) => z.kind === 'keep-out').map((z) => zoneXy(z, frame));
        const photos = plan.sorties.flatMap((s) => s.photos.map((w) => ({ p: frame.toXy([w.lon, w.lat]), h: w.headingDeg })));
        const clear = (q: Xy) => zones.every((z) => !nearRing(q, z, 50 + fp.widthM + fp.heightM));
        for (const q of pointsInside(ring.slice(0, -1).map((p) => frame.toXy(p)), 60, seed).filter(clear)) {
          expect(photos.some(({ p, h }) => inFootprint(q, p, h, fp))).toBe(true);
        }
      }),
      { numRuns: 50 },
    );
    expect(planned).toBeGreaterThan(25);
  });

  it.each(['waypoint', 'distance'] as const)('… routes, camera by %s', (cameraTrigger) => {
    let planned = 0;
    fc.assert(
      fc.property(routeArb, fc.double({ min: 20, max: 120, noNaN: true }), keepOutsArb(1500), (route, altitudeM, zonesAt) => {
        const c = { lon: route[0]![0], lat: route[0]![1] };
        const airspace = { zones: [...seededAirspace.zones, ...zonesAt(c)] };
        const plan = planOrRefusal({ taskId: 'r', geometry: { kind: 'route', coordinates: route }, altitudeM, photoEveryM: 50 }, airspace, cameraTrigger);
        if (!plan) return;
        planned += 1;
        checkSafe(plan, airspace);
      }),
      { numRuns: 60 },
    );
    expect(planned).toBeGreaterThan(30);
  });

  it('… points of interest', () => {
    fc.assert(
      fc.property(routeArb, fc.double({ min: 20, max: 120, noNaN: true }), keepOutsArb(1500), (pois, altitudeM, zonesAt) => {
        const c = { lon: pois[0]![0], lat: pois[0]![1] };
        const airspace = { zones: [...seededAirspace.zones, ...zonesAt(c)] };
        const plan = planOrRefusal({ taskId: 'o', geometry: { kind: 'points', coordinates: pois }, altitudeM, orbitRadiusM: 40, orbitPhotos: 6 }, airspace);
        if (plan) checkSafe(plan, airspace);
      }),
      { numRuns: 60 },
    );
  });

  it('is deterministic', () => {
    const req: PlanRequest = { taskId: 'd', geometry: { kind: 'route', coordinates: [[113.255, 22.9886], [113.285, 22.9886]] }, altitudeM: 80 };
    expect(planTask(req, { docks: seededDocks, airspace: seededAirspace })).toEqual(planTask(req, { docks: seededDocks, airspace: seededAirspace }));
  });
});

function nearRing(q: Xy, ring: Xy[], m: number): boolean {
  if (insideRing(q, ring)) return true;
  return ring.some((a, i) => {
    const b = ring[(i + 1) % ring.length]!;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const t = Math.max(0, Math.min(1, ((q.x - a.x) * dx + (q.y - a.y) * dy) / (dx * dx + dy * dy)));
    return Math.hypot(q.x - (a.x + t * dx), q.y - (a.y + t * dy)) < m;
  });
}

describe('routes around keep-out zones', () => {
  it('reroutes a route through 广州南站 around it and says so', () => {
    const plan = planTask({ taskId: 'r', geometry: { kind: 'route', coordinates: [[113.255, 22.9886], [113.285, 22.9886]] }, altitudeM: 80 }, { docks: seededDocks, airspace: seededAirspace });
    expect(plan.warnings.some((w) => w.includes('绕飞') && w.includes('广州南站') && w.includes('rerouted'))).toBe(true);
    expect(plan.sorties[0]!.waypoints.some((w) => w.kind === 'transit')).toBe(true);
    checkSafe(plan, seededAirspace);
  });
});

describe('dock choice', () => {
  const near市桥: PlanRequest = { taskId: 'd', geometry: { kind: 'points', coordinates: [offset({ lat: 22.947, lon: 113.367 }, 300, 300)] }, altitudeM: 60 };
  const ctx = (patch: (sn: string) => object) => ({ docks: seededDocks.map((d) => ({ ...d, ...patch(d.sn) })), airspace: seededAirspace });

  it('takes the nearest dock that covers the task and tells why the others were not chosen', () => {
    const plan = planTask(near市桥, ctx(() => ({})));
    expect(plan.dockSn).toBe('DK-SQ-01');
    expect(plan.rejectedDocks).toHaveLength(seededDocks.length - 1);
    expect(plan.rejectedDocks.find((r) => r.sn === 'DK-XGW-01')!.reason).toMatch(/超出覆盖半径.*out of coverage/);
    expect(plan.rejectedDocks.find((r) => r.sn === 'DK-QN-01')!.reason).toMatch(/得分较低/);
  });

  it('passes over docks in fault, offline, held by wind or rain, with a flat idle drone, or with a long queue', () => {
    expect(planTask(near市桥, ctx((sn) => (sn === 'DK-SQ-01' ? { state: 'fault' } : {}))).rejectedDocks.find((r) => r.sn === 'DK-SQ-01')!.reason).toMatch(/故障/);
    expect(planTask(near市桥, ctx((sn) => (sn === 'DK-SQ-01' ? { online: false } : {}))).dockSn).not.toBe('DK-SQ-01');
    const windy = planTask(near市桥, ctx((sn) => (sn === 'DK-SQ-01' ? { weather: { windMps: 12, rainMmPerH: 0 } } : {})));
    expect(windy.dockSn).not.toBe('DK-SQ-01');
    expect(windy.rejectedDocks.find((r) => r.sn === 'DK-SQ-01')!.reason).toMatch(/风速.*weather hold/);
    expect(planTask(near市桥, ctx((sn) => (sn === 'DK-SQ-01' ? { weather: { windMps: 2, rainMmPerH: 20 } } : {}))).dockSn).not.toBe('DK-SQ-01');
    expect(planTask(near市桥, ctx((sn) => (sn === 'DK-SQ-01' ? { droneBatteryPct: 20 } : {}))).dockSn).not.toBe('DK-SQ-01');
    expect(planTask(near市桥, ctx((sn) => (sn === 'DK-SQ-01' ? { droneBatteryPct: 20, state: 'charging' } : {}))).dockSn).toBe('DK-SQ-01');
    expect(planTask(near市桥, ctx((sn) => (sn === 'DK-SQ-01' ? { queueLength: 3 } : {}))).dockSn).not.toBe('DK-SQ-01');
  });

  it('refuses with NO_DOCK_AVAILABLE when every covering dock is held, OUT_OF_COVERAGE when none covers', () => {
    let e: AppError | undefined;
    try {
      planTask(near市桥, ctx(() => ({ weather: { windMps: 15, rainMmPerH: 0 } })));
    } catch (err) {
      e = err as AppError;
    }
    expect(e?.code).toBe('NO_DOCK_AVAILABLE');
    expect(e?.statusCode).toBe(409);
    try {
      planTask(near市桥, { docks: seededDocks.filter((d) => d.sn === 'DK-XGW-01'), airspace: seededAirspace });
    } catch (err) {
      e = err as AppError;
    }
    expect(e?.code).toBe('OUT_OF_COVERAGE');
  });

  it('does not launch from the 石壁 dock, which stands inside the 广州南站 keep-out zone', () => {
    const plan = planTask({ taskId: 's', geometry: { kind: 'points', coordinates: [[113.262, 22.975]] }, altitudeM: 60 }, { docks: seededDocks, airspace: seededAirspace });
    expect(plan.dockSn).not.toBe('DK-SB-01');
    expect(plan.rejectedDocks.find((r) => r.sn === 'DK-SB-01')!.reason).toContain('禁飞区');
  });
});

describe('sorties', () => {
  it('splits an area one battery cannot fly into sorties that each start and end at the dock and land with 25 % left', () => {
    const c = { lat: 22.96, lon: 113.37 };
    const area: LonLat[] = [offset(c, 0, 0), offset(c, 1500, 0), offset(c, 1500, 1200), offset(c, 0, 1200)];
    const plan = planTask({ taskId: 'big', geometry: { kind: 'polygon', coordinates: area }, altitudeM: 80 }, { docks: seededDocks, airspace: seededAirspace });
    expect(plan.sorties.length).toBeGreaterThan(1);
    expect(plan.warnings.some((w) => w.includes(`${plan.sorties.length} sorties`))).toBe(true);
    for (const s of plan.sorties) expect(s.estBatteryPct).toBeLessThanOrEqual(75);
    // Together they take every photo once.
    expect(plan.totalPhotos).toBe(plan.sorties.reduce((n, s) => n + s.photoCount, 0));
    checkSafe(plan, seededAirspace);
  });
});

describe('mission size', () => {
  it('splits a sortie whose mission would not fit the autopilot’s storage', () => {
    const c = { lat: 22.95, lon: 113.37 };
    const req: PlanRequest = { taskId: 'm', geometry: { kind: 'polygon', coordinates: [offset(c, 0, 0), offset(c, 400, 0), offset(c, 400, 300), offset(c, 0, 300)] }, altitudeM: 60 };
    const one = planTask(req, { docks: seededDocks, airspace: seededAirspace });
    expect(one.sorties).toHaveLength(1);
    const items = sortieMissionItems(one.sorties[0]!).length;
    const split = planTask(req, { docks: seededDocks, airspace: seededAirspace, maxMissionItems: Math.ceil(items / 2) + 10 });
    expect(split.sorties.length).toBeGreaterThan(1);
    for (const s of split.sorties) expect(sortieMissionItems(s).length).toBeLessThanOrEqual(Math.ceil(items / 2) + 10);
    expect(split.totalPhotos).toBe(one.totalPhotos);
  });
});

describe('一飞多采 (merging)', () => {
  const c = { lat: 22.95, lon: 113.37 };
  const box = (e: number, n: number, w: number, h: number): LonLat[] => [offset(c, e, n), offset(c, e + w, n), offset(c, e + w, n + h), offset(c, e, n + h)];
  const ctx = { docks: seededDocks, airspace: seededAirspace };

  it('flies two departments’ overlapping tasks as one sortie and files each photo to the tasks it shows', () => {
    const a: PlanRequest = { taskId: 'water', geometry: { kind: 'polygon', coordinates: box(0, 0, 250, 200) }, altitudeM: 60, window: { startAt: '2026-11-22T08:00:00+08:00', endAt: '2026-11-22T12:00:00+08:00' } };
    const b: PlanRequest = { taskId: 'city', geometry: { kind: 'polygon', coordinates: box(150, 100, 250, 200) }, altitudeM: 65, window: { startAt: '2026-11-22T10:00:00+08:00', endAt: '2026-11-22T16:00:00+08:00' } };
    const m = planMerged([a, b], ctx);
    expect(m.groups).toEqual([['water', 'city']]);
    const plan = m.plans[0]!;
    expect(plan.sorties).toHaveLength(1);
    expect(plan.sorties[0]!.taskIds.sort()).toEqual(['city', 'water']);
    const photos = plan.sorties[0]!.waypoints.filter((w) => w.kind === 'photo');
    expect(photos.every((w) => (w.taskIds ?? []).length > 0)).toBe(true);
    expect(photos.some((w) => w.taskIds!.length === 2)).toBe(true); // the overlap serves both
    // A photo far from task b's box is not filed to b.
    const frame = new LocalFrame(c);
    for (const w of photos) {
      const p = frame.toXy([w.lon, w.lat]);
      if (p.x < 150 - 80 && p.y < 100 - 80) expect(w.taskIds).toEqual(['water']);
    }
    checkSafe(plan, seededAirspace);
  });

  it('keeps tasks apart when heights differ by more than 10 m, windows do not overlap, or docks differ', () => {
    const a: PlanRequest = { taskId: 'a', geometry: { kind: 'polygon', coordinates: box(0, 0, 200, 200) }, altitudeM: 60 };
    expect(planMerged([a, { ...a, taskId: 'b', altitudeM: 75 }], ctx).groups).toEqual([['a'], ['b']]);
    const w1 = { startAt: '2026-11-22T08:00:00Z', endAt: '2026-11-22T09:00:00Z' };
    const w2 = { startAt: '2026-11-22T09:00:00Z', endAt: '2026-11-22T10:00:00Z' };
    expect(planMerged([{ ...a, window: w1 }, { ...a, taskId: 'b', window: w2 }], ctx).groups).toEqual([['a'], ['b']]);
    const far: PlanRequest = { taskId: 'far', geometry: { kind: 'points', coordinates: [[113.45, 23.04]] }, altitudeM: 60 };
    expect(planMerged([a, far], ctx).groups).toEqual([['a'], ['far']]);
  });
});

describe('MAVLink mission and fence', () => {
  it('turns a sortie into take-off, a waypoint per waypoint with a camera shot per photo, and RTL', () => {
    const plan = planTask({ taskId: 'm', geometry: { kind: 'route', coordinates: [[113.255, 22.9886], [113.285, 22.9886]] }, altitudeM: 80 }, { docks: seededDocks, airspace: seededAirspace });
    const s = plan.sorties[0]!;
    const items = sortieMissionItems(s);
    expect(items[0]).toMatchObject({ command: MAV_CMD.NAV_TAKEOFF, altM: 80 });
    expect(items[items.length - 1]!.command).toBe(MAV_CMD.NAV_RETURN_TO_LAUNCH);
    expect(items.filter((i) => i.command === MAV_CMD.NAV_WAYPOINT)).toHaveLength(s.waypoints.length);
    expect(items.filter((i) => i.command === MAV_CMD.DO_DIGICAM_CONTROL)).toHaveLength(s.photoCount);
    expect(Math.max(...items.map((i) => i.altM))).toBeLessThanOrEqual(120);
    expect(sortieMissionItems(s, { speedMps: 8 })[1]).toMatchObject({ command: MAV_CMD.DO_CHANGE_SPEED, param2: 8 });
    expect(items.some((i) => i.command === MAV_CMD.DO_CHANGE_SPEED)).toBe(false);
    // A task planned slower carries its speed into the mission, and its estimate is longer.
    const slow = planTask({ taskId: 'm', geometry: { kind: 'route', coordinates: [[113.255, 22.9886], [113.285, 22.9886]] }, altitudeM: 80, speedMps: 12 }, { docks: seededDocks, airspace: seededAirspace }).sorties[0]!;
    expect(sortieMissionItems(slow)[1]).toMatchObject({ command: MAV_CMD.DO_CHANGE_SPEED, param2: 12 });
    expect(slow.estDurationS).toBeGreaterThan(s.estDurationS);
  });

  it('flies coverage lines through with distance triggering when asked: one run per line, fewer waypoints, a shorter flight, the same photos', () => {
    const c = { lat: 22.95, lon: 113.37 };
    const geometry: PlanRequest['geometry'] = { kind: 'polygon', coordinates: [offset(c, 0, 0), offset(c, 400, 0), offset(c, 400, 300), offset(c, 0, 300)] };
    const req: PlanRequest = { taskId: 'd', geometry, altitudeM: 60 };
    const byWaypoint = planTask(req, { docks: seededDocks, airspace: seededAirspace }).sorties[0]!;
    const byDistance = planTask(req, { docks: seededDocks, airspace: seededAirspace, cameraTrigger: 'distance' }).sorties[0]!;
    expect(byDistance.photoCount).toBe(byWaypoint.photoCount);
    expect(byDistance.waypoints.length).toBeLessThan(byWaypoint.waypoints.length / 2);
    expect(byDistance.estDurationS).toBeLessThan(byWaypoint.estDurationS * 0.7);
    const items = sortieMissionItems(byDistance);
    const triggers = items.filter((i) => i.command === MAV_CMD.DO_SET_CAM_TRIGG_DIST);
    const starts = triggers.filter((i) => i.param1 > 0);
    expect(starts.length).toBe(triggers.length / 2); // each run started and stopped
    expect(starts.every((i) => i.param3 === 1 && i.param1 <= byDistance.photoTriggerDistanceM!)).toBe(true);
    expect(items.filter((i) => i.command === MAV_CMD.DO_DIGICAM_CONTROL)).toHaveLength(0);
  });

  it('turns the airspace into fence polygons: keep-out zones excluded, the operation area included', () => {
    const items = airspaceFenceItems(seededAirspace);
    const station = items.filter((i) => i.command === MAV_CMD.FENCE_POLYGON_VERTEX_EXCLUSION && Math.abs(i.lat - 22.9886) < 0.01);
    expect(station).toHaveLength(16);
    expect(station.every((i) => i.param1 === 16)).toBe(true);
    expect(items.filter((i) => i.command === MAV_CMD.FENCE_POLYGON_VERTEX_INCLUSION).length).toBe(keepInOnly.zones[0]!.ring.length - 1);
  });
});
