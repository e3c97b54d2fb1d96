import { describe, expect, it } from 'vitest';
import type { SensorView } from '../../../protocol/api.schema.ts';
import { BAND_COLORS } from '../../../protocol/bands.ts';
import {
  countSensors,
  formatDepthCm,
  formatReadingTime,
  reduceSensors,
  sensorBand,
  SENSOR_BAND_COLORS,
  sortWorstFirst,
  type SensorMap,
} from './sensor-state.ts';

function sensor(sn: string, depthMm: number | null, opts: Partial<SensorView> = {}): SensorView {
  return {
    sn,
    name: `测点${sn}`,
    lat: 22.95,
    lon: 113.38,
    regionCode: '440113001',
    regionName: '市桥街道',
    online: true,
    latest: depthMm === null ? null : { seq: 1, ts: '2025-06-01T08:00:00.000Z', depthMm, receivedAt: '2025-06-01T08:00:01.000Z' },
    ...opts,
  };
}

function mapOf(...sensors: SensorView[]): SensorMap {
  return new Map(sensors.map((s) => [s.sn, s]));
}

const reading = (sn: string, depthMm: number, ts: string, seq = 2) =>
  ({ type: 'reading', sn, reading: { seq, ts, depthMm, receivedAt: ts } }) as const;

describe('sensor state', () => {
  it('bands a sensor by its latest depth and marks a sensor without readings as nodata', () => {
    expect(sensorBand(sensor('A', 320))).toBe('restrict');
    expect(sensorBand(sensor('A', 0))).toBe('dry');
    expect(sensorBand(sensor('A', null))).toBe('nodata');
    expect(SENSOR_BAND_COLORS.restrict).toBe(BAND_COLORS.restrict);
  });

  it('applies a newer live reading and brings the sensor online', () => {
    const state = mapOf(sensor('A', 10, { online: false }));
    const next = reduceSensors(state, { type: 'live', messages: [reading('A', 320, '2025-06-01T08:05:00.000Z')] });
    expect(next.get('A')?.latest?.depthMm).toBe(320);
    expect(next.get('A')?.online).toBe(true);
  });

  it('ignores a reading older than the one shown, and readings of unknown sensors', () => {
    const state = mapOf(sensor('A', 10));
    const stale = reduceSensors(state, { type: 'live', messages: [reading('A', 320, '2025-06-01T07:00:00.000Z')] });
    expect(stale).toBe(state);
    const unknown = reduceSensors(state, { type: 'live', messages: [reading('B', 320, '2025-06-01T09:00:00.000Z')] });
    expect(unknown).toBe(state);
  });

  it('applies a batch of live messages in order', () => {
    const state = mapOf(sensor('A', 10), sensor('B', 10));
    const next = reduceSensors(state, {
      type: 'live',
      messages: [
        reading('A', 100, '2025-06-01T08:01:00.000Z'),
        reading('A', 200, '2025-06-01T08:02:00.000Z', 3),
        { type: 'status', sn: 'B', online: false, ts: '2025-06-01T08:02:00.000Z' },
      ],
    });
    expect(next.get('A')?.latest?.depthMm).toBe(200);
    expect(next.get('B')?.online).toBe(false);
  });

  it('keeps a live reading that overtook a snapshot still in flight', () => {
    const live = reduceSensors(mapOf(sensor('A', 10)), { type: 'live', messages: [reading('A', 320, '2025-06-01T08:05:00.000Z')] });
    const next = reduceSensors(live, { type: 'snapshot', sensors: [sensor('A', 10, { name: '新名字' })] });
    expect(next.get('A')?.latest?.depthMm).toBe(320);
    expect(next.get('A')?.name).toBe('新名字');
  });

  it('drops sensors that a new snapshot no longer lists', () => {
    const next = reduceSensors(mapOf(sensor('A', 10), sensor('B', 10)), { type: 'snapshot', sensors: [sensor('B', 10)] });
    expect([...next.keys()]).toEqual(['B']);
  });

  it('sorts worst band first, then deeper water, then online before offline', () => {
    const rows = sortWorstFirst(
      mapOf(
        sensor('dry', 0),
        sensor('nodata', null),
        sensor('close', 450),
        sensor('warn-shallow', 160),
        sensor('warn-deep', 250),
        sensor('warn-deep-offline', 250, { online: false }),
      ),
    );
    expect(rows.map((r) => r.sensor.sn)).toEqual(['close', 'warn-deep', 'warn-deep-offline', 'warn-shallow', 'dry', 'nodata']);
  });

  it('counts all, online and warning-or-worse sensors', () => {
    const rows = sortWorstFirst(mapOf(sensor('A', 0), sensor('B', 150, { online: false }), sensor('C', 500), sensor('D', 60)));
    expect(countSensors(rows)).toEqual({ total: 4, online: 3, warningOrWorse: 2 });
  });

  it('formats depth in centimetres and time in Guangzhou local time', () => {
    expect(formatDepthCm(320)).toBe('32.0 cm');
    expect(formatDepthCm(null)).toBe('—');
    expect(formatReadingTime('2025-06-01T08:00:05.000Z')).toBe('06/01 16:00:05');
    expect(formatReadingTime(undefined)).toBe('—');
  });
});
