import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_CAMERA } from '../../protocol/plan.schema.ts';
import { prepareAirspace } from './airspace.ts';
import { coveragePattern, footprintM, inFootprint } from './coverage.ts';
import { dist, LocalFrame, signedArea, type Xy } from './geo.ts';
import { keepInOnly, pointsInside, polygonArb } from './planning-fixtures.ts';

describe('camera footprint', () => {
  it('is 2·h·tan(hfov/2) wide and 3/4 of that high for the 84° 4:3 camera', () => {
    const fp = footprintM(100, DEFAULT_CAMERA);
    expect(fp.widthM).toBeCloseTo(2 * 100 * Math.tan((42 * Math.PI) / 180), 6);
    expect(fp.heightM).toBeCloseTo(fp.widthM * 0.75, 6);
  });
});

describe('boustrophedon coverage', () => {
  const frame = new LocalFrame({ lat: 22.95, lon: 113.37 });
  const air = prepareAirspace({ zones: [] }, frame);

  it('runs lines along the long side of a 600 × 200 m rectangle, alternating direction', () => {
    const ring: Xy[] = [{ x: 0, y: 0 }, { x: 600, y: 0 }, { x: 600, y: 200 }, { x: 0, y: 200 }];
    const cov = coveragePattern(ring, air, { altitudeM: 50, camera: DEFAULT_CAMERA, overlap: { frontPct: 70, sidePct: 60 } });
    const headings = cov.runs.map((r) => Math.round(r.headingDeg));
    expect(new Set(headings)).toEqual(new Set([90, 270])); // east and west
    headings.slice(1).forEach((h, i) => expect(h).not.toBe(headings[i]));
    expect(cov.runs).toHaveLength(Math.ceil(200 / (cov.footprint.widthM * 0.4)));
  });

  it('starts at the corner nearest the dock', () => {
    const ring: Xy[] = [{ x: 0, y: 0 }, { x: 600, y: 0 }, { x: 600, y: 200 }, { x: 0, y: 200 }];
    const cov = coveragePattern(ring, air, { altitudeM: 50, camera: DEFAULT_CAMERA, overlap: { frontPct: 70, sidePct: 60 }, startNear: { x: 700, y: 300 } });
    const first = cov.runs[0]!.photos[0]!;
    expect(first.x).toBeGreaterThan(550);
    expect(first.y).toBeGreaterThan(150);
  });

  it('covers every point of random simple polygons with photos spaced by the requested overlap', () => {
    fc.assert(
      fc.property(
        polygonArb(400),
        fc.double({ min: 20, max: 120, noNaN: true }),
        fc.double({ min: 0, max: 90, noNaN: true }),
        fc.double({ min: 0, max: 90, noNaN: true }),
        fc.integer({ min: 1, max: 1e9 }),
        (coords, altitudeM, frontPct, sidePct, seed) => {
          const f = new LocalFrame({ lat: coords[0]![1], lon: coords[0]![0] });
          const a = prepareAirspace(keepInOnly, f);
          let ring = coords.slice(0, -1).map((c) => f.toXy(c));
          if (signedArea(ring) < 0) ring = ring.reverse();
          const cov = coveragePattern(ring, a, { altitudeM, camera: DEFAULT_CAMERA, overlap: { frontPct, sidePct } });
          const fp = cov.footprint;
          // Spacing: lines at most footprint width × (1 − side overlap) apart, photos at most height × (1 − front).
          expect(cov.lineSpacingM).toBeLessThanOrEqual(fp.widthM * (1 - sidePct / 100) + 1e-6);
          expect(cov.photoSpacingM).toBeCloseTo(fp.heightM * (1 - frontPct / 100), 6);
          for (const run of cov.runs) for (let i = 1; i < run.photos.length; i++) expect(dist(run.photos[i - 1]!, run.photos[i]!)).toBeLessThanOrEqual(cov.photoSpacingM + 1e-6);
          const photos = cov.runs.flatMap((r) => r.photos.map((p) => ({ p, h: r.headingDeg })));
          for (const q of pointsInside(ring, 100, seed)) {
            expect(photos.some(({ p, h }) => inFootprint(q, p, h, fp)), `point ${q.x.toFixed(1)},${q.y.toFixed(1)} uncovered`).toBe(true);
          }
        },
      ),
      { numRuns: 100 },
    );
  });

  it('keeps photos out of a keep-out zone that cuts through the area and still covers the rest', () => {
    const c = { lat: 22.95, lon: 113.37 };
    const f = new LocalFrame(c);
    const zoneRing: Xy[] = [{ x: 250, y: -100 }, { x: 350, y: -100 }, { x: 350, y: 500 }, { x: 250, y: 500 }];
    const zone = { id: 'z', nameZh: '禁区', nameEn: 'zone', kind: 'keep-out' as const, ring: zoneRing.map((p) => { const ll = f.toLatLon(p); return [ll.lon, ll.lat] as [number, number]; }) };
    const a = prepareAirspace({ zones: [zone] }, f);
    const ring: Xy[] = [{ x: 0, y: 0 }, { x: 600, y: 0 }, { x: 600, y: 400 }, { x: 0, y: 400 }];
    const cov = coveragePattern(ring, a, { altitudeM: 60, camera: DEFAULT_CAMERA, overlap: { frontPct: 70, sidePct: 60 } });
    expect(cov.clipped).toBe(true);
    const photos = cov.runs.flatMap((r) => r.photos);
    expect(photos.every((p) => p.x < 250 - 50 || p.x > 350 + 50)).toBe(true);
    // Points well clear of the zone (more than the margin and a footprint) are covered.
    const fp = cov.footprint;
    for (const q of pointsInside(ring, 300, 7).filter((p) => p.x < 200 - fp.widthM || p.x > 400 + fp.widthM)) {
      expect(cov.runs.some((r) => r.photos.some((p) => inFootprint(q, p, r.headingDeg, fp)))).toBe(true);
    }
  });
});
