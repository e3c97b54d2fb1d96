import { describe, expect, it } from 'vitest';
import { common, minimal } from 'node-mavlink';
import { SequenceQuality, TelemetryNormaliser } from './telemetry.normaliser.ts';

describe('telemetry normaliser', () => {
  it('turns ArduPilot messages into SI units, degrees and mode names', () => {
    const n = new TelemetryNormaliser(7);
    const hb = Object.assign(new minimal.Heartbeat(), { baseMode: 1 | 128, customMode: 6, systemStatus: 4 });
    const pos = Object.assign(new common.GlobalPositionInt(), { lat: 229450000, lon: 1133650000, alt: 68_500, relativeAlt: 60_000, vx: 300, vy: 400, vz: -150, hdg: 9000 });
    const bat = Object.assign(new common.SysStatus(), { batteryRemaining: 73, voltageBattery: 24_100 });
    expect(n.apply(hb, 0)).toBe(false);
    n.apply(bat, 0);
    expect(n.apply(pos, Date.parse('2026-11-22T00:00:00Z'))).toBe(true);
    expect(n.snapshot()).toMatchObject({ sysId: 7, armed: true, mode: 'RTL', systemStatus: 'ACTIVE', lat: 22.945, lon: 113.365, altAmslM: 68.5, altRelM: 60, groundSpeedMps: 5, climbMps: 1.5, headingDeg: 90, batteryPct: 73, voltageV: 24.1, ts: '2026-11-22T00:00:00.000Z' });
  });

  it('counts sequence gaps as lost packets, and a sender restart as none', () => {
    const q = new SequenceQuality();
    let v = 1;
    for (let s = 0; s < 400; s++) v = q.observe(s & 0xff);
    expect(v).toBeCloseTo(1, 5);
    for (let s = 0; s < 600; s += 2) v = q.observe(s & 0xff); // every other packet lost
    expect(v).toBeLessThan(0.6);
    expect(v).toBeGreaterThan(0.4);
    const r = new SequenceQuality();
    r.observe(200);
    expect(r.observe(100)).toBe(1);
  });
});
