import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type TestSystem } from './support/system.ts';

let sys: TestSystem;
const tokens: Record<string, string> = {};
const USERS = ['admin', 'duty', 'operator', 'water', 'town', 'leader', 'village', 'grid', 'grid2', 'grid3', 'town2', 'chengguan'] as const;
type User = (typeof USERS)[number];
let gridUserId = 0;

beforeAll(async () => {
  sys = await startSystem();
  for (const u of USERS) tokens[u] = await sys.login(u);
  const r = await call('duty', 'GET', '/api/v1/org/units/grid:44011300700301');
  gridUserId = r.body.members.find((m: { username: string }) => m.username === 'grid').userId;
});
afterAll(async () => sys?.stop());

async function call(user: User, method: 'GET' | 'POST', url: string, payload?: object) {
  const res = await sys.centre.hub.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[user]}` }, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.json() };
}

const STAGES = ['detected', 'accepted', 'registered', 'dispatched', 'handling', 'reported', 'closed'] as const;
type Stage = (typeof STAGES)[number];

/** A waterlogging ticket (owners 水务 + 市桥) in grid 44011300700301, advanced to `stage`; returns id and version. */
async function ticketAt(stage: Stage): Promise<{ id: number; version: number }> {
  const ev = await call('duty', 'POST', '/api/v1/events', { type: 'waterlogging', severity: 3, title: '积水', lat: 22.945, lon: 113.37353 });
  const id = ev.body.ticketId as number;
  const steps: Array<[User, string, object]> = [
    ['duty', 'accept', {}],
    ['duty', 'register', {}],
    ['duty', 'dispatch', { toUnit: 'grid:44011300700301', toUserId: gridUserId }],
    ['grid', 'start', {}],
    ['grid', 'report', { note: '已处置' }],
    ['town', 'close', { note: '核查属实' }],
  ];
  const n = STAGES.indexOf(stage);
  for (let i = 0; i < n; i += 1) {
    const [who, action, body] = steps[i]!;
    const r = await call(who, 'POST', `/api/v1/tickets/${id}/${action}`, { version: i + 1, ...body });
    if (r.status !== 200) throw new Error(`${action}: ${JSON.stringify(r.body)}`);
  }
  return { id, version: n + 1 };
}

// Each ticket endpoint: the stage it needs, its body, and who may use it (everyone else is refused).
const MATRIX: Array<{ endpoint: string; stage: Stage; body: (v: number) => object; allowed: User[] }> = [
  { endpoint: 'GET detail', stage: 'detected', body: () => ({}), allowed: ['admin', 'duty', 'operator', 'water', 'town', 'leader', 'village', 'grid'] },
  { endpoint: 'accept', stage: 'detected', body: (v) => ({ version: v }), allowed: ['admin', 'duty', 'town'] },
  { endpoint: 'register', stage: 'accepted', body: (v) => ({ version: v }), allowed: ['admin', 'duty', 'town'] },
  { endpoint: 'dispatch', stage: 'registered', body: (v) => ({ version: v, toUnit: 'grid:44011300700301', toUserId: gridUserId }), allowed: ['admin', 'duty', 'town'] },
  { endpoint: 'cancel', stage: 'registered', body: (v) => ({ version: v, note: '误报' }), allowed: ['admin', 'duty'] },
  { endpoint: 'start', stage: 'dispatched', body: (v) => ({ version: v }), allowed: ['grid'] },
  { endpoint: 'return', stage: 'dispatched', body: (v) => ({ version: v, note: '非本辖区' }), allowed: ['grid', 'village', 'town'] },
  { endpoint: 'extend', stage: 'dispatched', body: (v) => ({ version: v, workingDays: 2 }), allowed: ['admin', 'duty'] },
  { endpoint: 'supervise', stage: 'dispatched', body: (v) => ({ version: v }), allowed: ['admin', 'duty', 'leader', 'town', 'village'] },
  { endpoint: 'escalate', stage: 'dispatched', body: (v) => ({ version: v }), allowed: ['admin', 'duty'] },
  { endpoint: 'report', stage: 'handling', body: (v) => ({ version: v, note: '已处置' }), allowed: ['grid'] },
  { endpoint: 'close', stage: 'reported', body: (v) => ({ version: v, note: '核查属实' }), allowed: ['admin', 'duty', 'water', 'town', 'village'] },
  { endpoint: 'rework', stage: 'reported', body: (v) => ({ version: v, note: '未处理完' }), allowed: ['admin', 'duty', 'water', 'town', 'village'] },
  { endpoint: 'request-revisit', stage: 'reported', body: (v) => ({ version: v }), allowed: ['admin', 'duty', 'water', 'town', 'village'] },
  { endpoint: 'rate', stage: 'closed', body: (v) => ({ version: v, rating: 4 }), allowed: ['admin', 'duty'] },
  { endpoint: 'reopen', stage: 'closed', body: (v) => ({ version: v, note: '复发' }), allowed: ['admin', 'duty'] },
  { endpoint: 'photos', stage: 'handling', body: () => ({ contentType: 'image/jpeg', dataBase64: '/9j/4AAQSkZJRg==' }), allowed: ['admin', 'duty', 'operator', 'water', 'town', 'leader', 'village', 'grid'] },
];

describe('authorisation matrix: each role × each ticket endpoint', () => {
  it('allows exactly the designed cells and refuses the rest, including other grids, towns and departments', async () => {
    const got: Record<string, string[]> = {};
    const want: Record<string, string[]> = {};
    for (const row of MATRIX) {
      const shared = await ticketAt(row.stage);
      got[row.endpoint] = [];
      want[row.endpoint] = [...row.allowed].sort();
      for (const user of USERS) {
        const allowed = row.allowed.includes(user);
        // A cell expected to succeed changes its ticket, so it gets its own.
        const t = allowed ? await ticketAt(row.stage) : shared;
        const res = row.endpoint === 'GET detail'
          ? await call(user, 'GET', `/api/v1/tickets/${t.id}`)
          : await call(user, 'POST', `/api/v1/tickets/${t.id}/${row.endpoint}`, row.body(t.version));
        if (res.status < 300) got[row.endpoint]!.push(user);
        else expect(res.status, `${user} ${row.endpoint}`).toBeGreaterThanOrEqual(400);
        // Out of area looks like absent: the other grid, the other town and an unrelated department get 404.
        if (['grid2', 'grid3', 'town2', 'chengguan'].includes(user)) expect(res.body.code, `${user} ${row.endpoint}`).toBe('TICKET_NOT_FOUND');
      }
      got[row.endpoint]!.sort();
    }
    expect(got).toEqual(want);
  }, 240_000);

  it('shows each person only the tickets of their area in lists', async () => {
    const mine = await ticketAt('dispatched');
    const other = await call('duty', 'POST', '/api/v1/events', { type: 'exposed_garbage', severity: 1, title: '沙头 暴露垃圾', lat: 22.925, lon: 113.338, regionCode: '440113008001' });
    const ids = async (u: User) => new Set(((await call(u, 'GET', '/api/v1/tickets?limit=500')).body as Array<{ id: number }>).map((t) => t.id));
    expect((await ids('grid')).has(mine.id)).toBe(true);
    expect((await ids('grid2')).has(mine.id)).toBe(false);
    expect((await ids('grid3')).has(mine.id)).toBe(false);
    expect((await ids('grid3')).has(other.body.ticketId)).toBe(true); // 暴露垃圾 severity 1 → straight to the grid
    expect((await ids('town2')).has(other.body.ticketId)).toBe(true);
    expect((await ids('town')).has(other.body.ticketId)).toBe(false);
    expect((await ids('water')).has(mine.id)).toBe(true);
    expect((await ids('chengguan')).has(mine.id)).toBe(false);
    expect((await call('grid2', 'GET', `/api/v1/tickets/${mine.id}/photos/1`)).status).toBe(404);
  });

  it('lets only one of two people acting on the same version win (409 for the other)', async () => {
    const t = await ticketAt('detected');
    const [a, b] = await Promise.all([
      call('duty', 'POST', `/api/v1/tickets/${t.id}/accept`, { version: t.version }),
      call('town', 'POST', `/api/v1/tickets/${t.id}/accept`, { version: t.version }),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    expect([a.body.code, b.body.code]).toContain('TICKET_VERSION_CONFLICT');
    const detail = await call('duty', 'GET', `/api/v1/tickets/${t.id}`);
    expect(detail.body.history.map((h: { action: string }) => h.action)).toEqual(['detect', 'accept']);
    // History rows cannot be changed or removed.
    await expect(sys.centre.pool.query('UPDATE ticket_history SET note = $1 WHERE ticket_id = $2', ['x', t.id])).rejects.toThrow(/append-only/);
    await expect(sys.centre.pool.query('DELETE FROM ticket_history WHERE ticket_id = $1', [t.id])).rejects.toThrow(/append-only/);
  });

  it('lets only an admin change routing rules, and the change routes the next event', async () => {
    const rule = { name: '积水 市桥 ≥27cm → 应急局（试点）', eventType: 'waterlogging', minSeverity: 3, maxSeverity: 3, regionPrefix: '440113007', owners: ['dept:emergency', '@village'], priority: 10 };
    expect((await call('duty', 'POST', '/api/v1/routing-rules', rule)).status).toBe(403);
    const created = await call('admin', 'POST', '/api/v1/routing-rules', rule);
    expect(created.status).toBe(201);
    const preview = await call('duty', 'POST', '/api/v1/routing-rules/preview', { eventType: 'waterlogging', severity: 3, regionCode: '44011300700301' });
    expect(preview.body).toEqual({ ruleId: created.body.id, owners: ['dept:emergency', 'village:440113007003'] });
    expect((await call('admin', 'POST', '/api/v1/routing-rules', { ...rule, owners: ['dept:nope'] })).body.code).toBe('ROUTING_UNIT_UNKNOWN');
    const res = await sys.centre.hub.app.inject({ method: 'DELETE', url: `/api/v1/routing-rules/${created.body.id}`, headers: { authorization: `Bearer ${tokens.admin}` } });
    expect(res.statusCode).toBe(204);
    const audit = await sys.centre.pool.query("SELECT action FROM audit_log WHERE action LIKE 'routing-rule.%' ORDER BY id");
    expect(audit.rows.map((r) => r.action)).toEqual(['routing-rule.create', 'routing-rule.delete']);
  });
});
