/**
 * The life of patrol tasks on a fake clock (the scheduler is ticked by hand; flights are real
 * simulated flights through the hub's ground station): a recurring task runs twice; two
 * departments' overlapping tasks fly as one sortie (一飞多采) that the duty officer pauses and
 * resumes; a sortie cut short by the battery failsafe is continued from where it stopped once
 * the drone has charged.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaView } from '../protocol/media.schema.ts';
import { startSystem, type TestSystem } from './support/system.ts';
import type { DockAgent } from '../edge/dock/dock-agent.ts';
import { startSimDock, until } from './support/sim-dock.ts';
import type { DockView } from '../protocol/dock.schema.ts';
import type { CreateTaskBody, TaskView } from '../protocol/task.schema.ts';

let sys: TestSystem;
let agent: DockAgent;
const tokens: Record<string, string> = {};
const clock = { ms: Date.parse('2026-11-23T08:50:00+08:00'), nowMs() { return this.ms; } };
const setLocal = (local: string) => void (clock.ms = Date.parse(`${local}+08:00`));

async function api<T>(method: 'GET' | 'POST', url: string, as: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await sys.centre.hub.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: res.statusCode, body: res.json() as T };
}

const task = async (id: string, as = 'duty') => (await api<TaskView>('GET', `/api/v1/tasks/${id}`, as)).body;
const submit = async (as: string, body: Partial<CreateTaskBody>) => {
  const r = await api<TaskView>('POST', '/api/v1/tasks', as, { ...AREA, ...body });
  expect(r.status, JSON.stringify(r.body)).toBe(201);
  expect((await api<TaskView>('POST', `/api/v1/tasks/${r.body.id}/decision`, 'duty', { decision: 'approve' })).body.status).toBe('approved');
  return r.body;
};
const tick = () => sys.centre.hub.patrol.jobs.tick();

/** About 150 × 130 m, 400 m north-east of the 市桥 dock. */
const AREA: CreateTaskBody = {
  title: '市桥河段巡查',
  type: 'river-patrol',
  purpose: '检查河涌漂浮物与岸线垃圾',
  geometry: { kind: 'polygon', coordinates: [[113.37, 22.95], [113.3715, 22.95], [113.3715, 22.9512], [113.37, 22.9512]] },
  altitudeM: 60,
  schedule: { kind: 'once' },
  priority: 2,
  models: [],
};

beforeAll(async () => {
  // The scheduler never ticks on its own here (one hour): each test moves the clock and ticks.
  sys = await startSystem({}, { patrol: { clock, tickMs: 3_600_000, watchMs: 300, leaseS: 5, launchRetryS: 1, rechargeS: 1 } });
  agent = await startSimDock(sys, 'DK-SQ-01', { timeScale: 25, ekfReadyAfterS: 1, gcsTimeoutMs: 60_000 }, { camera: true });
  for (const u of ['water', 'chengguan', 'duty']) tokens[u] = await sys.login(u);
  await until('dock ready', async () => {
    const d = (await api<DockView>('GET', '/api/v1/docks/DK-SQ-01', 'duty')).body;
    return d.droneLinked && d.state === 'idle';
  });
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await sys?.stop();
});

describe('patrol task lifecycle', () => {
  it('a recurring task runs twice on the fake clock, each run flown to the end', { timeout: 240_000 }, async () => {
    const t = await submit('water', { title: '每日 09:00 巡查', schedule: { kind: 'recurring', cron: '0 9 * * *', window: { start: '08:00', end: '18:00' } } });
    expect((await task(t.id)).nextRunAt).toBe('2026-11-23T01:00:00.000Z');
    await tick();
    expect((await task(t.id)).runs).toHaveLength(0); // 08:50: not yet
    for (const [day, n] of [['2026-11-23', 1], ['2026-11-24', 2]] as const) {
      setLocal(`${day}T09:00:20`);
      await tick();
      await tick(); // a second tick in the same minute creates nothing more
      const v = await until(`run ${n} done`, async () => {
        const x = await task(t.id);
        // The run is settled first, then its task: wait for both.
        return x.runs.length === n && x.runs[0]!.status === 'done' && x.status === 'approved' ? x : undefined;
      });
      expect(v.runs[0]!.dueAt).toBe(new Date(`${day}T09:00:00+08:00`).toISOString());
      expect(v.runs[0]!.sorties[0]!.progress.reached).toBe(v.runs[0]!.sorties[0]!.progress.total);
      expect(v.status).toBe('approved'); // waiting for the next day
    }
    expect((await task(t.id)).nextRunAt).toBe('2026-11-25T01:00:00.000Z');
  });

  it('two departments\' overlapping tasks fly as one sortie, paused and resumed by the duty officer', { timeout: 180_000 }, async () => {
    const capturesBefore = agent.simulator!.snapshot().cameraCaptures;
    const a = await submit('water', { title: '水务：河涌巡查' });
    const b = await submit('chengguan', { title: '城管：市容巡查', type: 'city-appearance', altitudeM: 65, geometry: { kind: 'polygon', coordinates: [[113.3705, 22.9505], [113.372, 22.9505], [113.372, 22.9515], [113.3705, 22.9515]] } });
    await tick();
    const flying = await until('the shared sortie in flight', async () => {
      const x = await task(a.id, 'water');
      const s = x.runs[0]?.sorties[0];
      return s?.status === 'in-progress' && s.progress.reached >= 4 ? x : undefined;
    });
    const shared = flying.runs[0]!.sorties[0]!;
    expect(shared.taskIds).toEqual([b.id]);
    const theirs = await task(b.id, 'chengguan');
    expect(theirs.runs[0]!.sorties.map((s) => s.id)).toEqual([shared.id]);
    expect(theirs.runs[0]!.sorties[0]!.taskIds).toEqual([a.id]);
    expect(flying.notes.join('\n')).toContain('一飞多采');
    // Each department still sees only its own task.
    expect((await api('GET', `/api/v1/tasks/${b.id}`, 'water')).status).toBe(403);

    const paused = await api<TaskView>('POST', `/api/v1/tasks/${a.id}/control`, 'duty', { action: 'pause' });
    expect(paused.status).toBe(200);
    expect(paused.body.runs[0]!.sorties[0]!.status).toBe('paused');
    expect(paused.body.status).toBe('paused');
    await until('the drone holding', () => agent.simulator!.snapshot().mode === 'LOITER');
    await new Promise((r) => setTimeout(r, 1000)); // telemetry catches up with the hold
    const heldAt = (await task(a.id)).runs[0]!.sorties[0]!.progress.reached;
    await new Promise((r) => setTimeout(r, 2000));
    expect((await task(a.id)).runs[0]!.sorties[0]!.progress.reached).toBe(heldAt);
    const resumed = await api<TaskView>('POST', `/api/v1/tasks/${a.id}/control`, 'duty', { action: 'resume' });
    expect(resumed.body.runs[0]!.sorties[0]!.status).toBe('in-progress');
    const done = await until('both done', async () => {
      const [x, y] = [await task(a.id), await task(b.id)];
      return x.status === 'done' && y.status === 'done' ? x : undefined;
    });
    expect(done.runs[0]!.sorties).toHaveLength(1);
    // Each department sees the images of its own task: one image may serve both (their areas overlap).
    const sortieMedia = await until('the shared sortie\'s images stored and filed', async () => {
      const all = (await api<{ items: MediaView[] }>('GET', `/api/v1/media?sortieId=${shared.id}&limit=500`, 'duty')).body.items;
      return all.length === agent.simulator!.snapshot().cameraCaptures - capturesBefore && all.every((m) => m.taskIds.length > 0) ? all : undefined;
    });
    const mine = (await api<{ items: MediaView[] }>('GET', `/api/v1/media?sortieId=${shared.id}&limit=500`, 'water')).body.items;
    const theirs2 = (await api<{ items: MediaView[] }>('GET', `/api/v1/media?sortieId=${shared.id}&limit=500`, 'chengguan')).body.items;
    expect(mine.length).toBeGreaterThan(0);
    expect(theirs2.length).toBeGreaterThan(0);
    expect(mine.every((m) => m.taskIds.includes(Number(a.id)))).toBe(true);
    expect(theirs2.every((m) => m.taskIds.includes(Number(b.id)))).toBe(true);
    expect(mine.length).toBe(sortieMedia.filter((m) => m.taskIds.includes(Number(a.id))).length);
    expect(theirs2.length).toBe(sortieMedia.filter((m) => m.taskIds.includes(Number(b.id))).length);
    expect(sortieMedia.some((m) => m.taskIds.length === 2)).toBe(true);
  });

  it('a sortie cut short by the battery failsafe continues from where it stopped after charging', { timeout: 240_000 }, async () => {
    setLocal('2026-11-25T10:00:00');
    agent.simulator!.charge(100); // a full battery in the dock after the earlier flights
    const t = await submit('water', { title: '低电量续飞' });
    await tick();
    const first = await until('a few waypoints flown', async () => {
      const x = await task(t.id);
      const s = x.runs[0]?.sorties[0];
      return s && s.status === 'in-progress' && s.progress.reached >= 4 ? s : undefined;
    });
    agent.simulator!.drainTo(14); // below the 15 % low-battery failsafe: RTL
    const cut = await until('the first sortie partially done and a continuation queued', async () => {
      const x = await task(t.id);
      return x.runs[0]!.sorties.length === 2 && x.runs[0]!.sorties[0]!.status === 'partially-done' ? x : undefined;
    });
    const [interrupted, next] = cut.runs[0]!.sorties as [NonNullable<TaskView['runs'][0]['sorties'][0]>, NonNullable<TaskView['runs'][0]['sorties'][0]>];
    expect(interrupted.reason).toMatch(/中断/);
    expect(interrupted.progress.reached).toBeGreaterThanOrEqual(first.progress.reached);
    expect(interrupted.progress.reached).toBeLessThan(interrupted.progress.total);
    // The continuation flies only what was left (plus its take-off).
    expect(next.progress.total).toBeLessThan(interrupted.progress.total);
    const done = await until(
      'the continuation done',
      async () => {
        const x = await task(t.id);
        return x.status === 'done' ? x : undefined;
      },
      180_000,
    );
    expect(done.runs[0]!.status).toBe('done');
    // The continuation may itself be cut short by the next low-battery failsafe: each link of the
    // chain flies less than the one before, and the last one finishes.
    const chain = done.runs[0]!.sorties;
    expect(chain.at(-1)!.status).toBe('done');
    for (let i = 1; i < chain.length; i++) {
      expect(chain[i - 1]!.status).toBe('partially-done');
      expect(chain[i]!.progress.total).toBeLessThan(chain[i - 1]!.progress.total);
    }
  });
});
