/**
 * Patrol tasks end to end over real parts: the whole centre (embedded PostgreSQL, aedes, hub with
 * its ground station, pg-boss jobs) and two dock agents with simulated drones. A department
 * submits an area; the duty officer approves; the planner picks the nearest capable dock and
 * the sortie flies the coverage mission to landing; progress reaches the department. Requests
 * that can never be flown are refused with the planner's reason; departments see only their own.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MediaView } from '../protocol/media.schema.ts';
import { startSystem, type TestSystem } from './support/system.ts';
import type { DockAgent } from '../edge/dock/dock-agent.ts';
import { startSimDock, until } from './support/sim-dock.ts';
import type { DockView } from '../protocol/dock.schema.ts';
import type { CreateTaskBody, TaskView } from '../protocol/task.schema.ts';

let sys: TestSystem;
const agents: DockAgent[] = [];
const tokens: Record<string, string> = {};
const SIM = { timeScale: 25, ekfReadyAfterS: 1, gcsTimeoutMs: 60_000 };

async function api<T>(method: 'GET' | 'POST', url: string, as: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const res = await sys.centre.hub.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[as]}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: res.statusCode, body: res.json() as T };
}

/** An area of about 150 × 130 m, 400 m north-east of the 市桥 dock. */
const AREA: CreateTaskBody = {
  title: '市桥河段巡查',
  type: 'river-patrol',
  purpose: '检查河涌漂浮物与岸线垃圾',
  geometry: { kind: 'polygon', coordinates: [[113.37, 22.95], [113.3715, 22.95], [113.3715, 22.9512], [113.37, 22.9512]] },
  altitudeM: 60,
  schedule: { kind: 'once' },
  priority: 2,
  models: ['ppocr-v4-det'],
};

beforeAll(async () => {
  sys = await startSystem({}, { patrol: { tickMs: 300, watchMs: 300, leaseS: 5, launchRetryS: 1, rechargeS: 1, reconcileMs: 500 } });
  // The 市桥 dock's drone has the simulated camera (it renders the district at each trigger).
  agents.push(await startSimDock(sys, 'DK-SQ-01', SIM, { camera: true }));
  agents.push(await startSimDock(sys, 'DK-DH-01', SIM));
  for (const u of ['water', 'chengguan', 'duty', 'grid']) tokens[u] = await sys.login(u);
  await until('docks ready and drones linked', async () => {
    const docks = (await api<DockView[]>('GET', '/api/v1/docks', 'duty')).body.filter((d) => d.sn === 'DK-SQ-01' || d.sn === 'DK-DH-01');
    return docks.length === 2 && docks.every((d) => d.droneLinked && d.state === 'idle' && d.online);
  });
}, 120_000);

afterAll(async () => {
  for (const a of agents) await a.stop();
  await sys?.stop();
});

describe('patrol tasks', () => {
  it('refuses requests that can never be flown, each with its reason', async () => {
    const cases: Array<[Partial<CreateTaskBody>, string]> = [
      [{ geometry: { kind: 'polygon', coordinates: [[113.37, 22.95], [113.372, 22.952], [113.372, 22.95], [113.37, 22.952]] } }, 'POLYGON_SELF_INTERSECTS'],
      [{ altitudeM: 300 }, 'ALTITUDE_ABOVE_LIMIT'],
      // A route ending inside the Guangzhou South railway hub: no way around that.
      [{ geometry: { kind: 'route', coordinates: [[113.28, 22.99], [113.2694, 22.9886]] } }, 'POINT_IN_KEEP_OUT'],
      [{ schedule: { kind: 'recurring', cron: 'every day please' } }, 'SCHEDULE_BAD_CRON'],
    ];
    for (const [patch, code] of cases) {
      const r = await api<{ code: string; message: string }>('POST', '/api/v1/tasks', 'water', { ...AREA, ...patch });
      expect(r.status, code).toBe(400);
      expect(r.body.code).toBe(code);
      expect(r.body.message).toMatch(/[\u4e00-\u9fa5]/);
    }
    const unknown = await api<{ code: string }>('POST', '/api/v1/tasks', 'water', { ...AREA, colour: 'red' });
    expect(unknown.status).toBe(400);
    const notAllowed = await api<{ code: string }>('POST', '/api/v1/tasks', 'grid', AREA);
    expect(notAllowed.status).toBe(403);
  });

  it('a rejected task carries the reason; another department cannot see it', async () => {
    const t = (await api<TaskView>('POST', '/api/v1/tasks', 'water', { ...AREA, title: '待驳回的任务' })).body;
    expect(t.status).toBe('submitted');
    const noReason = await api<{ code: string }>('POST', `/api/v1/tasks/${t.id}/decision`, 'duty', { decision: 'reject' });
    expect(noReason.status).toBe(400);
    const r = await api<TaskView>('POST', `/api/v1/tasks/${t.id}/decision`, 'duty', { decision: 'reject', reason: '与已有任务重复' });
    expect(r.body.status).toBe('rejected');
    expect(r.body.rejectReason).toBe('与已有任务重复');
    expect((await api<{ code: string }>('POST', `/api/v1/tasks/${t.id}/decision`, 'duty', { decision: 'approve' })).body.code).toBe('TASK_NOT_PENDING');
    expect((await api('GET', `/api/v1/tasks/${t.id}`, 'chengguan')).status).toBe(403);
    expect((await api<TaskView[]>('GET', '/api/v1/tasks', 'chengguan')).body.some((x) => x.id === t.id)).toBe(false);
    expect((await api<TaskView[]>('GET', '/api/v1/tasks', 'water')).body.some((x) => x.id === t.id)).toBe(true);
  });

  it('an approved area task is planned on the nearest capable dock, flown to the end, and its photos filed under it', { timeout: 180_000 }, async () => {
    const capturesBefore = agents[0]!.simulator!.snapshot().cameraCaptures;
    const t = (await api<TaskView>('POST', '/api/v1/tasks', 'water', AREA)).body;
    const approved = await api<TaskView>('POST', `/api/v1/tasks/${t.id}/decision`, 'duty', { decision: 'approve' });
    expect(approved.body.status).toBe('approved');
    const flying = await until('the sortie in flight', async () => {
      const v = (await api<TaskView>('GET', `/api/v1/tasks/${t.id}`, 'water')).body;
      return v.runs[0]?.sorties[0]?.status === 'in-progress' && v.status === 'in-progress' ? v : undefined;
    });
    const sortie = flying.runs[0]!.sorties[0]!;
    expect(sortie.dockSn).toBe('DK-SQ-01');
    expect(flying.status).toBe('in-progress');
    expect(sortie.path.every(([, , alt]) => alt <= 120)).toBe(true);
    expect(flying.notes.join('\n')).toContain('DK-SQ-01');
    const done = await until(
      'the task done',
      async () => {
        const v = (await api<TaskView>('GET', `/api/v1/tasks/${t.id}`, 'water')).body;
        return v.status === 'done' ? v : undefined;
      },
      150_000,
    );
    const s = done.runs[0]!.sorties[0]!;
    expect(s.status).toBe('done');
    expect(s.progress.reached).toBe(s.progress.total);
    expect(s.endedAt).not.toBeNull();
    // Every photo the drone took reaches the hub, filed under the task, with its pose.
    const taken = agents[0]!.simulator!.snapshot().cameraCaptures - capturesBefore;
    expect(taken).toBeGreaterThanOrEqual(10);
    const media = await until(
      'every photo filed under the task',
      async () => {
        const m = (await api<{ items: MediaView[] }>('GET', `/api/v1/media?taskId=${t.id}&limit=500`, 'water')).body.items;
        return m.length === taken ? m : undefined;
      },
      60_000,
    );
    for (const m of media) {
      expect(m.sortieId).toBe(Number(s.id));
      expect(m.taskIds).toEqual([Number(t.id)]);
      expect(m.pose.altRelM).toBeGreaterThan(50);
      expect(m.pose.altRelM).toBeLessThanOrEqual(61);
      expect(m.pose.lat).toBeGreaterThan(22.949);
      expect(m.pose.lat).toBeLessThan(22.9522);
      expect(m.pose.lon).toBeGreaterThan(113.369);
      expect(m.pose.lon).toBeLessThan(113.3725);
    }
    expect((await api<TaskView>('GET', `/api/v1/tasks/${t.id}`, 'water')).body.mediaCount).toBe(taken);
    // Another department sees none of them.
    expect((await api<{ items: MediaView[] }>('GET', `/api/v1/media?taskId=${t.id}`, 'chengguan')).body.items).toEqual([]);
    expect((await api('GET', `/api/v1/media/${media[0]!.id}`, 'chengguan')).status).toBe(404);
    // An image stored but never filed (the hub stopped in between) is filed by the next pass.
    await sys.centre.pool.query('DELETE FROM media_task WHERE media_id = $1', [media[0]!.id]);
    expect((await api<{ items: MediaView[] }>('GET', `/api/v1/media?taskId=${t.id}&limit=500`, 'water')).body.items).toHaveLength(taken - 1);
    await until('the unfiled image filed again', async () => (await api<{ items: MediaView[] }>('GET', `/api/v1/media?taskId=${t.id}&limit=500`, 'water')).body.items.length === taken, 30_000);
  });
});
