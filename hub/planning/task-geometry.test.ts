import { describe, expect, it } from 'vitest';
import type { PlanRequest } from '../../protocol/plan.schema.ts';
import { AppError } from '../../common/errors.ts';
import { planTask } from './plan.ts';
import { offset, seededAirspace, seededDocks } from './planning-fixtures.ts';

const ctx = { docks: seededDocks, airspace: seededAirspace };
const shiqiao = { lat: 22.95, lon: 113.37 };
const square: PlanRequest['geometry'] = { kind: 'polygon', coordinates: [offset(shiqiao, 0, 0), offset(shiqiao, 200, 0), offset(shiqiao, 200, 200), offset(shiqiao, 0, 200)] };

function refusal(req: PlanRequest): AppError {
  try {
    planTask(req, ctx);
  } catch (e) {
    if (e instanceof AppError) return e;
    throw e;
  }
  throw new Error('the planner accepted it');
}

describe('task geometry and height checks', () => {
  it('accepts a plain 200 m square at 60 m', () => {
    expect(planTask({ taskId: 't', geometry: square, altitudeM: 60 }, ctx).sorties.length).toBe(1);
  });

  it('refuses a self-intersecting (bow-tie) polygon', () => {
    const bowTie = [offset(shiqiao, 0, 0), offset(shiqiao, 200, 200), offset(shiqiao, 200, 0), offset(shiqiao, 0, 200)];
    const e = refusal({ taskId: 't', geometry: { kind: 'polygon', coordinates: bowTie }, altitudeM: 60 });
    expect(e.code).toBe('POLYGON_SELF_INTERSECTS');
    expect(e.statusCode).toBe(400);
    expect(e.message).toMatch(/自相交.*intersects itself/);
  });

  it('refuses 300 m with the 120 m limit in the message, and never clamps', () => {
    const e = refusal({ taskId: 't', geometry: square, altitudeM: 300 });
    expect(e.code).toBe('ALTITUDE_ABOVE_LIMIT');
    expect(e.statusCode).toBe(400);
    expect(e.message).toContain('300');
    expect(e.message).toContain('120');
    expect(refusal({ taskId: 't', geometry: square, altitudeM: 120.5 }).code).toBe('ALTITUDE_ABOVE_LIMIT');
    const ok = planTask({ taskId: 't', geometry: square, altitudeM: 120 }, ctx);
    expect(Math.max(...ok.sorties.flatMap((s) => s.waypoints.map((w) => w.altRelM)))).toBe(120);
  });

  it('refuses a height of 0 or below', () => {
    expect(refusal({ taskId: 't', geometry: square, altitudeM: 0 }).code).toBe('ALTITUDE_INVALID');
    expect(refusal({ taskId: 't', geometry: square, altitudeM: -5 }).code).toBe('ALTITUDE_INVALID');
  });

  it('refuses polygons with fewer than 3 distinct vertices, and sizes out of range', () => {
    const p = offset(shiqiao, 0, 0);
    expect(refusal({ taskId: 't', geometry: { kind: 'polygon', coordinates: [p, p, offset(shiqiao, 100, 0), p] }, altitudeM: 60 }).code).toBe('POLYGON_INVALID');
    const tiny = [offset(shiqiao, 0, 0), offset(shiqiao, 5, 0), offset(shiqiao, 5, 5), offset(shiqiao, 0, 5)];
    expect(refusal({ taskId: 't', geometry: { kind: 'polygon', coordinates: tiny }, altitudeM: 60 }).code).toBe('AREA_SIZE_OUT_OF_RANGE');
    const huge = [offset(shiqiao, -4000, -4000), offset(shiqiao, 4000, -4000), offset(shiqiao, 4000, 4000), offset(shiqiao, -4000, 4000)];
    expect(refusal({ taskId: 't', geometry: { kind: 'polygon', coordinates: huge }, altitudeM: 60 }).code).toBe('AREA_SIZE_OUT_OF_RANGE');
  });

  it('refuses a route of one distinct point', () => {
    const p = offset(shiqiao, 0, 0);
    expect(refusal({ taskId: 't', geometry: { kind: 'route', coordinates: [p, p] }, altitudeM: 60 }).code).toBe('ROUTE_INVALID');
  });

  it('refuses a route whose end lies in the Guangzhou South keep-out zone (no way around it), naming the zone', () => {
    const e = refusal({ taskId: 't', geometry: { kind: 'route', coordinates: [[113.25, 22.975], [113.2694, 22.9886]] }, altitudeM: 60 });
    expect(e.code).toBe('POINT_IN_KEEP_OUT');
    expect(e.message).toContain('广州南站');
    expect(e.message).toContain('Guangzhou South');
  });

  it('refuses a point of interest inside the synthetic heliport', () => {
    expect(refusal({ taskId: 't', geometry: { kind: 'points', coordinates: [[113.435, 22.925]] }, altitudeM: 60 }).code).toBe('POINT_IN_KEEP_OUT');
  });

  it('refuses an area entirely inside a keep-out zone', () => {
    const c = { lat: 22.9886, lon: 113.2694 };
    const inner = [offset(c, -100, -100), offset(c, 100, -100), offset(c, 100, 100), offset(c, -100, 100)];
    expect(refusal({ taskId: 't', geometry: { kind: 'polygon', coordinates: inner }, altitudeM: 60 }).code).toBe('AREA_IN_KEEP_OUT');
  });

  it('refuses geometry outside the Panyu operation area', () => {
    // Tianhe, north of the Pearl River.
    expect(refusal({ taskId: 't', geometry: { kind: 'points', coordinates: [[113.33, 23.13]] }, altitudeM: 60 }).code).toBe('OUTSIDE_OPERATION_AREA');
  });

  it('refuses a route the keep-out zones close off completely', () => {
    // A point ringed by four overlapping keep-out zones.
    const c = { lat: 22.96, lon: 113.33 };
    const box = (e: number, n: number, w: number, h: number) => ({
      id: `wall-${e}-${n}`,
      nameZh: '围墙',
      nameEn: 'wall',
      kind: 'keep-out' as const,
      ring: [offset(c, e, n), offset(c, e + w, n), offset(c, e + w, n + h), offset(c, e, n + h), offset(c, e, n)],
    });
    const airspace = { zones: [...seededAirspace.zones, box(-600, -600, 1200, 300), box(-600, 300, 1200, 300), box(-600, -600, 300, 1200), box(300, -600, 300, 1200)] };
    let err: unknown;
    try {
      planTask({ taskId: 't', geometry: { kind: 'route', coordinates: [offset(c, -50, 0), offset(c, 50, 0)] }, altitudeM: 60 }, { docks: seededDocks, airspace });
    } catch (e) {
      err = e;
    }
    expect((err as AppError).code).toBe('ROUTE_BLOCKED_BY_KEEP_OUT');
  });
});
