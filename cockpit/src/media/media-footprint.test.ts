import { describe, expect, it } from 'vitest';
import type { ImagePose } from '../../../protocol/media.schema.ts';
import { nadirFootprint } from './media-footprint.ts';
import { latestFlightOf, mediaQueryString } from './media-api.ts';

const pose: ImagePose = { takenAt: '2026-06-01T08:00:00Z', lat: 22.95, lon: 113.37, altAmslM: 112, altRelM: 100, headingDeg: 0, gimbalPitchDeg: -90, hfovDeg: 84, widthPx: 1024, heightPx: 768 };
const M_PER_DEG_LAT = (6_371_008.8 * Math.PI) / 180;

describe('nadir footprint', () => {
  it('spans 2·h·tan(hfov/2) across and keeps the image aspect, north up at heading 0', () => {
    const [tl, tr, br, bl] = nadirFootprint(pose);
    const widthM = (tr![0] - tl![0]) * M_PER_DEG_LAT * Math.cos((22.95 * Math.PI) / 180);
    expect(widthM).toBeCloseTo(2 * 100 * Math.tan((42 * Math.PI) / 180), 3);
    const heightM = (tl![1] - bl![1]) * M_PER_DEG_LAT;
    expect(heightM).toBeCloseTo((widthM * 768) / 1024, 3);
    expect(br![0]).toBeCloseTo(tr![0], 9);
  });

  it('turns with the heading: at 90° the top edge faces east', () => {
    const [tl, tr] = nadirFootprint({ ...pose, headingDeg: 90 });
    expect(tl![0]).toBeGreaterThan(pose.lon);
    expect(tr![0]).toBeGreaterThan(pose.lon);
    expect(tl![1]).toBeGreaterThan(tr![1]);
  });
});

describe('media queries', () => {
  it('builds a stable query string and picks the latest flight', () => {
    expect(mediaQueryString({ dockSn: 'DK-1', limit: 30, bbox: [1, 2, 3, 4] })).toBe('dockSn=DK-1&limit=30&bbox=1%2C2%2C3%2C4');
    const m = (id: number, flightId: number | null, takenAt: string) => ({ id, flightId, sortieId: null, takenAt }) as never;
    expect(latestFlightOf([m(3, 9, '2026-06-01T08:02:00Z'), m(2, 9, '2026-06-01T08:01:00Z'), m(1, 8, '2026-06-01T07:00:00Z')]).map((x: { id: number }) => x.id)).toEqual([3, 2]);
    expect(latestFlightOf([m(3, null, '2026-06-01T08:02:00Z'), m(2, null, '2026-06-01T08:01:00Z'), m(1, null, '2026-06-01T07:00:00Z')]).map((x: { id: number }) => x.id)).toEqual([3, 2]);
    expect(latestFlightOf([])).toEqual([]);
  });
});
