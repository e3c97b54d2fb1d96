import http from 'node:http';
import crypto from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type TestSystem } from './support/system.ts';

let sys: TestSystem;
const tokens: Record<string, string> = {};
let server: http.Server;
const received: Array<{ path: string; body: string; signature: string }> = [];
let flakyFailures = 2;

beforeAll(async () => {
  sys = await startSystem();
  for (const u of ['admin', 'duty', 'grid', 'town2', 'operator']) tokens[u] = await sys.login(u);
  // A gateway that fails twice on /flaky then accepts, and always fails on /down.
  server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (c) => (body += c));
    req.on('end', () => {
      received.push({ path: req.url!, body, signature: String(req.headers['x-yzg-signature']) });
      if (req.url === '/down' || (req.url === '/flaky' && flakyFailures-- > 0)) res.writeHead(503).end();
      else res.writeHead(204).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
});
afterAll(async () => {
  await new Promise((r) => server?.close(r));
  await sys?.stop();
});

async function call(user: string, method: 'GET' | 'POST', url: string, payload?: object) {
  const res = await sys.centre.hub.app.inject({ method, url, headers: { authorization: `Bearer ${tokens[user]}` }, ...(payload ? { payload } : {}) });
  return { status: res.statusCode, body: res.body ? res.json() : null };
}

describe('notifications, verification by drone revisit, bad ratings', () => {
  it('sends signed webhooks with retries and dead-letters a delivery that keeps failing', async () => {
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    expect((await call('duty', 'POST', '/api/v1/notifications/webhooks', { name: 'x', url: `${base}/flaky`, secret: 's'.repeat(20) })).status).toBe(403);
    const flaky = await call('admin', 'POST', '/api/v1/notifications/webhooks', { name: '短信网关', url: `${base}/flaky`, secret: 'flaky-secret-0123456789', kinds: ['dispatched'] });
    await call('admin', 'POST', '/api/v1/notifications/webhooks', { name: 'IM 网关（故障）', url: `${base}/down`, secret: 'down-secret-0123456789', kinds: ['dispatched'] });
    expect(flaky.status).toBe(201);

    const ev = await call('duty', 'POST', '/api/v1/events', { type: 'illegal_ad', severity: 1, title: '违规横幅', lat: 22.945, lon: 113.37353 });
    const id = ev.body.ticketId;
    await call('duty', 'POST', `/api/v1/tickets/${id}/accept`, { version: 1 });
    await call('duty', 'POST', `/api/v1/tickets/${id}/register`, { version: 2 });
    await call('duty', 'POST', `/api/v1/tickets/${id}/dispatch`, { version: 3, toUnit: 'grid:44011300700301' });

    // Retries are due 30 s, 60 s, 120 s, 240 s apart: pull them forward (the hub's own job may deliver too).
    const notifications = sys.centre.hub.services.workflow.notifications;
    const pool = sys.centre.pool;
    for (let i = 0; i < 50; i += 1) {
      await pool.query("UPDATE webhook_delivery SET next_attempt_at = now() - interval '1 second' WHERE status = 'pending' AND lease_until IS NULL");
      await notifications.deliverDue();
      if ((await pool.query("SELECT 1 FROM webhook_delivery WHERE status = 'pending'")).rowCount === 0) break;
      await new Promise((r) => setTimeout(r, 20));
    }
    const flakyHits = received.filter((r) => r.path === '/flaky');
    expect(flakyHits).toHaveLength(3);
    const payload = JSON.parse(flakyHits[2]!.body);
    expect(payload).toMatchObject({ kind: 'dispatched', ticketId: id, recipientUnit: 'grid:44011300700301' });
    expect(flakyHits[2]!.signature).toBe(`sha256=${crypto.createHmac('sha256', 'flaky-secret-0123456789').update(flakyHits[2]!.body).digest('hex')}`);
    expect(received.filter((r) => r.path === '/down')).toHaveLength(5);
    const rows = (await pool.query('SELECT status, attempts FROM webhook_delivery ORDER BY endpoint_id')).rows;
    expect(rows).toEqual([{ status: 'delivered', attempts: 3 }, { status: 'dead', attempts: 5 }]);
    const dead = await call('admin', 'GET', '/api/v1/notifications/dead-letters');
    expect(dead.body).toEqual([expect.objectContaining({ attempts: 5, lastError: 'HTTP 503' })]);

    // In-app: the grid worker sees the notice and marks it read.
    const mine = await call('grid', 'GET', '/api/v1/notifications');
    const n = mine.body.find((x: { kind: string; ticketId: number }) => x.kind === 'dispatched' && x.ticketId === id);
    expect(n.title).toContain('派遣');
    expect((await call('grid', 'POST', `/api/v1/notifications/${n.id}/read`)).status).toBe(204);
    expect((await call('town2', 'POST', `/api/v1/notifications/${n.id}/read`)).status).toBe(404);
  });

  it('closes on a drone revisit once its images arrive, and reopens the ticket on a bad rating', async () => {
    const ev = await call('duty', 'POST', '/api/v1/events', { type: 'river_debris', severity: 2, title: '市桥河 漂浮物', lat: 22.945, lon: 113.37353 });
    const id = ev.body.ticketId;
    await call('duty', 'POST', `/api/v1/tickets/${id}/accept`, { version: 1 });
    await call('duty', 'POST', `/api/v1/tickets/${id}/register`, { version: 2 });
    await call('duty', 'POST', `/api/v1/tickets/${id}/dispatch`, { version: 3, toUnit: 'grid:44011300700301' });
    await call('grid', 'POST', `/api/v1/tickets/${id}/start`, { version: 4 });
    await call('grid', 'POST', `/api/v1/tickets/${id}/report`, { version: 5, note: '已打捞' });
    expect((await call('duty', 'POST', `/api/v1/tickets/${id}/request-revisit`, { version: 6 })).body.stage).toBe('reported');
    expect((await call('duty', 'POST', `/api/v1/tickets/${id}/close`, { version: 7, method: 'revisit' })).body.code).toBe('TICKET_REVISIT_PENDING');
    const detail = await call('duty', 'GET', `/api/v1/tickets/${id}`);
    const revisit = detail.body.revisits[0];
    expect(revisit).toMatchObject({ status: 'requested' });
    // The flight side uploads the images and attaches them.
    const img = await call('operator', 'POST', `/api/v1/tickets/${id}/photos`, { contentType: 'image/jpeg', dataBase64: '/9j/4AAQSkZJRg==' });
    expect((await call('grid', 'POST', `/api/v1/tickets/${id}/revisits/${revisit.id}/images`, { attachmentIds: [img.body.id] })).status).toBe(403);
    expect((await call('operator', 'POST', `/api/v1/tickets/${id}/revisits/${revisit.id}/images`, { attachmentIds: [img.body.id] })).status).toBe(204);
    const closed = await call('duty', 'POST', `/api/v1/tickets/${id}/close`, { version: 7, method: 'revisit' });
    expect(closed.body).toMatchObject({ stage: 'closed', verificationMethod: 'revisit' });

    // 差评: a bad rating reopens at once (system), back to the same grid with a fresh clock.
    const rated = await call('duty', 'POST', `/api/v1/tickets/${id}/rate`, { version: 8, rating: 1 });
    expect(rated.body).toMatchObject({ stage: 'dispatched', reopenCount: 1, assigneeUnit: 'grid:44011300700301', rating: null, verifierUserId: null });
    const h = (await call('duty', 'GET', `/api/v1/tickets/${id}`)).body.history.slice(-2);
    expect(h).toEqual([
      expect.objectContaining({ action: 'rate', toStage: 'rated', details: expect.objectContaining({ rating: 1 }) }),
      expect.objectContaining({ action: 'reopen', actorKind: 'system', fromStage: 'rated', toStage: 'dispatched' }),
    ]);
  });
});
