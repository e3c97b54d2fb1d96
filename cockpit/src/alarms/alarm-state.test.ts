import { describe, expect, it } from 'vitest';
import type { AlarmView, RainModeView } from '../../../protocol/sensing.schema.ts';
import { applyAlarm, applyAlarmSnapshot, rainBannerText, sortAlarms } from './alarm-state.ts';

function alarm(id: number, patch: Partial<AlarmView> = {}): AlarmView {
  return {
    id,
    sourceSn: 'WL-001-01',
    kind: 'depth',
    level: 2,
    state: 'active',
    title: '积水预警',
    regionCode: '440113007',
    lat: 22.9,
    lon: 113.3,
    raisedAt: '2026-06-01T08:00:00Z',
    updatedAt: '2026-06-01T08:00:00Z',
    ackedAt: null,
    ackedBy: null,
    clearedAt: null,
    assignee: null,
    details: {},
    eventId: null,
    ...patch,
  };
}

function town(code: string, name: string, patch: Partial<RainModeView> = {}): RainModeView {
  return { regionCode: code, regionName: name, active: false, source: 'signal', signal: 'none', changedAt: null, rain3hMm: 0, ...patch };
}

describe('alarm state', () => {
  it('lists unacknowledged alarms first, then by level, then newest', () => {
    const state = applyAlarmSnapshot(new Map(), [
      alarm(1, { level: 4, state: 'acknowledged' }),
      alarm(2, { level: 2 }),
      alarm(3, { level: 3 }),
      alarm(4, { level: 3, raisedAt: '2026-06-01T09:00:00Z' }),
    ]);
    expect(sortAlarms(state).map((a) => a.id)).toEqual([4, 3, 2, 1]);
  });

  it('drops cleared alarms and ignores updates older than the one it holds', () => {
    let state = applyAlarm(new Map(), alarm(1, { updatedAt: '2026-06-01T08:05:00Z', state: 'acknowledged' }));
    state = applyAlarm(state, alarm(1, { updatedAt: '2026-06-01T08:01:00Z' }));
    expect(state.get(1)?.state).toBe('acknowledged');
    state = applyAlarm(state, alarm(1, { updatedAt: '2026-06-01T08:10:00Z', state: 'cleared' }));
    expect(state.size).toBe(0);
  });

  it('writes the rain banner with the first town, the count and the worst signal', () => {
    const none = new Map([['1', town('1', '市桥街道')]]);
    expect(rainBannerText(none)).toBeNull();
    const modes = new Map([
      ['1', town('1', '市桥街道', { active: true, signal: 'orange' })],
      ['2', town('2', '大石街道', { active: true, signal: 'red' })],
      ['3', town('3', '南村镇', { active: true, source: 'manual' })],
    ]);
    expect(rainBannerText(modes)).toBe('雨天模式 · 市桥街道 等 3 个镇街 · 暴雨红色预警');
  });
});
