import { describe, expect, it } from 'vitest';
import type { DockView } from '../../../protocol/dock.schema.ts';
import type { VehicleTelemetry } from '../../../protocol/vehicle.schema.ts';
import { availableCommands, emptyOpsState, opsReducer, TRAIL_MAX_POINTS } from './ops-state.ts';

const telemetry = (patch: Partial<VehicleTelemetry> = {}): VehicleTelemetry => ({
  sysId: 11,
  ts: '2026-06-01T08:00:00.000Z',
  armed: false,
  mode: 'STABILIZE',
  systemStatus: 'STANDBY',
  lat: 22.95,
  lon: 113.38,
  altAmslM: 12,
  altRelM: 0,
  headingDeg: 0,
  groundSpeedMps: 0,
  climbMps: 0,
  rollDeg: 0,
  pitchDeg: 0,
  batteryPct: 100,
  voltageV: 25.2,
  linkQualityPct: 100,
  ...patch,
});

const dock = (patch: Partial<DockView> = {}): DockView => ({
  sn: 'DK-SQ-01',
  name: '市桥机库',
  lat: 22.95,
  lon: 113.38,
  regionCode: '440113001',
  regionName: '市桥街道',
  online: true,
  coverageRadiusM: 7000,
  droneSysId: 11,
  state: 'idle',
  weather: null,
  alarms: [],
  drone: telemetry(),
  droneLinked: true,
  ...patch,
});

const listed = () => opsReducer(emptyOpsState(), { type: 'list', docks: [dock()], nowMs: 0 });

describe('operator console state', () => {
  it('trails a flying drone and starts a fresh trail at take-off', () => {
    let s = listed();
    s = opsReducer(s, { type: 'live', nowMs: 1, message: { type: 'vehicle', dockSn: 'DK-SQ-01', telemetry: telemetry() } });
    expect(s.trails['DK-SQ-01']).toEqual([]);
    for (let i = 0; i < 3; i++) {
      s = opsReducer(s, { type: 'live', nowMs: 2 + i, message: { type: 'vehicle', dockSn: 'DK-SQ-01', telemetry: telemetry({ armed: true, altRelM: 10 + i, altAmslM: 22 + i, lat: 22.95 + i * 0.001 }) } });
    }
    expect(s.trails['DK-SQ-01']).toHaveLength(3);
    expect(s.trails['DK-SQ-01']![2]).toEqual({ lat: expect.closeTo(22.952, 9), lon: 113.38, altM: 24 });
    expect(s.docks['DK-SQ-01']!.drone!.altRelM).toBe(12);
    expect(s.lastHeartbeatMs['DK-SQ-01']).toBe(4);
    s = opsReducer(s, { type: 'live', nowMs: 5, message: { type: 'flight', event: 'started', flight: { dockSn: 'DK-SQ-01' } as never } });
    expect(s.trails['DK-SQ-01']).toEqual([]);
  });

  it('keeps at most the trail limit', () => {
    let s = listed();
    for (let i = 0; i < TRAIL_MAX_POINTS + 10; i++) {
      s = opsReducer(s, { type: 'live', nowMs: i, message: { type: 'vehicle', dockSn: 'DK-SQ-01', telemetry: telemetry({ armed: true, altRelM: 30, lat: 22.9 + i * 1e-5 }) } });
    }
    expect(s.trails['DK-SQ-01']).toHaveLength(TRAIL_MAX_POINTS);
  });

  it('replaces the health alarms and holds link-lost until link-restored', () => {
    let s = listed();
    const alarm = { code: 'dock.wind-over-limit', level: 'warning' as const, message: '风速超限', since: '2026-06-01T08:00:00Z' };
    s = opsReducer(s, { type: 'live', nowMs: 1, message: { type: 'dock-alarms', sn: 'DK-SQ-01', alarms: [alarm], ts: '' } });
    expect(s.docks['DK-SQ-01']!.alarms).toEqual([alarm]);
    s = opsReducer(s, { type: 'live', nowMs: 2, message: { type: 'dock-alarms', sn: 'DK-SQ-01', alarms: [], ts: '' } });
    expect(s.docks['DK-SQ-01']!.alarms).toEqual([]);
    s = opsReducer(s, { type: 'live', nowMs: 3, message: { type: 'vehicle-alarm', dockSn: 'DK-SQ-01', alarm: { sysId: 11, kind: 'link-lost', level: 'critical', message: '链路中断', ts: '' } } });
    expect(s.linkLost['DK-SQ-01']).toBe(true);
    s = opsReducer(s, { type: 'live', nowMs: 4, message: { type: 'vehicle-alarm', dockSn: 'DK-SQ-01', alarm: { sysId: 11, kind: 'status-text', level: 'info', message: 'x', ts: '' } } });
    expect(s.linkLost['DK-SQ-01']).toBe(true);
    s = opsReducer(s, { type: 'live', nowMs: 5, message: { type: 'vehicle-alarm', dockSn: 'DK-SQ-01', alarm: { sysId: 11, kind: 'link-restored', level: 'info', message: '链路恢复', ts: '' } } });
    expect(s.linkLost['DK-SQ-01']).toBe(false);
  });

  it('offers launch only on the ground and flight commands only in the air', () => {
    expect(availableCommands(dock(), false)).toMatchObject({ launch: true, goTo: false, hold: false, returnToDock: false, emergencyStop: false });
    const flying = dock({ state: 'in-flight', drone: telemetry({ armed: true, mode: 'GUIDED', altRelM: 60 }) });
    expect(availableCommands(flying, false)).toMatchObject({ launch: false, goTo: true, hold: true, resume: false, returnToDock: true, land: true, emergencyStop: true });
    const held = dock({ state: 'in-flight', drone: telemetry({ armed: true, mode: 'LOITER', altRelM: 60 }) });
    expect(availableCommands(held, false)).toMatchObject({ hold: false, resume: true });
    expect(availableCommands(flying, true)).toMatchObject({ goTo: false, returnToDock: false, emergencyStop: true });
    expect(availableCommands(dock({ online: false }), false).launch).toBe(false);
  });
});
