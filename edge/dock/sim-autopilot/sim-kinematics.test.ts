import { describe, expect, it } from 'vitest';
import { DEFAULT_AIRFRAME, stepKinematics, type KinematicState } from './sim-kinematics.ts';
import { distanceM, moveNe } from './geo.ts';

const home = { lat: 22.945, lon: 113.365 };
const still: KinematicState = { ...home, altRelM: 0, northMps: 0, eastMps: 0, upMps: 0, headingDeg: 0, batteryPct: 100 };

function fly(s: KinematicState, t: Parameters<typeof stepKinematics>[1], seconds: number, p = DEFAULT_AIRFRAME): KinematicState {
  for (let i = 0; i < seconds * 10; i++) s = stepKinematics(s, t, 0.1, p);
  return s;
}

describe('simulated kinematics', () => {
  it('climbs at the climb rate to the target height and stays there', () => {
    const s = fly(still, { horizontal: null, altRelM: 60 }, 10);
    expect(s.altRelM).toBeCloseTo(30, 0);
    expect(fly(s, { horizontal: null, altRelM: 60 }, 60).altRelM).toBeCloseTo(60, 1);
  });

  it('flies 2 km at cruise speed and ends within a few metres of the target despite the wind', () => {
    const target = moveNe(home, 1200, 1600);
    const up = fly(still, { horizontal: null, altRelM: 60 }, 30);
    const mid = fly(up, { horizontal: target, altRelM: 60 }, 60);
    expect(distanceM(mid, home)).toBeGreaterThan(800);
    const end = fly(mid, { horizontal: target, altRelM: 60 }, 200);
    expect(distanceM(end, target)).toBeLessThan(5);
    expect(end.batteryPct).toBeLessThan(100);
  });

  it('does not drain the battery or drift on the ground', () => {
    const s = fly(still, { horizontal: moveNe(home, 100, 0), altRelM: 0 }, 30);
    expect(s.batteryPct).toBe(100);
    expect(distanceM(s, home)).toBe(0);
  });
});
