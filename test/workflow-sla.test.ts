import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FastifyInstance } from 'fastify';
import { silentLogger } from '../common/logger.ts';
import { createRegistry } from '../common/metrics.ts';
import { buildApp } from '../hub/app.ts';
import { LiveBus } from '../hub/live/live-bus.ts';
import { seed } from '../hub/seed/seed.ts';
import { createHubServices, type HubServices } from '../hub/services/index.ts';
import { startWorkflowJobs } from '../hub/workflow/workflow-jobs.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';

const log = silentLogger();
let db: TestDatabase;
let dir: string;
const clock = { ms: Date.parse('2026-09-22T10:00:00+08:00'), nowMs() { return this.ms; } };
const setLocal = (local: string) => { clock.ms = Date.parse(`${local}+08:00`); };
const local = (isoUtc: string) => new Date(Date.parse(isoUtc) + 8 * 3_600_000).toISOString().slice(0, 16);

/** One hub node on the test database: services with the fake clock, the app, the job (ticked by hand). */
async function startNode(): Promise<{ services: HubServices; app: FastifyInstance; tick: () => Promise<{ timers: number }>; close: () => Promise<void> }> {
  const services = createHubServices(db.pool, log, { clock });
  const app = await buildApp({ pool: db.pool, services, live: new LiveBus(), log, registry: createRegistry(), jwtSecret: 'x'.repeat(40), jwtTtlS: 3600 });
  const jobs = startWorkflowJobs(services.workflow, log, 3_600_000);
  return { services, app, tick: jobs.tick, close: async () => { await jobs.stop(); await app.close(); } };
}

async function as(app: FastifyInstance, username: string) {
  const res = await app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'sla-pass' } });
  const token = res.json().token as string;
  return async (method: 'GET' | 'POST', url: string, payload?: object) => {
    const r = await app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload ? { payload } : {}) });
    return r.json();
  };
}

beforeAll(async () => {
  db = await createTestDatabase();
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-sla-'));
  await seed(createHubServices(db.pool, log, { clock }), { demoPassword: 'sla-pass', credentialsFile: path.join(dir, 'cred.json'), log });
});
afterAll(async () => {
  await db?.drop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('time limits on the working-day calendar with durable timers', () => {
  it('supervises at 80 %, escalates at expiry and at each further breach, across a weekend and the Mid-Autumn holiday, after a hub restart', async () => {
    let node = await startNode();
    const duty = await as(node.app, 'duty');
    const ev = await duty('POST', '/api/v1/events', { type: 'road_damage', severity: 1, title: '德兴路 路面坑槽', lat: 22.945, lon: 113.37353 });
    const id = ev.ticketId as number;
    await duty('POST', `/api/v1/tickets/${id}/accept`, { version: 1 });
    await duty('POST', `/api/v1/tickets/${id}/register`, { version: 2 });
    const members = (await duty('GET', '/api/v1/org/units/grid:44011300700301')).members as Array<{ userId: number; username: string }>;
    const t = await duty('POST', `/api/v1/tickets/${id}/dispatch`, { version: 3, toUnit: 'grid:44011300700301', toUserId: members.find((m) => m.username === 'grid')!.userId });
    // Default policy: 5 working days from Tue 22 Sep 10:00; Fri 25–Sun 27 are the Mid-Autumn holiday.
    expect(t.ownerUnits).toEqual(['dept:housing', 'town:440113007']);
    expect(local(t.dueAt)).toBe('2026-09-30T10:00');
    expect(local(t.warnAt)).toBe('2026-09-29T10:00');

    setLocal('2026-09-29T09:59');
    expect((await node.tick()).timers).toBe(0);

    // The hub restarts; the new node finds the stored timers.
    await node.close();
    node = await startNode();
    setLocal('2026-09-29T10:01');
    expect((await node.tick()).timers).toBe(1);
    expect((await node.tick()).timers).toBe(0);
    let view = await (await as(node.app, 'duty'))('GET', `/api/v1/tickets/${id}`);
    expect(view.ticket).toMatchObject({ stage: 'dispatched', supervisionCount: 1, escalationCount: 0, overdue: false });
    expect(view.history.at(-1)).toMatchObject({ action: 'supervise', actorKind: 'system', fromStage: 'dispatched', toStage: 'dispatched' });

    setLocal('2026-09-30T10:01');
    expect((await node.tick()).timers).toBe(1);
    view = await (await as(node.app, 'duty'))('GET', `/api/v1/tickets/${id}`);
    expect(view.ticket).toMatchObject({ supervisionCount: 2, escalationCount: 1, escalationUnit: 'village:440113007003', overdue: true });

    // Next breach: one more limit of 5 working days after the due time, over National Day (1–7 Oct)
    // and the make-up Saturday 10 Oct → Tue 13 Oct 10:00.
    const pending = await node.services.repos.tickets.pendingTimers(id);
    expect(pending.map((p) => [p.kind, p.breach, local(p.dueAt.toISOString())])).toEqual([['breach', 1, '2026-10-13T10:00']]);
    setLocal('2026-10-13T10:00');
    expect((await node.tick()).timers).toBe(1);
    view = await (await as(node.app, 'duty'))('GET', `/api/v1/tickets/${id}`);
    expect(view.ticket).toMatchObject({ escalationCount: 2, escalationUnit: 'town:440113007' });

    // The grid worker was told each time; the village and town learnt of the escalation.
    const kinds = (await db.pool.query("SELECT kind, recipient_unit FROM notification WHERE ticket_id = $1 ORDER BY id", [id])).rows;
    expect(kinds).toEqual(expect.arrayContaining([
      { kind: 'supervise', recipient_unit: 'grid:44011300700301' },
      { kind: 'escalated', recipient_unit: 'village:440113007003' },
      { kind: 'overdue', recipient_unit: 'grid:44011300700301' },
      { kind: 'escalated', recipient_unit: 'town:440113007' },
    ]));

    // Closing late is counted as not on time; closing stops the timers.
    const grid = await as(node.app, 'grid');
    const v = (await grid('GET', `/api/v1/tickets/${id}`)).ticket.version;
    await grid('POST', `/api/v1/tickets/${id}/start`, { version: v });
    await grid('POST', `/api/v1/tickets/${id}/report`, { version: v + 1, note: '已修补' });
    const closed = await (await as(node.app, 'duty'))('POST', `/api/v1/tickets/${id}/close`, { version: v + 2, note: '核查属实' });
    expect(closed).toMatchObject({ stage: 'closed', closedOnTime: false });
    expect(await node.services.repos.tickets.pendingTimers(id)).toEqual([]);
    await node.close();
  });

  it('extends the limit by working days once, up to 10, and re-plans the timers', async () => {
    setLocal('2026-11-02T09:00');
    const node = await startNode();
    const duty = await as(node.app, 'duty');
    const ev = await duty('POST', '/api/v1/events', { type: 'illegal_ad', severity: 1, title: '违规横幅', lat: 22.945, lon: 113.37353 });
    const id = ev.ticketId as number;
    await duty('POST', `/api/v1/tickets/${id}/accept`, { version: 1 });
    await duty('POST', `/api/v1/tickets/${id}/register`, { version: 2 });
    const d = await duty('POST', `/api/v1/tickets/${id}/dispatch`, { version: 3, toUnit: 'village:440113007003' });
    expect(local(d.dueAt)).toBe('2026-11-09T09:00');
    const ext = await duty('POST', `/api/v1/tickets/${id}/extend`, { version: 4, workingDays: 3 });
    expect(local(ext.dueAt)).toBe('2026-11-12T09:00');
    const tooMuch = await duty('POST', `/api/v1/tickets/${id}/extend`, { version: 5, workingDays: 8 });
    expect(tooMuch.code).toBe('TICKET_EXTENSION_EXCEEDED');
    const pending = await node.services.repos.tickets.pendingTimers(id);
    expect(pending.map((p) => [p.kind, local(p.dueAt.toISOString())])).toEqual([['warn', '2026-11-10T18:36'], ['expire', '2026-11-12T09:00']]);
    await node.close();
  });
});
