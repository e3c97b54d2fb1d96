import { describe, expect, it } from 'vitest';
import type { ImagePose } from '../../protocol/media.schema.ts';
import { projectBox, projectPixel } from './projection.ts';

const RAD = Math.PI / 180;
const R = 6_371_008.8;
const base: ImagePose = { takenAt: '2026-11-22T03:00:00Z', lat: 22.95, lon: 113.38, altAmslM: 108, altRelM: 100, headingDeg: 0, gimbalPitchDeg: -90, hfovDeg: 84, widthPx: 1024, heightPx: 768 };

/** East/north metres of a point from the pose. */
function offsetM(pose: ImagePose, lat: number, lon: number) {
  return { eastM: (lon - pose.lon) * RAD * R * Math.cos(pose.lat * RAD), northM: (lat - pose.lat) * RAD * R };
}

/** Independent forward model: pixel of a ground point (east/north from the camera) for a nadir camera. */
function nadirPixel(pose: ImagePose, eastM: number, northM: number) {
  const f = pose.widthPx / 2 / Math.tan((pose.hfovDeg / 2) * RAD);
  const h = pose.headingDeg * RAD;
  const right = eastM * Math.cos(h) - northM * Math.sin(h);
  const fwd = eastM * Math.sin(h) + northM * Math.cos(h);
  return { x: pose.widthPx / 2 + (right / pose.altRelM) * f, y: pose.heightPx / 2 - (fwd / pose.altRelM) * f };
}

describe('pixel → ground projection', () => {
  it('puts the image centre of a nadir image straight below the camera', () => {
    const g = projectPixel(base, 512, 384);
    expect(g.outcome).toBe('ground');
    if (g.outcome !== 'ground') return;
    expect(g.lat).toBeCloseTo(base.lat, 9);
    expect(g.lon).toBeCloseTo(base.lon, 9);
    expect(g.groundAmslM).toBe(8);
  });

  it('locates known ground points of nadir images at 100 m within 3 m, for any heading', () => {
    for (const headingDeg of [0, 37, 90, 200, 333]) {
      const pose = { ...base, headingDeg };
      for (const [eastM, northM] of [[10, 20], [-40, 15], [30, -35], [0, 0], [-60, -30]] as const) {
        const px = nadirPixel(pose, eastM, northM);
        const g = projectPixel(pose, px.x, px.y);
        if (g.outcome !== 'ground') throw new Error('no ground');
        const got = offsetM(pose, g.lat, g.lon);
        expect(Math.hypot(got.eastM - eastM, got.northM - northM)).toBeLessThan(0.05);
        // The propagated error of a 100 m nadir image stays near 3 m (±1°, ±2 m, ±1.5 m GPS).
        expect(g.errorM).toBeGreaterThan(2);
        expect(g.errorM).toBeLessThan(4);
      }
    }
  });

  it('puts the top of a nadir image ahead of the drone along its heading', () => {
    const g = projectPixel({ ...base, headingDeg: 90 }, 512, 0);
    if (g.outcome !== 'ground') throw new Error('no ground');
    const o = offsetM(base, g.lat, g.lon);
    expect(o.eastM).toBeCloseTo(100 * Math.tan(Math.atan((384 / 512) * Math.tan(42 * RAD))), 3);
    expect(Math.abs(o.northM)).toBeLessThan(1e-6);
  });

  it('sees the ground at h / tan(|pitch|) ahead at the centre of an oblique image', () => {
    for (const pitch of [-30, -45, -60]) {
      const g = projectPixel({ ...base, gimbalPitchDeg: pitch, headingDeg: 0 }, 512, 384);
      if (g.outcome !== 'ground') throw new Error('no ground');
      const o = offsetM(base, g.lat, g.lon);
      expect(o.northM).toBeCloseTo(100 / Math.tan(-pitch * RAD), 3);
      expect(Math.abs(o.eastM)).toBeLessThan(1e-6);
    }
  });

  it('grows the error with obliquity and refuses pixels above the horizon', () => {
    const steep = projectPixel({ ...base, gimbalPitchDeg: -60 }, 512, 384);
    const shallow = projectPixel({ ...base, gimbalPitchDeg: -20 }, 512, 384);
    if (steep.outcome !== 'ground' || shallow.outcome !== 'ground') throw new Error('no ground');
    expect(shallow.errorM).toBeGreaterThan(steep.errorM * 3);
    expect(projectPixel({ ...base, gimbalPitchDeg: -10 }, 512, 0)).toEqual({ outcome: 'no-ground', reason: 'above-horizon' });
    expect(projectPixel({ ...base, gimbalPitchDeg: 0 }, 512, 384).outcome).toBe('no-ground');
  });

  it('intersects sloping terrain given as a height function', () => {
    // Ground rising 10 % to the north from 8 m AMSL under the camera.
    const terrain = (lat: number) => 8 + 0.1 * (lat - base.lat) * RAD * R;
    const g = projectPixel({ ...base, gimbalPitchDeg: -45 }, 512, 384, { terrainAmslM: terrain });
    if (g.outcome !== 'ground') throw new Error('no ground');
    // Ray: north = t, down = t; ground at 8 + 0.1 t; camera at 108 → 100 − t = 0.1 t → t = 90.9 m.
    expect(offsetM(base, g.lat, g.lon).northM).toBeCloseTo(100 / 1.1, 1);
    expect(g.groundAmslM).toBeCloseTo(8 + 10 / 1.1, 1);
  });

  it('projects a box by its centre when nadir and by its bottom centre when oblique', () => {
    const nadir = projectBox(base, [500, 300, 524, 340]);
    const direct = projectPixel(base, 512, 320);
    expect(nadir).toEqual(direct);
    const pose = { ...base, gimbalPitchDeg: -40 };
    expect(projectBox(pose, [500, 300, 524, 340])).toEqual(projectPixel(pose, 512, 340));
  });
});
