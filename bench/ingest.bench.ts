/**
 * Ingest benchmark, all in one run on loopback: 50 MQTT sensor clients (each with its own
 * credentials, QoS 1, batches of readings like the sensor agent sends) → broker → the hub (its
 * MQTT consumer, batching writer, sensor rules, live WebSocket to a big screen in the devices' thread) → PostgreSQL.
 *
 *  - sustained: readings committed per second, publishing as fast as PUBACKs allow;
 *    baseline: the same pipeline writing one INSERT per reading;
 *  - paced at 5,000 readings/s: p50/p99 publish→commit and publish→WebSocket latency;
 *  - broker: aedes (ours) beside Mosquitto (Debian package, same accounts and ACL) when installed.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { Worker } from 'node:worker_threads';
import type { Benchmark, BenchRow } from './types.ts';
import type { Config } from '../common/config.ts';
import { createRegistry } from '../common/metrics.ts';
import { silentLogger } from '../common/logger.ts';
import { startEmbeddedPostgres } from '../hub/db/embedded.ts';
import { createPool, type Pool } from '../hub/db/pool.ts';
import { migrate } from '../hub/db/migrate.ts';
import { createHubServices } from '../hub/services/index.ts';
import { hashDeviceSecret } from '../hub/services/auth.service.ts';
import { startHub } from '../hub/server.ts';
import type { SensorReadingRow } from '../hub/repositories/reading.repository.ts';
import { createBroker } from '../broker/broker.ts';
import { sensorTopic } from '../protocol/topics.ts';
import type { LiveMessage } from '../protocol/api.schema.ts';

const DEVICES = 50;
const SECRET = 'bench-device-secret-0123456789abcdef';
const HUB_PASS = 'bench-hub-pass';
const JWT = 'j'.repeat(40);
const sns = Array.from({ length: DEVICES }, (_, i) => `BENCH-${String(i).padStart(3, '0')}`);

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

/** A running broker for one pass. */
interface BrokerHandle {
  url: string;
  close(): Promise<void>;
}

export async function startAedes(pool: Pool): Promise<BrokerHandle> {
  const services = createHubServices(pool, silentLogger());
  const broker = await createBroker({ authenticateDevice: (sn, s) => services.auth.authenticateDevice(sn, s), services: { 'svc-hub': HUB_PASS }, log: silentLogger(), registry: createRegistry() });
  const { port } = await broker.listen({ host: '127.0.0.1', port: 0 });
  return { url: `mqtt://127.0.0.1:${port}`, close: () => broker.close() };
}

function mosquittoAvailable(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v mosquitto && command -v mosquitto_passwd'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

/** Mosquitto with the same accounts and per-device ACL as our broker. */
async function startMosquitto(dir: string): Promise<BrokerHandle> {
  const port = await freePort();
  const passwd = path.join(dir, 'passwd');
  fs.writeFileSync(passwd, [`svc-hub:${HUB_PASS}`, ...sns.map((sn) => `${sn}:${SECRET}`)].join('\n') + '\n');
  execFileSync('mosquitto_passwd', ['-U', passwd]);
  const acl = path.join(dir, 'acl');
  fs.writeFileSync(acl, ['user svc-hub', 'topic readwrite yzg/v1/#', '', 'pattern write yzg/v1/sensor/%u/telemetry', 'pattern write yzg/v1/sensor/%u/status', 'pattern read yzg/v1/sensor/%u/config', 'pattern read yzg/v1/sensor/%u/ack', ''].join('\n'));
  const conf = path.join(dir, 'mosquitto.conf');
  fs.writeFileSync(conf, [`listener ${port} 127.0.0.1`, 'allow_anonymous false', `password_file ${passwd}`, `acl_file ${acl}`, 'persistence false', 'max_queued_messages 1000000', 'max_inflight_messages 100', 'log_type none', ''].join('\n'));
  fs.chmodSync(dir, 0o755);
  for (const f of [passwd, acl, conf]) fs.chmodSync(f, 0o644);
  const proc: ChildProcess = spawn('mosquitto', ['-c', conf], { stdio: 'ignore' });
  for (let i = 0; i < 50; i++) {
    const up = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (up) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  return {
    url: `mqtt://127.0.0.1:${port}`,
    close: async () => {
      proc.kill('SIGTERM');
      await new Promise((r) => proc.once('exit', r));
    },
  };
}

interface PassOptions {
  broker: BrokerHandle;
  naive: boolean;
  /** Readings per message. */
  batch: number;
  /** Sustained: messages per device, as fast as possible. Paced: readings per second overall, for `seconds`. */
  mode: { kind: 'sustained'; messagesPerDevice: number } | { kind: 'paced'; readingsPerS: number; seconds: number };
  tsBaseMs: number;
}

export interface PassResult {
  readings: number;
  seconds: number;
  perSecond: number;
  commitP50: number;
  commitP99: number;
  wsP50: number;
  wsP99: number;
}

/** One pass through a fresh hub on `pool`. */
let publishedTotal = 0;
/** Absolute time in ms with sub-millisecond resolution, comparable across threads. */
const nowAbs = () => performance.timeOrigin + performance.now();

export async function pass(pool: Pool, o: PassOptions, runId: string): Promise<PassResult> {
  const log = silentLogger();
  const services = createHubServices(pool, log);
  const naiveRepo = {
    // Baseline: one INSERT statement per reading, one after the other.
    async insertBatch(rows: SensorReadingRow[]) {
      const out: SensorReadingRow[] = [];
      for (const r of rows) if (await services.repos.readings.insertOne(r)) out.push(r);
      return out;
    },
  };
  const hub = await startHub({
    pool,
    log,
    registry: createRegistry(),
    jwtSecret: JWT,
    jwtTtlS: 600,
    mqtt: { url: o.broker.url, username: 'svc-hub', password: HUB_PASS, clientId: `bench-hub-${runId}` },
    http: { host: '127.0.0.1', port: 0 },
    ingest: o.naive ? { batchMax: 1, flushMs: 1 } : { batchMax: 2000, flushMs: 20 },
    readingRepo: o.naive ? naiveRepo : undefined,
    sensingTickMs: 0,
  });
  // Publish time of each reading, by sensor and sequence number (an array per sensor: the lookup
  // runs in the hub's thread for every committed reading and must cost next to nothing).
  const published = new Map<string, number[]>(sns.map((sn) => [sn, []]));
  const publishedAt = (sn: string, seq: number) => published.get(sn)?.[seq];
  const commitLat: number[] = [];
  hub.live.subscribe((m: LiveMessage) => {
    if (m.type !== 'readings') return;
    const at = nowAbs();
    for (const r of m.readings) {
      const t = publishedAt(r.sn, r.seq);
      if (t !== undefined) commitLat.push(at - t);
    }
  });
  const token = hub.app.jwt.sign({ sub: '0', username: 'bench', role: 'duty_officer', regionCode: '440113' });
  // The devices run in their own thread, as field devices are not in the hub's process.
  const worker = new Worker(new URL('./publisher.worker.mjs', import.meta.url), {
    workerData: {
      url: o.broker.url,
      sns,
      topics: sns.map((sn) => sensorTopic(sn, 'telemetry')),
      secret: SECRET,
      batch: o.batch,
      mode: o.mode,
      tsBaseMs: o.tsBaseMs,
      liveUrl: `${hub.url.replace('http', 'ws')}/api/v1/live?token=${token}`,
    },
  });
  const fromWorker = (kind: string) =>
    new Promise<{ kind: string; total?: number; wsLatencies?: number[] }>((resolve) => {
      const on = (m: { kind: string; items?: Array<[string, number, number, number]> }) => {
        if (m.kind === 'published') {
          for (const [sn, seq0, n, t] of m.items!) {
            const times = published.get(sn)!;
            for (let k = 0; k < n; k++) times[seq0 + k] = t;
          }
          return;
        }
        if (m.kind === kind) {
          worker.off('message', on);
          resolve(m);
        }
      };
      worker.on('message', on);
    });
  await fromWorker('ready');
  const committedBefore = hub.writer.stats.committed;
  const t0 = performance.now();
  const done = fromWorker('done');
  worker.postMessage('go');
  const total = (await done).total!;
  while (hub.writer.stats.committed - committedBefore < total) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  await new Promise((r) => setTimeout(r, 200));
  const closed = fromWorker('closed');
  worker.postMessage('close');
  const wsLat = (await closed).wsLatencies!;
  await worker.terminate();
  await hub.close();
  publishedTotal += total;
  commitLat.sort((a, b) => a - b);
  wsLat.sort((a, b) => a - b);
  return { readings: total, seconds, perSecond: total / seconds, commitP50: percentile(commitLat, 50), commitP99: percentile(commitLat, 99), wsP50: percentile(wsLat, 50), wsP99: percentile(wsLat, 99) };
}

/** A database (embedded unless DATABASE_URL is set) with the bench's sensors registered. */
export interface IngestRig {
  pool: Pool;
  /** Scratch folder of this run. */
  dir: string;
  close(): Promise<void>;
}

/** Prepares the database for ingest passes (also used by other benchmarks to run an ingest load beside their own work). */
export async function startIngestRig(config: Config): Promise<IngestRig> {
  let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-bench-'));
  fs.chmodSync(dir, 0o755);
  let url = config.databaseUrl;
  if (!url) {
    embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), log: silentLogger(), database: 'yzg_bench' });
    url = embedded.url;
  }
  const pool = createPool(url, silentLogger(), 10);
  const close = async () => {
    await pool.end();
    await embedded?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    await migrate(pool, silentLogger());
    const services = createHubServices(pool, silentLogger());
    await services.repos.regions.upsertMany([{ code: '440113', parentCode: null, level: 'district', name: '番禺区', centerLat: 22.95, centerLon: 113.38 }]);
    const secretHash = await hashDeviceSecret(SECRET);
    for (const sn of sns) await services.repos.devices.insert({ sn, kind: 'sensor', name: sn, secretHash, lat: 22.95, lon: 113.38, regionCode: '440113' });
    await pool.query("DELETE FROM sensor_reading WHERE sensor_sn LIKE 'BENCH-%'");
  } catch (err) {
    await close();
    throw err;
  }
  return { pool, dir, close };
}

/**
 * One paced ingest pass on `rig` (50 sensor clients in their own thread → aedes → the whole hub →
 * PostgreSQL) at `readingsPerS` for `seconds`; readings are time-stamped from `tsBaseMs`.
 */
export async function runPacedIngest(rig: IngestRig, o: { readingsPerS: number; seconds: number; tsBaseMs: number }): Promise<PassResult> {
  const aedes = await startAedes(rig.pool);
  try {
    return await pass(rig.pool, { broker: aedes, naive: false, batch: 10, mode: { kind: 'paced', readingsPerS: o.readingsPerS, seconds: o.seconds }, tsBaseMs: o.tsBaseMs }, `load${Date.now().toString(36)}`);
  } finally {
    await aedes.close();
  }
}

/** The ingest benchmark. */
export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  description: `${DEVICES} MQTT sensors → broker → hub → PostgreSQL: sustained rows/s (batched vs one INSERT per reading), latency at 5,000 readings/s, aedes vs Mosquitto`,
  async run({ config, out }) {
    const rig = await startIngestRig(config);
    const { pool, dir } = rig;
    const rows: BenchRow[] = [];
    try {
      publishedTotal = 0;
      const runId = Date.now().toString(36);
      let base = Date.parse('2026-01-01T00:00:00Z');
      const next = () => (base += 86_400_000);

      const aedes = await startAedes(pool);
      out('warm-up…');
      await pass(pool, { broker: aedes, naive: false, batch: 20, mode: { kind: 'sustained', messagesPerDevice: 20 }, tsBaseMs: next() }, `${runId}w`);
      out('aedes, batched writer, sustained: 50 devices × 200 messages × 20 readings…');
      const sustained = await pass(pool, { broker: aedes, naive: false, batch: 20, mode: { kind: 'sustained', messagesPerDevice: 200 }, tsBaseMs: next() }, `${runId}a`);
      out(`  ${sustained.readings} readings in ${sustained.seconds.toFixed(2)} s`);
      out('aedes, one INSERT per reading, sustained: 50 devices × 10 messages × 20 readings…');
      const naive = await pass(pool, { broker: aedes, naive: true, batch: 20, mode: { kind: 'sustained', messagesPerDevice: 10 }, tsBaseMs: next() }, `${runId}n`);
      out(`  ${naive.readings} readings in ${naive.seconds.toFixed(2)} s`);
      out('aedes, batched writer, paced 5,000 readings/s for 10 s…');
      const paced = await pass(pool, { broker: aedes, naive: false, batch: 10, mode: { kind: 'paced', readingsPerS: 5000, seconds: 10 }, tsBaseMs: next() }, `${runId}p`);
      out('aedes, one INSERT per reading, paced 1,000 readings/s for 10 s…');
      const pacedNaive = await pass(pool, { broker: aedes, naive: true, batch: 10, mode: { kind: 'paced', readingsPerS: 1000, seconds: 10 }, tsBaseMs: next() }, `${runId}q`);
      await aedes.close();

      rows.push(
        { figure: 'sustained readings committed per second (aedes)', unit: 'rows/s', value: sustained.perSecond, baseline: { name: 'one INSERT per reading', value: naive.perSecond }, higherIsBetter: true },
        { figure: 'publish→commit p50 at 5,000 readings/s', unit: 'ms', value: paced.commitP50, baseline: { name: 'one INSERT per reading at 1,000/s', value: pacedNaive.commitP50 }, higherIsBetter: false },
        { figure: 'publish→commit p99 at 5,000 readings/s', unit: 'ms', value: paced.commitP99, baseline: { name: 'one INSERT per reading at 1,000/s', value: pacedNaive.commitP99 }, higherIsBetter: false },
        { figure: 'publish→WebSocket p50 at 5,000 readings/s', unit: 'ms', value: paced.wsP50, baseline: { name: 'one INSERT per reading at 1,000/s', value: pacedNaive.wsP50 }, higherIsBetter: false },
        { figure: 'publish→WebSocket p99 at 5,000 readings/s', unit: 'ms', value: paced.wsP99, baseline: { name: 'one INSERT per reading at 1,000/s', value: pacedNaive.wsP99 }, higherIsBetter: false },
      );

      if (mosquittoAvailable()) {
        const mosq = await startMosquitto(fs.mkdtempSync(path.join(dir, 'mosq-')));
        out('Mosquitto, batched writer, sustained…');
        const ms = await pass(pool, { broker: mosq, naive: false, batch: 20, mode: { kind: 'sustained', messagesPerDevice: 200 }, tsBaseMs: next() }, `${runId}m`);
        out('Mosquitto, batched writer, paced 5,000 readings/s for 10 s…');
        const mp = await pass(pool, { broker: mosq, naive: false, batch: 10, mode: { kind: 'paced', readingsPerS: 5000, seconds: 10 }, tsBaseMs: next() }, `${runId}mp`);
        await mosq.close();
        rows.push(
          { figure: 'sustained readings committed per second: aedes vs Mosquitto', unit: 'rows/s', value: sustained.perSecond, baseline: { name: 'Mosquitto 2 (Debian)', value: ms.perSecond }, higherIsBetter: true },
          { figure: 'publish→commit p99 at 5,000/s: aedes vs Mosquitto', unit: 'ms', value: paced.commitP99, baseline: { name: 'Mosquitto 2 (Debian)', value: mp.commitP99 }, higherIsBetter: false },
        );
      } else {
        out('Mosquitto is not installed (apt-get install mosquitto): broker comparison skipped');
      }
      const stored = await pool.query<{ n: string }>("SELECT count(*) AS n FROM sensor_reading WHERE sensor_sn LIKE 'BENCH-%'");
      rows.push({ figure: 'readings lost (published − stored)', unit: 'rows', value: publishedTotal - Number(stored.rows[0]!.n), higherIsBetter: false });
      return rows;
    } finally {
      await rig.close();
    }
  },
};
