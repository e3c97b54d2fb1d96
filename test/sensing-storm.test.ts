/**
 * A red rainstorm over the simulated district, end to end: the seeded sensors (real MQTT clients
 * with their own credentials) read the simulated world on a fake clock (only time is mocked); the
 * hub's rules raise warning alarms at the low spots, the towns' signals switch rain mode on (the
 * sensors get a faster sampling interval through their retained config), and everything clears
 * as the water recedes.
 */
import path from 'node:path';
import os from 'node:os';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem, type TestSystem } from './support/system.ts';
import { silentLogger } from '../common/logger.ts';
import { World } from '../edge/world/world.ts';
import { SensorAgent } from '../edge/sensor/sensor-agent.ts';
import { simulatorAdapter } from '../edge/sensor/adapters/simulator.ts';
import type { AlarmView, RainModeView } from '../protocol/sensing.schema.ts';

const STEP_MS = 120_000;
const HOURS = 9;
let sys: TestSystem;
let agents: SensorAgent[];
let token: string;
let clock: number;
const maxDepth = new Map<string, number>();
const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-storm-'));

async function api<T>(url: string): Promise<T> {
  const res = await sys.centre.hub.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${token}` } });
  expect(res.statusCode, res.body).toBe(200);
  return res.json() as T;
}

async function settle(): Promise<void> {
  const t0 = Date.now();
  while (agents.some((a) => a.backlog > 0)) {
    if (Date.now() - t0 > 20_000) throw new Error('readings not acknowledged');
    await new Promise((r) => setTimeout(r, 20));
  }
  await sys.centre.hub.sensing.tick(); // drain the sensing queue
}

beforeAll(async () => {
  sys = await startSystem({}, { sensingTickMs: 0 });
  token = await sys.login('duty');
  const creds = sys.centre.seedResult.credentials;
  const start = Date.now() - HOURS * 3_600_000;
  clock = start;
  const world = new World({ scenario: 'red-rainstorm', seed: 7, startMs: start }, creds);
  agents = creds.map(
    (c) =>
      new SensorAgent({ sn: c.sn, secret: c.secret, brokerUrl: sys.mqttUrl, intervalMs: 10_000, stateDir, adapter: simulatorAdapter(c.sn, world), log: silentLogger(), autoSample: false, now: () => clock }),
  );
  await Promise.all(agents.map((a) => a.start()));
}, 60_000);

afterAll(async () => {
  await Promise.all(agents.map((a) => a.stop()));
  await sys?.stop();
  fs.rmSync(stateDir, { recursive: true, force: true });
});

describe('a red rainstorm', () => {
  it('raises warnings at the low spots, switches rain mode on, and clears as the water recedes', { timeout: 240_000 }, async () => {
    let peakAlarms: AlarmView[] = [];
    let rainModeSeen: RainModeView[] = [];
    let fastInterval = false;
    for (let step = 0; step * STEP_MS <= HOURS * 3_600_000 - 60_000; step++) {
      clock += STEP_MS;
      const readings = await Promise.all(agents.map((a) => a.tick()));
      readings.forEach((r, i) => r && maxDepth.set(sysSn(i), Math.max(maxDepth.get(sysSn(i)) ?? 0, r.depthMm)));
      if (step % 5 === 0) {
        await settle();
        const open = await api<AlarmView[]>('/api/v1/alarms?state=open');
        if (open.filter((a) => a.kind === 'depth').length > peakAlarms.filter((a) => a.kind === 'depth').length) peakAlarms = open;
        const rm = await api<RainModeView[]>('/api/v1/rain-mode');
        if (rm.some((t) => t.active)) rainModeSeen = rm.filter((t) => t.active);
        if (agents.some((a) => a.currentIntervalMs === 2000)) fastInterval = true;
      }
    }
    await settle();

    // The storm flooded spots: each spot whose water passed 17 cm got a warning (level ≥ 2) or worse.
    const flooded = [...maxDepth].filter(([, d]) => d >= 170).map(([sn]) => sn);
    expect(flooded.length).toBeGreaterThan(0);
    const all = await api<AlarmView[]>('/api/v1/alarms?state=all&limit=1000');
    for (const sn of flooded) {
      const a = all.find((x) => x.sourceSn === sn && x.kind === 'depth');
      expect(a, `depth alarm for ${sn}`).toBeDefined();
      const history = await api<Array<{ action: string; level: number | null }>>(`/api/v1/alarms/${a!.id}/history`);
      expect(Math.max(...history.map((h) => h.level ?? 0))).toBeGreaterThanOrEqual(2);
    }
    expect(peakAlarms.some((a) => a.kind === 'depth' && a.level >= 2)).toBe(true);

    // Rainstorm signals switched rain mode on in the towns that got it, and the sensors sped up.
    const storms = all.filter((a) => a.kind === 'rainstorm');
    expect(storms.length).toBeGreaterThan(0);
    const stormPeaks = await Promise.all(storms.map(async (a) => Math.max(...(await api<Array<{ level: number | null }>>(`/api/v1/alarms/${a.id}/history`)).map((h) => h.level ?? 0))));
    expect(Math.max(...stormPeaks)).toBe(4); // a red signal somewhere
    expect(rainModeSeen.length).toBeGreaterThan(0);
    expect(fastInterval).toBe(true);

    // Each flooded spot's alarm opened one waterlogging event (with its ticket), not one per reading.
    const events = await sys.centre.pool.query<{ source_ref: string; n: number }>(
      "SELECT source_ref, count(*)::int AS n FROM event WHERE source = 'sensor' AND type = 'waterlogging' GROUP BY source_ref",
    );
    for (const sn of flooded) expect(events.rows.find((e) => e.source_ref === `${sn}/depth`)?.n, sn).toBe(1);
    for (const a of all.filter((x) => x.kind === 'depth')) expect(a.eventId, `alarm ${a.id}`).not.toBeNull();
    const tickets = await sys.centre.pool.query("SELECT count(*)::int AS n FROM ticket t JOIN event e ON e.id = t.event_id WHERE e.source = 'sensor'");
    expect(tickets.rows[0].n).toBeGreaterThanOrEqual(flooded.length);

    // Nine hours on, the water is gone: no depth alarm is open any more.
    const open = await api<AlarmView[]>('/api/v1/alarms?state=open');
    expect(open.filter((a) => a.kind === 'depth')).toEqual([]);
    for (const a of all.filter((x) => x.kind === 'depth')) expect(a.state === 'cleared' || a.state === 'acknowledged').toBe(true);
  });

  it('serves the storm as minute and hour series, with the peak in them', async () => {
    await sys.centre.hub.rollups.refresh();
    const [sn, peak] = [...maxDepth].sort((a, b) => b[1] - a[1])[0]!;
    const from = new Date(clock - HOURS * 3_600_000).toISOString();
    const to = new Date(clock + 60_000).toISOString();
    const hourly = await api<{ bucket: string; points: Array<{ depthMaxMm: number; n: number }> }>(`/api/v1/sensors/${sn}/series?from=${from}&to=${to}&bucket=1h`);
    expect(hourly.bucket).toBe('1h');
    expect(hourly.points.length).toBeGreaterThanOrEqual(HOURS - 1);
    expect(Math.max(...hourly.points.map((p) => p.depthMaxMm))).toBeCloseTo(peak, 0);
    const auto = await api<{ bucket: string }>(`/api/v1/sensors/${sn}/series?from=${from}&to=${to}`);
    expect(auto.bucket).toBe('1h');
    const minutes = await api<{ points: unknown[] }>(`/api/v1/sensors/${sn}/series?from=${from}&to=${to}&bucket=1m`);
    expect(minutes.points.length).toBeGreaterThan(HOURS * 25);
  });

  it('serves readings committed a moment ago in every bucket, before any rollup refresh has seen them', async () => {
    // Written straight to the table, the rollup maintainer is never told of these rows: only the
    // query-time tail can put them in the answer. Minutes after the storm's last reading.
    const sn = sysSn(0);
    const t0 = Math.ceil((clock + 5 * 60_000) / 60_000) * 60_000;
    const rows = [
      [t0 + 5_000, 100],
      [t0 + 35_000, 300],
      [t0 + 65_000, 500],
    ] as const;
    for (const [i, [tMs, depth]] of rows.entries()) {
      await sys.centre.pool.query('INSERT INTO sensor_reading (sensor_sn, seq, ts, depth_mm, rain_mm_per_h) VALUES ($1, $2, $3, $4, 12)', [sn, 9_000_000 + i, new Date(tMs), depth]);
    }
    const q = (bucket: string) => `/api/v1/sensors/${sn}/series?from=${new Date(t0).toISOString()}&to=${new Date(t0 + 10 * 60_000).toISOString()}&bucket=${bucket}`;
    const minutes = await api<{ points: Array<{ t: string; n: number; depthAvgMm: number; depthMaxMm: number }> }>(q('1m'));
    expect(minutes.points.map((p) => [Date.parse(p.t) - t0, p.n, p.depthAvgMm, p.depthMaxMm])).toEqual([
      [0, 2, 200, 300],
      [60_000, 1, 500, 500],
    ]);
    const hours = await api<{ points: Array<{ n: number; depthMaxMm: number }> }>(q('1h'));
    expect(hours.points.reduce((sum, p) => sum + p.n, 0)).toBeGreaterThanOrEqual(3);
    expect(Math.max(...hours.points.map((p) => p.depthMaxMm))).toBe(500);
    const days = await api<{ points: Array<{ depthMaxMm: number }> }>(q('1d'));
    expect(Math.max(...days.points.map((p) => p.depthMaxMm))).toBe(500);
  });

  it('lets a duty officer acknowledge an alarm once, and switch rain mode by hand', async () => {
    const all = await api<AlarmView[]>('/api/v1/alarms?state=all&limit=1000');
    const target = all.find((a) => a.state === 'active') ?? all[0]!;
    const inject = (method: 'POST' | 'PUT', url: string, payload: object, t = token) => sys.centre.hub.app.inject({ method, url, payload, headers: { authorization: `Bearer ${t}` } });
    if (target.state === 'active') {
      const ok = await inject('POST', `/api/v1/alarms/${target.id}/acknowledge`, { note: '已通知镇街' });
      expect(ok.json()).toMatchObject({ state: 'acknowledged', ackedBy: 'duty' });
    }
    const again = await inject('POST', `/api/v1/alarms/${target.id}/acknowledge`, {});
    expect(again.json().code).toBe('ALARM_NOT_ACTIVE');
    const leader = await sys.login('leader');
    expect((await inject('PUT', '/api/v1/rain-mode/440113007', { active: true }, leader)).statusCode).toBe(403);
    const on = await inject('PUT', '/api/v1/rain-mode/440113007', { active: true });
    expect(on.json()).toMatchObject({ regionCode: '440113007', active: true, source: 'manual' });
    expect((await inject('PUT', '/api/v1/rain-mode/999999999', { active: true })).json().code).toBe('TOWN_NOT_FOUND');
    const audit = await sys.centre.pool.query("SELECT actor FROM audit_log WHERE action = 'rain-mode.on' AND target = '440113007' ORDER BY id DESC LIMIT 1");
    expect(audit.rows[0]?.actor).toBe('duty');
  });
});

function sysSn(i: number): string {
  return sys.centre.seedResult.credentials[i]!.sn;
}
