/**
 * The dock path end to end over real sockets: the whole centre (embedded PostgreSQL, aedes, hub
 * with its ground station) and a dock agent with its simulated drone, connected with the dock's
 * own credentials and tunnelling MAVLink through MQTT. An operator launches the drone to a point
 * 2 km away through the API, brings it back; the positions trace the flight in the database, the
 * flight record is complete, every command is audited, the live WebSocket shows the drone. The
 * dock refuses to launch beyond its wind limit and says why; a vanished health alarm is cleared.
 */
import net from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startSystem, type TestSystem } from './support/system.ts';
import { startSimDock } from './support/sim-dock.ts';
import { silentLogger } from '../common/logger.ts';
import { DockAgent } from '../edge/dock/dock-agent.ts';
import { SimulatedWeatherStation } from '../edge/dock/weather-station.ts';
import { SimAutopilot } from '../edge/dock/sim-autopilot/sim-autopilot.ts';
import type { ByteEndpoint } from '../edge/dock/mavlink/byte-endpoint.ts';
import { distanceM, moveNe } from '../edge/dock/sim-autopilot/geo.ts';
import type { LiveMessage } from '../protocol/api.schema.ts';
import type { DockCommandReply, DockView, FlightView } from '../protocol/dock.schema.ts';

let sys: TestSystem;
let agent: DockAgent;
let token: string;
const weather = new SimulatedWeatherStation({ windMps: 4, windFromDeg: 90, rainMmPerH: 0, temperatureC: 25 });
let dock: { sn: string; lat: number; lon: number };

async function until<T>(what: string, fn: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function api<T>(method: 'GET' | 'POST', url: string, payload?: unknown, as = token): Promise<{ status: number; body: T }> {
  const res = await sys.centre.hub.app.inject({ method, url, headers: { authorization: `Bearer ${as}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: res.statusCode, body: res.json() as T };
}

const getDock = async () => (await api<DockView>('GET', `/api/v1/docks/${dock.sn}`)).body;

beforeAll(async () => {
  sys = await startSystem();
  dock = sys.centre.seedResult.docks![0]!;
  agent = await startSimDock(sys, dock.sn, { timeScale: 25, ekfReadyAfterS: 2 }, { weather });
  token = await sys.login('operator');
  await until('dock ready and drone linked', async () => {
    const d = await getDock();
    return d.droneLinked && d.state === 'idle' && d.online && d.drone !== null;
  });
});

afterAll(async () => {
  await agent?.stop();
  await sys?.stop();
});

describe('docks and flights through the hub', () => {
  it('lists the 16 seeded docks, one per town, with their coverage', async () => {
    const { status, body } = await api<DockView[]>('GET', '/api/v1/docks');
    expect(status).toBe(200);
    expect(body).toHaveLength(16);
    expect(new Set(body.map((d) => d.regionCode)).size).toBe(16);
    const mine = body.find((d) => d.sn === dock.sn)!;
    expect(mine).toMatchObject({ online: true, state: 'idle', droneLinked: true, coverageRadiusM: 7000 });
    expect(mine.drone?.mode).toBe('STABILIZE');
  });

  it('refuses to launch beyond the wind limit and says why; the health alarm clears when the wind drops', async () => {
    weather.set({ windMps: 13.5 });
    await until('wind alarm', async () => (await getDock()).alarms.some((a) => a.code === 'dock.wind-over-limit'));
    const target = moveNe(dock, 500, 0);
    const { status, body } = await api<DockCommandReply>('POST', `/api/v1/docks/${dock.sn}/launch`, { lat: target.lat, lon: target.lon, altitudeM: 60 });
    expect(status).toBe(200);
    expect(body.outcome).toBe('denied');
    expect(body.message).toMatch(/风速 13\.5 m\/s 超过起飞限制 10 m\/s/);
    const audit = await sys.centre.pool.query(`SELECT actor, outcome, details FROM audit_log WHERE action = 'dock.launch' ORDER BY id DESC LIMIT 1`);
    expect(audit.rows[0]).toMatchObject({ actor: 'operator', outcome: 'denied' });
    expect(agent.currentState).toBe('idle');
    weather.set({ windMps: 4 });
    await until('alarm cleared', async () => (await getDock()).alarms.length === 0);
  });

  it('launches to a point 2 km away, comes back, and records the flight', async () => {
    const live: LiveMessage[] = [];
    const ws = new WebSocket(`${sys.httpUrl.replace('http', 'ws')}/api/v1/live?token=${token}`);
    ws.on('message', (d) => live.push(JSON.parse(String(d)) as LiveMessage));
    await until('ws hello', () => live.some((m) => m.type === 'hello'));

    const target = moveNe(dock, -1200, 1600);
    const launch = await api<DockCommandReply>('POST', `/api/v1/docks/${dock.sn}/launch`, { lat: target.lat, lon: target.lon, altitudeM: 60 });
    expect(launch.status).toBe(200);
    expect(launch.body.outcome).toBe('accepted');
    expect(launch.body.steps.map((s) => s.step)).toEqual(['dock.prepare-launch', 'fence 7000 m', 'set-mode GUIDED', 'arm', 'takeoff 60 m']);
    await until('dock in flight', () => agent.currentState === 'in-flight');
    await until('at the target', async () => {
      const d = (await getDock()).drone;
      return d && distanceM(d, target) < 10 && d.altRelM > 58;
    }, 30_000);

    // It looks around at the point for a moment (positions are stored every 500 ms in flight).
    await new Promise((r) => setTimeout(r, 1200));
    const ret = await api<DockCommandReply>('POST', `/api/v1/docks/${dock.sn}/return`, {});
    expect(ret.body.outcome).toBe('accepted');
    const flight = await until('flight closed', async () => {
      const fl = (await api<FlightView[]>('GET', `/api/v1/flights?dockSn=${dock.sn}`)).body;
      return fl[0]?.endedAt ? fl[0] : undefined;
    }, 40_000);
    await until('dock charging', () => agent.currentState === 'charging' || agent.currentState === 'idle');

    // The flight record is complete.
    expect(flight.sysId).toBe(sys.centre.seedResult.docks![0]!.droneSysId);
    expect(flight.distanceM).toBeGreaterThan(3900);
    expect(flight.distanceM).toBeLessThan(4300);
    expect(flight.maxAltRelM).toBeGreaterThan(58);
    expect(flight.maxAltRelM).toBeLessThanOrEqual(61);
    expect(flight.durationS).toBeGreaterThan(0);
    expect(flight.batteryUsedPct).toBeGreaterThan(0);
    expect(distanceM(flight.landing!, dock)).toBeLessThan(5);
    expect(flight.track.length).toBeGreaterThan(20);
    const one = (await api<FlightView>('GET', `/api/v1/flights/${flight.id}`)).body;
    expect(one.id).toBe(flight.id);

    // Positions in the database trace the flight out to the target and back.
    const track = (await api<Array<{ lat: number; lon: number; altRelM: number }>>('GET', `/api/v1/docks/${dock.sn}/track`)).body;
    expect(track.length).toBeGreaterThan(20);
    const far = Math.max(...track.map((p) => distanceM(p, dock)));
    expect(far).toBeGreaterThan(1950);
    expect(Math.min(...track.slice(-3).map((p) => distanceM(p, dock)))).toBeLessThan(5);

    // Every command is audited with its outcome, including the automatic go-to after take-off.
    const audit = await sys.centre.pool.query(`SELECT action, outcome, actor FROM audit_log WHERE target = $1 AND action LIKE 'dock.%' ORDER BY id`, [dock.sn]);
    const rows = audit.rows.map((r) => `${r.action}:${r.outcome}`);
    expect(rows).toEqual(expect.arrayContaining(['dock.launch:accepted', 'dock.go-to:accepted', 'dock.return:accepted']));

    // The live WebSocket showed the drone moving, its flight and the dock's states.
    const vehicles = live.filter((m): m is Extract<LiveMessage, { type: 'vehicle' }> => m.type === 'vehicle' && m.dockSn === dock.sn);
    expect(vehicles.length).toBeGreaterThan(10);
    expect(vehicles[vehicles.length - 1]!.telemetry.batteryPct).toBeLessThan(vehicles[0]!.telemetry.batteryPct);
    expect(live.some((m) => m.type === 'flight' && m.event === 'ended')).toBe(true);
    expect(live.some((m) => m.type === 'dock-state' && m.state === 'in-flight')).toBe(true);
    ws.close();
  }, 120_000);

  it('needs an explicit confirmation for an emergency stop, and a pilot role for any command', async () => {
    const bad = await api<{ code: string }>('POST', `/api/v1/docks/${dock.sn}/emergency-stop`, { confirm: 'yes', reason: '测试' });
    expect(bad.status).toBe(400);
    expect(bad.body.code).toBe('EMERGENCY_STOP_NOT_CONFIRMED');
    const leader = await sys.login('leader');
    const denied = await api<{ code: string }>('POST', `/api/v1/docks/${dock.sn}/hold`, {}, leader);
    expect(denied.status).toBe(403);
    const missing = await api<{ code: string }>('POST', '/api/v1/docks/DK-NOPE/hold', {});
    expect(missing.body.code).toBe('DOCK_NOT_FOUND');
    const far = await api<{ code: string }>('POST', `/api/v1/docks/${dock.sn}/go-to`, { lat: 23.3, lon: 113.9, altitudeM: 60 });
    expect(far.body.code).toBe('TARGET_OUT_OF_RANGE');
    const high = await api<{ code: string }>('POST', `/api/v1/docks/${dock.sn}/go-to`, { lat: dock.lat, lon: dock.lon, altitudeM: 150 });
    expect(high.body.code).toBe('VALIDATION_FAILED');
  });

  it('relays an external autopilot on tcp:host:port (a real one or SITL) to the centre', async () => {
    const cred = sys.centre.seedResult.docks![1]!;
    let sim: SimAutopilot | undefined;
    const server = net.createServer((sock) => {
      let receiver: (b: Buffer) => void = () => undefined;
      const ep: ByteEndpoint = { send: (b) => void sock.write(b), onData: (fn) => void (receiver = fn), close: async () => void sock.destroy() };
      sock.on('data', (b) => receiver(b));
      sock.on('error', () => undefined);
      sim = new SimAutopilot({ sysId: cred.droneSysId, home: { lat: cred.lat, lon: cred.lon, altAmslM: 12 }, endpoint: ep, log: silentLogger(), timeScale: 25, ekfReadyAfterS: 1 }).start();
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const external = new DockAgent({
      sn: cred.sn,
      secret: cred.secret,
      brokerUrl: sys.mqttUrl,
      lat: cred.lat,
      lon: cred.lon,
      droneSysId: cred.droneSysId,
      autopilot: `tcp:127.0.0.1:${(server.address() as net.AddressInfo).port}`,
      groundStation: { kind: 'mqtt', flushMs: 20 },
      weather: new SimulatedWeatherStation({ windMps: 2, windFromDeg: 0, rainMmPerH: 0, temperatureC: 25 }),
      osdIntervalMs: 500,
      log: silentLogger(),
    });
    try {
      await external.start();
      await until('external drone linked', async () => {
        const d = (await api<DockView>('GET', `/api/v1/docks/${cred.sn}`)).body;
        return d.droneLinked && d.drone !== null;
      });
      const hold = await api<DockCommandReply>('POST', `/api/v1/docks/${cred.sn}/hold`, {});
      expect(hold.body.outcome).toBe('accepted');
      expect(sim!.snapshot().mode).toBe('LOITER');
    } finally {
      await external.stop();
      sim?.stop();
      await new Promise((r) => server.close(r));
    }
  });
});
