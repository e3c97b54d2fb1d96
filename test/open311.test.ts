import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { startSystem, type TestSystem } from './support/system.ts';

let sys: TestSystem;
let duty: string;
let key: string;
beforeAll(async () => {
  sys = await startSystem();
  duty = await sys.login('duty');
  key = `12345-${sys.demoPassword}`;
});
afterAll(async () => sys?.stop());

const inject = (o: InjectOptions) => sys.centre.hub.app.inject(o);
const act = async (id: number, action: string, body: object, token = duty) =>
  (await inject({ method: 'POST', url: `/api/v1/tickets/${id}/${action}`, headers: { authorization: `Bearer ${token}` }, payload: body })).json();

describe('Open311 GeoReport v2', () => {
  it('lists services, files a form-encoded request that becomes a ticket, and reads its status back', async () => {
    const services = (await inject({ method: 'GET', url: '/api/open311/v2/services.json' })).json();
    expect(services).toEqual(expect.arrayContaining([expect.objectContaining({ service_code: 'exposed_garbage', service_name: '暴露垃圾', type: 'realtime', metadata: false })]));
    expect(services.map((s: { service_code: string }) => s.service_code)).not.toContain('device_alarm');

    const form = new URLSearchParams({ api_key: key, service_code: 'exposed_garbage', lat: '22.945', long: '113.37353', description: '德兴路口垃圾堆积三天', phone: '13800000000' });
    const created = await inject({ method: 'POST', url: '/api/open311/v2/requests.json', headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: form.toString() });
    expect(created.statusCode).toBe(201);
    const [{ service_request_id: no }] = created.json();
    expect(no).toMatch(/^YZG-\d{8}-\d{6}$/);

    // It is a ticket in the workbench, routed by the rules (暴露垃圾 severity 1 → straight to the grid).
    const list = (await inject({ method: 'GET', url: '/api/v1/tickets?stage=detected', headers: { authorization: `Bearer ${duty}` } })).json();
    const t = list.find((x: { no: string }) => x.no === no);
    expect(t).toMatchObject({ eventType: 'exposed_garbage', ownerUnits: ['grid:44011300700301'], regionCode: '44011300700301' });
    const ev = (await inject({ method: 'GET', url: `/api/v1/events/${t.eventId}`, headers: { authorization: `Bearer ${duty}` } })).json();
    expect(ev).toMatchObject({ source: 'open311', description: '德兴路口垃圾堆积三天' });

    const read = async () => (await inject({ method: 'GET', url: `/api/open311/v2/requests/${no}.json?api_key=${key}` })).json()[0];
    expect(await read()).toMatchObject({ service_request_id: no, status: 'open', status_notes: '发现', service_code: 'exposed_garbage', agency_responsible: '德兴第1网格', lat: 22.945, long: 113.37353 });

    await act(t.id, 'accept', { version: 1 });
    await act(t.id, 'register', { version: 2 });
    const grid = await sys.login('grid');
    await act(t.id, 'dispatch', { version: 3, toUnit: 'grid:44011300700301' });
    expect(await read()).toMatchObject({ status: 'open', status_notes: '派遣', expected_datetime: expect.any(String) });
    await act(t.id, 'start', { version: 4 }, grid);
    await act(t.id, 'report', { version: 5, note: '已清运' }, grid);
    await act(t.id, 'close', { version: 6, note: '核查已清运' });
    expect(await read()).toMatchObject({ status: 'closed', status_notes: '核查结案' });

    const query = (await inject({ method: 'GET', url: `/api/open311/v2/requests.json?api_key=${key}&service_request_id=${no}` })).json();
    expect(query).toHaveLength(1);
    const closed = (await inject({ method: 'GET', url: `/api/open311/v2/requests.json?api_key=${key}&status=closed&service_code=exposed_garbage` })).json();
    expect(closed.map((r: { service_request_id: string }) => r.service_request_id)).toContain(no);
  });

  it('refuses a bad key, an unknown service and a missing location in GeoReport error form', async () => {
    const post = (body: object) => inject({ method: 'POST', url: '/api/open311/v2/requests.json', payload: body });
    const bad = await post({ api_key: 'nope', service_code: 'exposed_garbage', lat: 22.9, long: 113.3 });
    expect(bad.statusCode).toBe(403);
    expect(bad.json()[0]).toMatchObject({ code: 403, description: expect.stringContaining('OPEN311_API_KEY_INVALID') });
    expect((await post({ api_key: key, service_code: 'device_alarm', lat: 22.9, long: 113.3 })).json()[0].description).toContain('OPEN311_SERVICE_UNKNOWN');
    expect((await post({ api_key: key, service_code: 'exposed_garbage' })).json()[0].description).toContain('OPEN311_LOCATION_REQUIRED');
    expect((await post({ api_key: key, service_code: 'exposed_garbage', lat: 'x' })).statusCode).toBe(400);
    expect((await inject({ method: 'GET', url: `/api/open311/v2/requests/YZG-20260101-999999.json?api_key=${key}` })).statusCode).toBe(404);
    expect((await inject({ method: 'GET', url: '/api/open311/v2/requests.json' })).statusCode).toBe(403);
  });
});
