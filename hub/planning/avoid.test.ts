import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareAirspace } from './airspace.ts';
import { pathFinder } from './avoid.ts';
import { dist, insideRing, LocalFrame, pathLengthM } from './geo.ts';
import { keepInOnly, keepOutsArb, legEntersZone, seededAirspace, zoneXy } from './planning-fixtures.ts';

describe('keep-out avoidance', () => {
  it('flies around 广州南站 instead of through it, at least 40 m clear, and not much longer than needed', () => {
    const frame = new LocalFrame({ lat: 22.9886, lon: 113.2694 });
    const air = prepareAirspace(seededAirspace, frame);
    const station = air.keepOut.find((k) => k.zone.id === 'keep-out-gz-south')!;
    const a = frame.toXy([113.255, 22.9886]);
    const b = frame.toXy([113.285, 22.9886]);
    const d = pathFinder(air)(a, b)!;
    expect(d.avoided.map((z) => z.zone.nameZh)).toEqual(['广州南站']);
    expect(d.path.length).toBeGreaterThan(2);
    for (let i = 1; i < d.path.length; i++) expect(legEntersZone(d.path[i - 1]!, d.path[i]!, station.ring)).toBe(false);
    // Never closer than the 40 m hard margin: sample the path.
    for (let i = 1; i < d.path.length; i++) {
      const p = d.path[i - 1]!;
      const q = d.path[i]!;
      for (let t = 0; t <= 1; t += 0.01) {
        const s = { x: p.x + t * (q.x - p.x), y: p.y + t * (q.y - p.y) };
        const nearest = Math.min(...station.ring.map((v, j) => segmentDistance(s, v, station.ring[(j + 1) % station.ring.length]!)));
        expect(nearest).toBeGreaterThan(39.9);
      }
    }
    // Around a 600 m-radius 16-gon with a 60 m margin: about half its circumference plus the straight parts.
    expect(pathLengthM(d.path)).toBeLessThan(dist(a, b) + 800);
  });

  it('finds legs that never enter random keep-out zones, or says there is no way', () => {
    fc.assert(
      fc.property(
        keepOutsArb(1500),
        fc.tuple(fc.integer({ min: -3000, max: 3000 }), fc.integer({ min: -3000, max: 3000 })),
        fc.tuple(fc.integer({ min: -3000, max: 3000 }), fc.integer({ min: -3000, max: 3000 })),
        (zonesAt, [ax, ay], [bx, by]) => {
          const centre = { lat: 22.97, lon: 113.38 };
          const frame = new LocalFrame(centre);
          const zones = zonesAt(centre);
          const air = prepareAirspace({ zones: [...keepInOnly.zones, ...zones] }, frame);
          const a = { x: ax, y: ay };
          const b = { x: bx, y: by };
          if (air.keepOut.some((k) => insideRing(a, k.clip) || insideRing(b, k.clip))) return;
          const d = pathFinder(air)(a, b);
          if (!d) {
            // Only when the ends are boxed in: with 0 or 1 zone there is always a way.
            expect(zones.length).toBeGreaterThan(1);
            return;
          }
          expect(d.path[0]).toEqual(a);
          expect(d.path[d.path.length - 1]).toEqual(b);
          for (const z of zones) {
            const ring = zoneXy(z, frame);
            for (let i = 1; i < d.path.length; i++) expect(legEntersZone(d.path[i - 1]!, d.path[i]!, ring)).toBe(false);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function segmentDistance(p: { x: number; y: number }, a: { x: number; y: number }, b: { x: number; y: number }): number {
  const dx = b.x - a.x;
  const dy = b.y - a.y;
  const t = Math.max(0, Math.min(1, ((p.x - a.x) * dx + (p.y - a.y) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(p.x - (a.x + t * dx), p.y - (a.y + t * dy));
}
