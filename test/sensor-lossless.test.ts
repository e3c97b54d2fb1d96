/**
 * Lossless sensing: readings taken by sensors reach the database exactly once through a broker
 * restart, a 60 s database outage and a sensor agent killed with -9. Every part is real: aedes,
 * PostgreSQL (a server of this file's own, so it can be stopped), MQTT over loopback TCP, the
 * agents' journals on disk. Only the weather is simulated.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import mqtt from 'mqtt';
import { silentLogger } from '../common/logger.ts';
import { createRegistry, type Registry } from '../common/metrics.ts';
import { startEmbeddedPostgres, type EmbeddedDb } from '../hub/db/embedded.ts';
import { createPool, type Pool } from '../hub/db/pool.ts';
import { migrate } from '../hub/db/migrate.ts';
import { createHubServices, type HubServices } from '../hub/services/index.ts';
import { hashDeviceSecret } from '../hub/services/auth.service.ts';
import { startHub, type Hub } from '../hub/server.ts';
import { createBroker, type Broker } from '../broker/broker.ts';
import { SensorAgent } from '../edge/sensor/sensor-agent.ts';
import type { SensorAdapter } from '../edge/sensor/adapters/adapter.ts';
import { sensorTopic } from '../protocol/topics.ts';

const SECRET = 'lossless-test-secret-000000000000';
const root = path.resolve(import.meta.dirname, '..');
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-lossless-'));
fs.chmodSync(tmp, 0o755);
const log = silentLogger();

let pgPort: number;
let db: EmbeddedDb;
let pool: Pool;
let services: HubServices;
let registry: Registry;
let broker: Broker;
let brokerPort: number;
let hub: Hub;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function waitFor(cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<void> {
  const t0 = Date.now();
  while (!(await cond())) {
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function startBroker(): Promise<void> {
  broker = await createBroker({ authenticateDevice: (sn, s) => services.auth.authenticateDevice(sn, s), services: { 'svc-hub': 'hub-pass' }, log, registry });
  await broker.listen({ host: '127.0.0.1', port: brokerPort });
}

const steady: SensorAdapter = { name: 'steady', read: async () => ({ depthMm: 42, rainMmPerH: 10 }) };

function agentsFor(prefix: string, n: number, intervalMs: number): SensorAgent[] {
  return Array.from({ length: n }, (_, i) =>
    new SensorAgent({ sn: `${prefix}-${String(i).padStart(2, '0')}`, secret: SECRET, brokerUrl: `mqtt://127.0.0.1:${brokerPort}`, intervalMs, stateDir: path.join(tmp, 'edge'), adapter: steady, log, ackTimeoutMs: 3000 }),
  );
}

async function registerSensors(prefix: string, n: number): Promise<void> {
  const hash = await hashDeviceSecret(SECRET);
  for (let i = 0; i < n; i++) {
    const sn = `${prefix}-${String(i).padStart(2, '0')}`;
    await services.repos.devices.insert({ sn, kind: 'sensor', name: sn, secretHash: hash, lat: 22.95, lon: 113.38, regionCode: '440113' });
  }
}

/** Every reading each agent took is stored once: the stored sequence set is exactly 0 … taken−1. */
async function expectExactlyOnce(agents: SensorAgent[]): Promise<number> {
  let total = 0;
  for (const a of agents) {
    const sn = (a as unknown as { opts: { sn: string } }).opts.sn;
    const r = await pool.query<{ n: number; distinct: number; max: number | null }>(
      'SELECT count(*)::int AS n, count(DISTINCT seq)::int AS distinct, max(seq)::int AS max FROM sensor_reading WHERE sensor_sn = $1',
      [sn],
    );
    const row = r.rows[0]!;
    expect(row.n, sn).toBe(a.stats.sampled);
    expect(row.distinct, sn).toBe(row.n);
    expect(row.max, sn).toBe(a.stats.sampled - 1);
    total += row.n;
  }
  return total;
}

beforeAll(async () => {
  pgPort = await freePort();
  brokerPort = await freePort();
  db = await startEmbeddedPostgres({ dir: path.join(tmp, 'pg'), port: pgPort, log });
  pool = createPool(db.url, log, 10);
  await migrate(pool, log);
  services = createHubServices(pool, log);
  await services.repos.regions.upsertMany([{ code: '440113', parentCode: null, level: 'district', name: '番禺区', centerLat: 22.95, centerLon: 113.38 }]);
  registry = createRegistry();
  await startBroker();
  hub = await startHub({
    pool,
    log,
    registry,
    jwtSecret: 'x'.repeat(40),
    jwtTtlS: 600,
    mqtt: { url: `mqtt://127.0.0.1:${brokerPort}`, username: 'svc-hub', password: 'hub-pass', clientId: 'lossless-hub' },
    http: { host: '127.0.0.1', port: 0 },
    ingest: { batchMax: 500, flushMs: 20, spillDir: path.join(tmp, 'spill') },
  });
});

afterAll(async () => {
  await hub?.close();
  await broker?.close();
  await pool?.end();
  await db?.stop();
  fs.rmSync(tmp, { recursive: true, force: true });
});

describe('lossless sensing', () => {
  it('delivers every reading exactly once while the broker is killed and restarted under 50 publishing sensors', { timeout: 90_000 }, async () => {
    await registerSensors('BRK', 50);
    const agents = agentsFor('BRK', 50, 100);
    await Promise.all(agents.map((a) => a.start()));
    await new Promise((r) => setTimeout(r, 1500));
    await broker.close(); // every connection dropped, every in-flight message gone
    await new Promise((r) => setTimeout(r, 2000)); // the sensors keep measuring into their journals
    await startBroker();
    await new Promise((r) => setTimeout(r, 2000));
    await Promise.all(agents.map((a) => (a as unknown as { timer: NodeJS.Timeout }).timer).map((t) => clearInterval(t)));
    await waitFor(() => agents.every((a) => a.backlog === 0), 45_000, 'every journal to be acknowledged');
    const total = await expectExactlyOnce(agents);
    expect(total).toBeGreaterThan(50 * 40);
    await Promise.all(agents.map((a) => a.stop()));
  });

  it('loses no accepted reading while the database is down for 60 s under load', { timeout: 150_000 }, async () => {
    await registerSensors('DBD', 20);
    const agents = agentsFor('DBD', 20, 100);
    await Promise.all(agents.map((a) => a.start()));
    await new Promise((r) => setTimeout(r, 1000));
    await db.stop();
    const down = Date.now();
    await waitFor(() => hub.writer.stats.dbErrors > 0, 10_000, 'the writer to notice');
    await new Promise((r) => setTimeout(r, 60_000 - (Date.now() - down)));
    const accepted = hub.writer.stats.accepted;
    expect(hub.writer.stats.buffered).toBeGreaterThan(0);
    db = await startEmbeddedPostgres({ dir: path.join(tmp, 'pg'), port: pgPort, log });
    await new Promise((r) => setTimeout(r, 1000));
    for (const a of agents) clearInterval((a as unknown as { timer: NodeJS.Timeout }).timer);
    await waitFor(() => agents.every((a) => a.backlog === 0), 60_000, 'every journal to be acknowledged');
    expect(hub.writer.stats.accepted).toBeGreaterThanOrEqual(accepted);
    const total = await expectExactlyOnce(agents);
    expect(total).toBeGreaterThan(20 * 500); // ~10 readings/s per sensor for over a minute
    await Promise.all(agents.map((a) => a.stop()));
  });

  it('delivers the unsent readings of a sensor agent killed with -9 once it is restarted', { timeout: 60_000 }, async () => {
    await registerSensors('KIL', 1);
    const sn = 'KIL-00';
    const deadPort = await freePort(); // nothing listens: the agent measures but cannot send
    const env = { ...process.env, YZG_DATA_DIR: path.join(tmp, 'kill-agent'), YZG_LOG_LEVEL: 'silent', YZG_SIM_SCENARIO: 'heavy-rain' };
    const args = ['--import', 'tsx', 'cli/yzg.ts', 'edge', 'sensor', '--sn', sn, '--secret', SECRET, '--interval-ms', '100'];
    const offline = spawn(process.execPath, [...args, '--broker', `mqtt://127.0.0.1:${deadPort}`], { cwd: root, env, stdio: 'ignore' });
    const journal = path.join(tmp, 'kill-agent', 'edge', `${sn}.spool.jsonl`);
    await waitFor(() => fs.existsSync(journal) && fs.readFileSync(journal, 'utf8').split('\n').filter(Boolean).length >= 20, 30_000, 'the journal to fill');
    offline.kill('SIGKILL');
    await new Promise((r) => offline.once('exit', r));
    const taken = fs.readFileSync(journal, 'utf8').split('\n').filter(Boolean).length;
    expect(await pool.query('SELECT 1 FROM sensor_reading WHERE sensor_sn = $1', [sn]).then((r) => r.rowCount)).toBe(0);

    const online = spawn(process.execPath, [...args, '--broker', `mqtt://127.0.0.1:${brokerPort}`], { cwd: root, env, stdio: 'ignore' });
    try {
      await waitFor(async () => (await pool.query<{ n: number }>('SELECT count(DISTINCT seq)::int AS n FROM sensor_reading WHERE sensor_sn = $1 AND seq < $2', [sn, taken])).rows[0]!.n === taken, 30_000, 'the journal to be delivered');
      const dup = await pool.query<{ n: number }>('SELECT count(*)::int - count(DISTINCT seq)::int AS n FROM sensor_reading WHERE sensor_sn = $1', [sn]);
      expect(dup.rows[0]!.n).toBe(0);
    } finally {
      online.kill('SIGTERM');
      await new Promise((r) => online.once('exit', r));
    }
  });

  it('rejects and counts thousands of fuzzed payloads, and keeps the broker and hub serving', { timeout: 60_000 }, async () => {
    await registerSensors('FUZ', 1);
    const sn = 'FUZ-00';
    const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${brokerPort}`, { username: sn, password: SECRET, protocolVersion: 4, reconnectPeriod: 0 });
    const metric = async () => {
      const text = await registry.metrics();
      return text.split('\n').filter((l) => l.startsWith('yzg_mqtt_rejected_total{channel="telemetry"')).reduce((s, l) => s + Number(l.split(' ').pop()), 0);
    };
    const before = await metric();
    const payloads = fc.sample(
      fc.oneof(
        fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b)),
        fc.anything().map((v) => Buffer.from(JSON.stringify(v) ?? 'null')),
        fc.record({ readings: fc.array(fc.record({ seq: fc.oneof(fc.integer(), fc.string()), ts: fc.string(), depthMm: fc.oneof(fc.double(), fc.string()) }), { maxLength: 3 }) }).map((v) => Buffer.from(JSON.stringify(v))),
      ),
      { numRuns: 3000, seed: 20261122 },
    );
    for (let i = 0; i < payloads.length; i += 100) {
      await Promise.all(payloads.slice(i, i + 100).map((p) => c.publishAsync(sensorTopic(sn, 'telemetry'), p, { qos: 1 })));
    }
    await waitFor(async () => (await metric()) - before === payloads.length, 20_000, 'every fuzzed payload to be counted');
    expect(await pool.query('SELECT 1 FROM sensor_reading WHERE sensor_sn = $1', [sn]).then((r) => r.rowCount)).toBe(0);
    await c.publishAsync(sensorTopic(sn, 'telemetry'), JSON.stringify({ readings: [{ seq: 0, ts: new Date().toISOString(), depthMm: 10 }] }), { qos: 1 });
    await waitFor(async () => (await pool.query('SELECT 1 FROM sensor_reading WHERE sensor_sn = $1', [sn])).rowCount === 1, 5000, 'a good reading after the fuzz');
    await c.endAsync();
  });
});
