/** Unit tests of the department portal's pure helpers: form → request body, China time, live progress. */
import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { CreateTaskBody, type TaskLiveMessage, type TaskView } from '../../../protocol/task.schema.ts';
import { applyTaskLive, buildTaskBody, chinaLocalToIso, initialForm, progressPct, scheduleText } from './task-format.ts';

const AREA: Array<[number, number]> = [
  [113.37, 22.95],
  [113.3715, 22.95],
  [113.3715, 22.9512],
];

describe('buildTaskBody', () => {
  it('builds a body the API schema accepts, with the recurring rule and window', () => {
    const form = { ...initialForm(), title: '河涌巡查', purpose: '检查漂浮物', scheduleKind: 'recurring' as const, windowOn: true };
    const out = buildTaskBody(form, 'polygon', AREA);
    if (!out.ok) throw new Error(out.message);
    expect(Value.Check(CreateTaskBody, out.body)).toBe(true);
    expect(out.body.schedule).toEqual({ kind: 'recurring', cron: '0 9 * * 1-5', window: { start: '08:00', end: '18:00' } });
    expect(out.body.altitudeM).toBe(60);
  });

  it('says in Chinese what is missing', () => {
    expect(buildTaskBody({ ...initialForm(), purpose: '检查' }, 'polygon', AREA)).toMatchObject({ ok: false, message: expect.stringContaining('任务名称') });
    const few = buildTaskBody({ ...initialForm(), title: '巡查', purpose: '检查' }, 'polygon', AREA.slice(0, 2));
    expect(few).toMatchObject({ ok: false, message: expect.stringContaining('至少 3 个点') });
    expect(buildTaskBody({ ...initialForm(), title: '巡查', purpose: '检查' }, 'route', AREA.slice(0, 2)).ok).toBe(true);
  });

  it('reads a once time as China time', () => {
    expect(chinaLocalToIso('2026-11-23T09:30')).toBe('2026-11-23T01:30:00.000Z');
    expect(chinaLocalToIso('tomorrow')).toBeNull();
    const out = buildTaskBody({ ...initialForm(), title: '巡查', purpose: '检查', onceAt: '2026-11-23T09:30' }, 'points', AREA.slice(0, 1));
    expect(out.ok && out.body.schedule).toEqual({ kind: 'once', at: '2026-11-23T01:30:00.000Z' });
    expect(scheduleText({ kind: 'once', at: '2026-11-23T01:30:00.000Z' })).toContain('11/23 09:30');
  });
});

describe('applyTaskLive', () => {
  const task = {
    id: '7',
    status: 'in-progress',
    runs: [{ id: '1', dueAt: '', status: 'in-progress', sorties: [{ id: '3', status: 'sent', progress: { reached: 0, total: 10 } }] }],
  } as unknown as TaskView;
  const msg = (patch: Partial<TaskLiveMessage>): TaskLiveMessage => ({ type: 'task', taskIds: ['7'], sortieId: '3', dockSn: 'DK', status: 'in-progress', reached: 4, total: 10, message: '', ts: '', ...patch });

  it('moves its sortie forward and never back', () => {
    const t = applyTaskLive(task, msg({}));
    expect(t.runs[0]!.sorties[0]).toMatchObject({ status: 'in-progress', progress: { reached: 4, total: 10 } });
    expect(applyTaskLive(t, msg({ reached: 2 })).runs[0]!.sorties[0]!.progress.reached).toBe(4);
    expect(progressPct(t.runs[0]!.sorties[0]!.progress)).toBe(40);
  });

  it('leaves other tasks and sorties alone', () => {
    expect(applyTaskLive(task, msg({ taskIds: ['8'] }))).toBe(task);
    expect(applyTaskLive(task, msg({ sortieId: '99' }))).toBe(task);
  });
});
