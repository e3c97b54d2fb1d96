/**
 * The sensor path end to end over real sockets: a device authenticates to aedes with its own
 * credentials, publishes readings at QoS 1, the hub validates and stores them in PostgreSQL and
 * streams them to signed-in WebSocket clients. Bad input is refused, counted, and crashes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import mqtt from 'mqtt';
import WebSocket from 'ws';
import { startSystem, type TestSystem } from './support/system.ts';
import { sensorTopic } from '../protocol/topics.ts';
import type { LiveMessage } from '../protocol/api.schema.ts';

let sys: TestSystem;
beforeAll(async () => {
  sys = await startSystem();
});
afterAll(async () => sys?.stop());

async function metricValue(line: string): Promise<number> {
  const text = await sys.centre.registry.metrics();
  const hit = text.split('\n').find((l) => l.startsWith(line + ' '));
  return hit ? Number(hit.slice(line.length + 1)) : 0;
}

async function waitFor<T>(fn: () => Promise<T | undefined | false>, timeoutMs = 5000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 25));
  }
}

function connectDevice(sn: string, secret: string, extra: mqtt.IClientOptions = {}): Promise<mqtt.MqttClient> {
  return mqtt.connectAsync(sys.mqttUrl, { username: sn, password: secret, protocolVersion: 4, reconnectPeriod: 0, ...extra });
}

function closed(client: mqtt.MqttClient): Promise<void> {
  return new Promise((resolve) => (client.connected ? client.once('close', () => resolve()) : resolve()));
}

describe('sensor path', () => {
  it('stores a published reading and pushes it to the live WebSocket within 2 s', async () => {
    const { sn } = sys.sensors[0]!;
    const token = await sys.login('duty');
    const ws = new WebSocket(`${sys.httpUrl.replace('http', 'ws')}/api/v1/live?token=${token}`);
    const messages: LiveMessage[] = [];
    ws.on('message', (d) => messages.push(JSON.parse(String(d)) as LiveMessage));
    await waitFor(async () => messages.some((m) => m.type === 'hello'));

    const ts = new Date().toISOString();
    const t0 = Date.now();
    await sys.publishReading(sn, { seq: 1, ts, depthMm: 186, rainMmPerH: 42 });
    const row = await waitFor(async () => (await sys.centre.pool.query('SELECT depth_mm FROM sensor_reading WHERE sensor_sn = $1 AND seq = 1', [sn])).rows[0]);
    const live = await waitFor(async () => messages.find((m) => m.type === 'readings' && m.readings.some((r) => r.sn === sn)));
    const elapsedMs = Date.now() - t0;
    expect(row.depth_mm).toBe(186);
    expect(live).toMatchObject({ type: 'readings', readings: [{ sn, seq: 1, depthMm: 186, rainMmPerH: 42 }] });
    expect(elapsedMs).toBeLessThan(2000);
    ws.close();
  });

  it('refuses the live WebSocket without a valid token', async () => {
    const ws = new WebSocket(`${sys.httpUrl.replace('http', 'ws')}/api/v1/live?token=bad`);
    const code = await new Promise<number>((resolve) => {
      ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.on('open', () => resolve(101));
    });
    expect(code).toBe(401);
  });

  it('stores a replayed reading once (idempotent on sensor, time and sequence)', async () => {
    const { sn } = sys.sensors[1]!;
    const reading = { seq: 7, ts: '2026-11-22T01:00:00.000Z', depthMm: 55 };
    await sys.publishReading(sn, reading);
    await sys.publishReading(sn, reading);
    await waitFor(async () => sys.centre.hub.writer.stats.duplicate >= 1);
    const n = await sys.centre.pool.query('SELECT count(*)::int AS n FROM sensor_reading WHERE sensor_sn = $1 AND seq = 7', [sn]);
    expect(n.rows[0].n).toBe(1);
  });

  it('drops and counts a malformed reading, and keeps serving the next good one', async () => {
    const { sn, secret } = sys.sensors[2]!;
    const c = await connectDevice(sn, secret);
    const before = await metricValue('yzg_mqtt_rejected_total{channel="telemetry",reason="bad-payload"}');
    await c.publishAsync(sensorTopic(sn, 'telemetry'), '{"readings":[{"seq":"one","depthMm":-5}]}', { qos: 1 });
    await c.publishAsync(sensorTopic(sn, 'telemetry'), Buffer.from([0xff, 0xfe, 0x00, 0x01]), { qos: 1 });
    await waitFor(async () => (await metricValue('yzg_mqtt_rejected_total{channel="telemetry",reason="bad-payload"}')) >= before + 2);
    await c.publishAsync(sensorTopic(sn, 'telemetry'), JSON.stringify({ readings: [{ seq: 3, ts: new Date().toISOString(), depthMm: 12 }] }), { qos: 1 });
    await waitFor(async () => (await sys.centre.pool.query('SELECT 1 FROM sensor_reading WHERE sensor_sn = $1 AND seq = 3', [sn])).rowCount);
    const bad = await sys.centre.pool.query('SELECT count(*)::int AS n FROM sensor_reading WHERE sensor_sn = $1', [sn]);
    expect(bad.rows[0].n).toBe(1);
    await c.endAsync();
  });

  it('refuses a wrong device secret and counts it', async () => {
    const { sn } = sys.sensors[3]!;
    const before = await metricValue('yzg_broker_auth_total{outcome="bad-credentials"}');
    await expect(connectDevice(sn, 'not-the-secret')).rejects.toThrow(/Bad username or password/i);
    await expect(connectDevice('svc-hub', 'guess')).rejects.toThrow(/Bad username or password/i);
    await expect(connectDevice('WL-UNKNOWN', 'x')).rejects.toThrow(/Bad username or password/i);
    expect(await metricValue('yzg_broker_auth_total{outcome="bad-credentials"}')).toBe(before + 3);
  });

  it('disconnects a device that publishes under another serial number, and stores nothing', async () => {
    const mine = sys.sensors[4]!;
    const victim = sys.sensors[5]!;
    const c = await connectDevice(mine.sn, mine.secret);
    const before = await metricValue('yzg_broker_denied_total{action="publish",reason="other-device"}');
    const gone = closed(c);
    c.publish(sensorTopic(victim.sn, 'telemetry'), JSON.stringify({ readings: [{ seq: 99, ts: new Date().toISOString(), depthMm: 999 }] }), { qos: 1 });
    await gone;
    expect(await metricValue('yzg_broker_denied_total{action="publish",reason="other-device"}')).toBe(before + 1);
    const n = await sys.centre.pool.query('SELECT count(*)::int AS n FROM sensor_reading WHERE sensor_sn = $1 AND seq = 99', [victim.sn]);
    expect(n.rows[0].n).toBe(0);
    c.end(true);
  });

  it('refuses a subscription to another device\'s topics or a wildcard with SUBACK failure', async () => {
    const mine = sys.sensors[6]!;
    const c = await connectDevice(mine.sn, mine.secret);
    const own = await c.subscribeAsync(sensorTopic(mine.sn, 'config'), { qos: 1 });
    expect(own[0]?.qos).toBe(1);
    for (const filter of [sensorTopic(sys.sensors[7]!.sn, 'config'), 'yzg/v1/sensor/+/telemetry', '#']) {
      const err = await c.subscribeAsync(filter, { qos: 1 }).then(() => null, (e: { packet?: { granted?: number[] } }) => e);
      expect(err?.packet?.granted).toEqual([128]);
    }
    await c.endAsync();
  });

  it('refuses a connection whose last will names another device', async () => {
    const mine = sys.sensors[8]!;
    const will = { topic: sensorTopic(sys.sensors[9]!.sn, 'status'), payload: Buffer.from('{"state":"offline"}'), qos: 1 as const, retain: true };
    await expect(connectDevice(mine.sn, mine.secret, { will })).rejects.toThrow(/Not authorized/i);
  });

  it('marks a sensor offline from its last will when it drops off', async () => {
    const s = sys.sensors[10]!;
    const will = { topic: sensorTopic(s.sn, 'status'), payload: Buffer.from(JSON.stringify({ state: 'offline' })), qos: 1 as const, retain: true };
    const c = await connectDevice(s.sn, s.secret, { will });
    await c.publishAsync(sensorTopic(s.sn, 'status'), JSON.stringify({ state: 'online', ts: new Date().toISOString() }), { qos: 1, retain: true });
    await waitFor(async () => (await sys.centre.pool.query('SELECT online FROM device WHERE sn = $1', [s.sn])).rows[0]?.online === true);
    (c as unknown as { stream: { destroy(): void } }).stream.destroy(); // vanish without DISCONNECT
    await waitFor(async () => (await sys.centre.pool.query('SELECT online FROM device WHERE sn = $1', [s.sn])).rows[0]?.online === false);
  });

  it('survives garbage bytes on the MQTT port', async () => {
    const net = await import('node:net');
    const url = new URL(sys.mqttUrl);
    await new Promise<void>((resolve) => {
      const sock = net.connect(Number(url.port), url.hostname, () => {
        sock.write(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff, 0x7f, 0x00, 0x13, 0x37]));
        sock.write(Buffer.alloc(64, 0xab));
      });
      sock.on('close', () => resolve());
      sock.on('error', () => resolve());
      setTimeout(() => sock.destroy(), 1000);
    });
    const { sn } = sys.sensors[11]!;
    await sys.publishReading(sn, { seq: 1, ts: new Date().toISOString(), depthMm: 1 });
    await waitFor(async () => (await sys.centre.pool.query('SELECT 1 FROM sensor_reading WHERE sensor_sn = $1', [sn])).rowCount);
  });
});
