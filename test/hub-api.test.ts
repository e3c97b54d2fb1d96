import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { startSystem, type TestSystem } from './support/system.ts';

let sys: TestSystem;
let dutyToken: string;
let adminToken: string;
beforeAll(async () => {
  sys = await startSystem();
  dutyToken = await sys.login('duty');
  adminToken = await sys.login('admin');
});
afterAll(async () => sys?.stop());

const inject = (opts: InjectOptions) => sys.centre.hub.app.inject(opts);
async function metric(name: string): Promise<string> {
  const res = await inject({ method: 'GET', url: '/metrics' });
  return res.body.split('\n').filter((l) => l.startsWith(name)).join('\n');
}

describe('hub HTTP API', () => {
  it('answers health, readiness, metrics and the OpenAPI document', async () => {
    expect((await inject({ method: 'GET', url: '/healthz' })).statusCode).toBe(200);
    const ready = await inject({ method: 'GET', url: '/readyz' });
    expect(ready.json()).toEqual({ status: 'ready', checks: { database: true, mqtt: true } });
    const docs = await inject({ method: 'GET', url: '/docs/json' });
    expect(Object.keys(docs.json().paths)).toEqual(expect.arrayContaining(['/api/v1/auth/login', '/api/v1/sensors', '/api/v1/devices']));
    expect((await inject({ method: 'GET', url: '/metrics' })).body).toContain('# HELP yzg_ingest_readings_total');
  });

  it('signs a person in and tells them who they are', async () => {
    const res = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: 'duty', password: sys.demoPassword } });
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.user).toMatchObject({ username: 'duty', role: 'duty_officer', regionCode: '440113' });
    const me = await inject({ method: 'GET', url: '/api/v1/auth/me', headers: { authorization: `Bearer ${body.token}` } });
    expect(me.json().username).toBe('duty');
  });

  it('refuses a wrong password with 401 AUTH_BAD_CREDENTIALS, audits and counts it', async () => {
    const before = await sys.centre.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login' AND outcome = 'bad-credentials'");
    for (const username of ['duty', 'nobody']) {
      const res = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password: 'wrong' } });
      expect(res.statusCode).toBe(401);
      expect(res.json()).toMatchObject({ code: 'AUTH_BAD_CREDENTIALS', message: expect.stringContaining('用户名或密码错误') });
    }
    const after = await sys.centre.pool.query("SELECT count(*)::int AS n FROM audit_log WHERE action = 'auth.login' AND outcome = 'bad-credentials'");
    expect(after.rows[0].n - before.rows[0].n).toBe(2);
    expect(await metric('yzg_http_refused_total{code="AUTH_BAD_CREDENTIALS"}')).toMatch(/ 2$/);
  });

  it('refuses invalid bodies with 400 VALIDATION_FAILED and says what is wrong', async () => {
    const cases = [
      { payload: { username: 'duty' }, why: /password/ },
      { payload: { username: 'duty', password: 'x', admin: true }, why: /additional/ },
      { payload: { username: 42, password: 'x' }, why: /string/ },
    ];
    for (const c of cases) {
      const res = await inject({ method: 'POST', url: '/api/v1/auth/login', payload: c.payload });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
      expect(JSON.stringify(res.json())).toMatch(c.why);
    }
    const notJson = await inject({ method: 'POST', url: '/api/v1/auth/login', headers: { 'content-type': 'application/json' }, payload: '{"username":' });
    expect(notJson.statusCode).toBe(400);
    expect(await metric('yzg_http_refused_total{code="VALIDATION_FAILED"}')).toMatch(/ [3-9]$/);
  });

  it('requires a token for sensors and lists them with their town', async () => {
    expect((await inject({ method: 'GET', url: '/api/v1/sensors' })).statusCode).toBe(401);
    expect((await inject({ method: 'GET', url: '/api/v1/sensors', headers: { authorization: 'Bearer forged.token.here' } })).json().code).toBe('UNAUTHENTICATED');
    const res = await inject({ method: 'GET', url: '/api/v1/sensors', headers: { authorization: `Bearer ${dutyToken}` } });
    expect(res.statusCode).toBe(200);
    const sensors = res.json();
    expect(sensors).toHaveLength(sys.sensors.length);
    expect(sensors[0]).toMatchObject({ sn: expect.any(String), regionName: expect.stringMatching(/街道|镇|社区|村/), online: expect.any(Boolean) });
  });

  it('lets only an admin register a device, shows its secret once and audits it', async () => {
    const body = { sn: 'WL-NEW-01', kind: 'sensor', name: '测试点', lat: 22.94, lon: 113.36, regionCode: '440113007' };
    const denied = await inject({ method: 'POST', url: '/api/v1/devices', headers: { authorization: `Bearer ${dutyToken}` }, payload: body });
    expect(denied.statusCode).toBe(403);
    const created = await inject({ method: 'POST', url: '/api/v1/devices', headers: { authorization: `Bearer ${adminToken}` }, payload: body });
    expect(created.statusCode).toBe(201);
    expect(created.json().secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await sys.centre.pool.query('SELECT secret_hash FROM device WHERE sn = $1', [body.sn]);
    expect(row.rows[0].secret_hash).toMatch(/^\$argon2id\$/);
    expect(row.rows[0].secret_hash).not.toContain(created.json().secret);
    const again = await inject({ method: 'POST', url: '/api/v1/devices', headers: { authorization: `Bearer ${adminToken}` }, payload: body });
    expect(again.json().code).toBe('DEVICE_EXISTS');
    const badSn = await inject({ method: 'POST', url: '/api/v1/devices', headers: { authorization: `Bearer ${adminToken}` }, payload: { ...body, sn: 'a/#' } });
    expect(badSn.json().code).toBe('VALIDATION_FAILED');
    const badRegion = await inject({ method: 'POST', url: '/api/v1/devices', headers: { authorization: `Bearer ${adminToken}` }, payload: { ...body, sn: 'WL-NEW-02', regionCode: '999999' } });
    expect(badRegion.json().code).toBe('REGION_NOT_FOUND');
    const audit = await sys.centre.pool.query("SELECT actor, outcome FROM audit_log WHERE action = 'device.create' AND target = $1 ORDER BY id", [body.sn]);
    expect(audit.rows).toEqual([{ actor: 'admin', outcome: 'ok' }, { actor: 'admin', outcome: 'exists' }]);
  });

  it('answers unknown API paths with a 404 in the error format', async () => {
    const res = await inject({ method: 'GET', url: '/api/v1/nothing' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });

  it('validates readings queries', async () => {
    const sn = sys.sensors[0]!.sn;
    const auth = { authorization: `Bearer ${dutyToken}` };
    expect((await inject({ method: 'GET', url: `/api/v1/sensors/${sn}/readings?limit=0`, headers: auth })).statusCode).toBe(400);
    expect((await inject({ method: 'GET', url: `/api/v1/sensors/${sn}/readings?from=yesterday`, headers: auth })).statusCode).toBe(400);
    expect((await inject({ method: 'GET', url: '/api/v1/sensors/NOPE/readings', headers: auth })).json().code).toBe('DEVICE_NOT_FOUND');
    expect((await inject({ method: 'GET', url: `/api/v1/sensors/${sn}/readings`, headers: auth })).statusCode).toBe(200);
  });
});
