import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { startSystem, type TestSystem } from './support/system.ts';

let sys: TestSystem;
const tokens: Record<string, string> = {};
beforeAll(async () => {
  sys = await startSystem();
  for (const u of ['duty', 'grid', 'town', 'water', 'leader']) tokens[u] = await sys.login(u);
});
afterAll(async () => sys?.stop());

async function call(user: string, method: InjectOptions['method'], url: string, payload?: unknown) {
  const res = await sys.centre.hub.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[user]}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

// A 1×1 PNG.
const PNG = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';

describe('the full loop of the eight-level workflow', () => {
  it('routes a waterlogging alarm to 水务 and the town, dispatches it to the grid worker, who handles it with a photo; another user verifies, the duty officer rates, KPIs count it', async () => {
    const live: Array<{ type: string; stage?: string; action?: string }> = [];
    const unsubscribe = sys.centre.hub.live.subscribe((m) => live.push(m as { type: string }));

    // 红色暴雨: the sensor at 市桥下穿隧道 reads 32 cm → an event (the sensing side will call the same service).
    const ev = await call('duty', 'POST', '/api/v1/events', {
      type: 'waterlogging', severity: 3, title: '市桥下穿隧道 积水 32cm', lat: 22.945, lon: 113.37353,
      source: 'sensor', sourceRef: 'WL-007-01', measure: { depthMm: 320 },
    });
    expect(ev.status).toBe(201);
    expect(ev.body.event).toMatchObject({ regionCode: '44011300700301', source: 'sensor', status: 'open' });
    const id = ev.body.ticketId as number;
    // A repeat of the same alarm joins the open event: still one ticket.
    const again = await call('duty', 'POST', '/api/v1/events', { type: 'waterlogging', severity: 3, title: '重复告警', lat: 22.945, lon: 113.37353, source: 'sensor', sourceRef: 'WL-007-01' });
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ ticketId: id, joined: true });

    let t = (await call('duty', 'GET', `/api/v1/tickets/${id}`)).body;
    expect(t.ticket).toMatchObject({ stage: 'detected', ownerUnits: ['dept:water', 'town:440113007'], version: 1 });
    expect(t.allowedActions).toEqual(expect.arrayContaining(['accept', 'cancel']));

    expect((await call('duty', 'POST', `/api/v1/tickets/${id}/accept`, { version: 1 })).body.stage).toBe('accepted');
    expect((await call('duty', 'POST', `/api/v1/tickets/${id}/register`, { version: 2 })).body.stage).toBe('registered');
    const gridUser = (await call('duty', 'GET', '/api/v1/org/units/grid:44011300700301')).body.members.find((m: { username: string }) => m.username === 'grid');
    const dispatched = await call('duty', 'POST', `/api/v1/tickets/${id}/dispatch`, { version: 3, toUnit: 'grid:44011300700301', toUserId: gridUser.userId, note: '请立即处置' });
    expect(dispatched.status).toBe(200);
    expect(dispatched.body).toMatchObject({ stage: 'dispatched', assigneeUnit: 'grid:44011300700301', assigneeUserId: gridUser.userId });
    expect(Date.parse(dispatched.body.dueAt) - Date.parse(dispatched.body.dispatchedAt)).toBe(4 * 3_600_000);

    // The department and the town see it; the grid worker finds it in their queue.
    expect((await call('water', 'GET', `/api/v1/tickets/${id}`)).status).toBe(200);
    const mine = await call('grid', 'GET', '/api/v1/tickets?mine=true');
    expect(mine.body.map((x: { id: number }) => x.id)).toContain(id);
    expect((await call('grid', 'POST', `/api/v1/tickets/${id}/start`, { version: 4 })).body.stage).toBe('handling');
    const photo = await call('grid', 'POST', `/api/v1/tickets/${id}/photos`, { contentType: 'image/png', dataBase64: PNG });
    expect(photo.status).toBe(201);
    const reported = await call('grid', 'POST', `/api/v1/tickets/${id}/report`, { version: 5, note: '已设置警示并抽排，积水已退', attachmentIds: [photo.body.id] });
    expect(reported.body).toMatchObject({ stage: 'reported', handlerUserId: gridUser.userId });

    // The handler may not verify their own work; the town verifies and closes.
    expect((await call('grid', 'POST', `/api/v1/tickets/${id}/close`, { version: 6, note: '自查' })).body.code).toBe('TICKET_FORBIDDEN');
    const closed = await call('town', 'POST', `/api/v1/tickets/${id}/close`, { version: 6, note: '现场核查，积水已退' });
    expect(closed.body).toMatchObject({ stage: 'closed', closedOnTime: true, verificationMethod: 'inspection' });
    expect(closed.body.verifierUserId).not.toBe(gridUser.userId);
    const rated = await call('duty', 'POST', `/api/v1/tickets/${id}/rate`, { version: 7, rating: 5 });
    expect(rated.body).toMatchObject({ stage: 'rated', rating: 5 });

    t = (await call('duty', 'GET', `/api/v1/tickets/${id}`)).body;
    expect(t.history.map((h: { action: string }) => h.action)).toEqual(['detect', 'accept', 'register', 'dispatch', 'start', 'report', 'close', 'rate']);
    expect(t.history[5]).toMatchObject({ fromStage: 'handling', toStage: 'reported', attachmentIds: [photo.body.id], note: '已设置警示并抽排，积水已退' });
    const ph = await sys.centre.hub.app.inject({ method: 'GET', url: `/api/v1/tickets/${id}/photos/${photo.body.id}`, headers: { authorization: `Bearer ${tokens.duty}` } });
    expect(ph.headers['content-type']).toBe('image/png');
    expect((await sys.centre.pool.query("SELECT status FROM event WHERE id = $1", [ev.body.event.id])).rows[0].status).toBe('closed');

    const day = new Date().toISOString().slice(0, 10);
    const from = new Date(Date.now() - 86_400_000).toISOString();
    const to = new Date(Date.now() + 86_400_000).toISOString();
    const byTown = (await call('leader', 'GET', `/api/v1/kpis?from=${from}&to=${to}&groupBy=town`)).body;
    expect(byTown).toEqual([expect.objectContaining({ key: '440113007', tickets: 1, closed: 1, closedOnTime: 1, closureRate: 1, onTimeClosureRate: 1, avgRating: 5 })]);
    expect(Object.keys(byTown[0].avgStageS).sort()).toEqual(['accepted', 'detected', 'dispatched', 'handling', 'registered', 'reported', 'closed'].sort());
    const byUnit = (await call('leader', 'GET', `/api/v1/kpis?from=${from}&to=${to}&groupBy=unit`)).body;
    expect(byUnit[0]).toMatchObject({ key: 'grid:44011300700301', closed: 1 });
    expect((await call('leader', 'GET', `/api/v1/kpis?from=${from}&to=${to}&groupBy=tier`)).body[0]).toMatchObject({ key: '8', tickets: 1 });
    expect((await call('leader', 'GET', `/api/v1/kpis?from=${from}&to=${to}&groupBy=eventType`)).body[0]).toMatchObject({ key: 'waterlogging' });
    expect(day).toBeTruthy();

    // Live: the duty officer's socket saw every stage change; the notifications reached the grid.
    unsubscribe();
    expect(live.filter((m) => m.type === 'ticket').map((m) => m.stage)).toEqual(['detected', 'accepted', 'registered', 'dispatched', 'handling', 'reported', 'closed', 'rated']);
    const notes = (await call('grid', 'GET', '/api/v1/notifications')).body;
    expect(notes.map((n: { kind: string }) => n.kind)).toContain('dispatched');
    const audit = await sys.centre.pool.query("SELECT action FROM audit_log WHERE action LIKE 'ticket.%' ORDER BY id");
    expect(audit.rows.map((r) => r.action)).toEqual(['ticket.accept', 'ticket.register', 'ticket.dispatch', 'ticket.start', 'ticket.attach', 'ticket.report', 'ticket.close', 'ticket.rate']);
  });
});
