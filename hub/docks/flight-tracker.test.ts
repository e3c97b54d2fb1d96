import { describe, expect, it } from 'vitest';
import type { VehicleTelemetry } from '../../protocol/vehicle.schema.ts';
import { FlightTracker } from './flight-tracker.ts';

const base: VehicleTelemetry = { sysId: 4, ts: '', armed: false, mode: 'GUIDED', systemStatus: 'STANDBY', lat: 22.945, lon: 113.365, altAmslM: 10, altRelM: 0, headingDeg: 0, groundSpeedMps: 0, climbMps: 0, rollDeg: 0, pitchDeg: 0, batteryPct: 100, voltageV: 25, linkQualityPct: 100 };
const at = (s: number) => new Date(Date.UTC(2026, 10, 22, 1, 0, s)).toISOString();

describe('flight tracker', () => {
  it('records take-off to landing with distance, height, battery and track', () => {
    const ft = new FlightTracker();
    expect(ft.observe({ ...base, ts: at(0) })).toBeUndefined();
    expect(ft.observe({ ...base, ts: at(1), armed: true, altRelM: 0.4 })).toBeUndefined();
    expect(ft.observe({ ...base, ts: at(2), armed: true, altRelM: 3, batteryPct: 99 })).toMatchObject({ type: 'takeoff', batteryPct: 99 });
    // 1 km north and back, 10 m per second
    for (let s = 0; s <= 100; s++) ft.observe({ ...base, ts: at(3 + s), armed: true, altRelM: 60, lat: 22.945 + (s / 100) * 0.008993, batteryPct: 99 - s * 0.05 });
    for (let s = 0; s <= 100; s++) ft.observe({ ...base, ts: at(104 + s), armed: true, altRelM: 60, lat: 22.945 + 0.008993 - (s / 100) * 0.008993, batteryPct: 94 - s * 0.05 });
    expect(ft.inFlight(4)).toBe(true);
    const end = ft.observe({ ...base, ts: at(210), armed: false, altRelM: 0.1, batteryPct: 88 });
    expect(end).toMatchObject({ type: 'landed', batteryPct: 88, maxAltRelM: 60 });
    if (end?.type !== 'landed') throw new Error('no landing');
    expect(end.distanceM).toBeGreaterThan(1990);
    expect(end.distanceM).toBeLessThan(2020);
    expect(end.track.length).toBeGreaterThan(50);
    expect(ft.inFlight(4)).toBe(false);
  });

  it('ends a flight armed on the ground after 10 s', () => {
    const ft = new FlightTracker();
    ft.observe({ ...base, ts: at(0), armed: true, altRelM: 5 });
    expect(ft.observe({ ...base, ts: at(5), armed: true, altRelM: 0 })).toBeUndefined();
    expect(ft.observe({ ...base, ts: at(16), armed: true, altRelM: 0 })).toMatchObject({ type: 'landed' });
  });
});
