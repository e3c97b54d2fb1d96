import { describe, expect, it } from 'vitest';
import { AUTOPILOT_TUNING, DEFAULT_AIRFRAME } from '../../protocol/airframe.ts';
import { approachTimeS, estimateSortie, landingTimeS, legTimeS, takeoffTimeS } from './estimate.ts';

describe('flight-time estimate', () => {
  it('flies long legs at the speed limit and slows into the acceptance radius', () => {
    const v = DEFAULT_AIRFRAME.cruiseMps;
    const slowFromM = v / AUTOPILOT_TUNING.positionGainPerS; // 30 m at 15 m/s
    const tail = Math.log(slowFromM / AUTOPILOT_TUNING.waypointRadiusM) / AUTOPILOT_TUNING.positionGainPerS;
    expect(legTimeS(1000 + slowFromM, 0, v)).toBeCloseTo(1000 / v + tail, 9);
    expect(legTimeS(1, 0, v)).toBe(0);
    expect(approachTimeS(10, v, 0.5, 2)).toBeCloseTo(Math.log(5) / 0.5, 9);
  });

  it('climbs at the climb rate, descends to 10 m at the descent rate and lands at the landing rate', () => {
    expect(takeoffTimeS(60)).toBeCloseTo((60 - 3) / 3 + Math.log(3 / 0.5), 9);
    expect(landingTimeS(60)).toBeCloseTo(50 / DEFAULT_AIRFRAME.descentMps + 10 / DEFAULT_AIRFRAME.landMps, 9);
    expect(legTimeS(0, 40, 15)).toBeGreaterThan(legTimeS(0, 10, 15));
  });

  it('drains the battery with time and distance, and a longer sortie costs more', () => {
    const home = { x: 0, y: 0 };
    const short = estimateSortie(home, [{ xy: { x: 500, y: 0 }, altRelM: 60 }, { xy: home, altRelM: 60 }]);
    const long = estimateSortie(home, [{ xy: { x: 2000, y: 0 }, altRelM: 60 }, { xy: home, altRelM: 60 }]);
    expect(short.lengthM).toBeCloseTo(1000, 6);
    expect(long.durationS - short.durationS).toBeCloseTo(3000 / DEFAULT_AIRFRAME.cruiseMps, 6);
    expect(long.batteryPct).toBeGreaterThan(short.batteryPct);
    // The simulator drains (hover + k·(ground speed + wind)) per second: at cruise about 0.057 %/s.
    const perS = DEFAULT_AIRFRAME.hoverDrainPctPerS + DEFAULT_AIRFRAME.drainPerMpsPctPerS * (DEFAULT_AIRFRAME.cruiseMps + DEFAULT_AIRFRAME.windMps);
    expect((long.batteryPct - short.batteryPct) / (long.durationS - short.durationS)).toBeCloseTo(perS, 6);
    expect(estimateSortie(home, [], 15)).toEqual({ durationS: 0, batteryPct: 0, lengthM: 0 });
  });
});
