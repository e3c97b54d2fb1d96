/**
 * Ingest benchmark: readings published over MQTT by 50 device clients (QoS 1, each with its own
 * credentials) → aedes → the hub's MQTT consumer → rows committed in PostgreSQL. The same pipeline
 * runs twice in one process: with the batching writer, and with a naive one-INSERT-per-reading
 * writer as the baseline. Reports sustained rows/s and publish→commit latency.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import mqtt from 'mqtt';
import type { Benchmark, BenchRow } from './types.ts';
import { createRegistry } from '../common/metrics.ts';
import { silentLogger } from '../common/logger.ts';
import { startEmbeddedPostgres } from '../hub/db/embedded.ts';
import { createPool, type Pool } from '../hub/db/pool.ts';
import { migrate } from '../hub/db/migrate.ts';
import { createHubServices } from '../hub/services/index.ts';
import { hashDeviceSecret } from '../hub/services/auth.service.ts';
import { ReadingWriter } from '../hub/ingest/reading-writer.ts';
import { startMqttIngest } from '../hub/ingest/mqtt-ingest.ts';
import type { SensorReadingRow } from '../hub/repositories/reading.repository.ts';
import { createBroker } from '../broker/broker.ts';
import { sensorTopic } from '../protocol/topics.ts';

const DEVICES = 50;
const SECRET = 'bench-device-secret-0123456789abcdef';

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

interface PassResult {
  readings: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

/** One pass: `perDevice` readings from each of the devices through broker, consumer and writer. */
async function pass(pool: Pool, mode: 'batched' | 'naive', perDevice: number, runId: string): Promise<PassResult> {
  const log = silentLogger();
  const registry = createRegistry();
  const services = createHubServices(pool, log);
  const published = new Map<string, number>();
  const latencies: number[] = [];
  const repo =
    mode === 'batched'
      ? services.repos.readings
      : {
          // Baseline: one INSERT statement per reading, one after the other.
          async insertBatch(rows: SensorReadingRow[]) {
            const out: SensorReadingRow[] = [];
            for (const r of rows) if (await services.repos.readings.insertOne(r)) out.push(r);
            return out;
          },
        };
  const writer = new ReadingWriter({
    repo,
    log,
    registry,
    batchMax: mode === 'batched' ? 2000 : 1,
    flushMs: mode === 'batched' ? 20 : 1,
    onCommitted: (rows) => {
      const now = performance.now();
      for (const r of rows) {
        const t = published.get(`${r.sn}/${r.seq}`);
        if (t !== undefined) latencies.push(now - t);
      }
    },
  });
  const broker = await createBroker({ authenticateDevice: (sn, s) => services.auth.authenticateDevice(sn, s), services: { 'svc-hub': 'bench' }, log, registry });
  const { port } = await broker.listen({ host: '127.0.0.1', port: 0 });
  const url = `mqtt://127.0.0.1:${port}`;
  const ingest = await startMqttIngest({ url, username: 'svc-hub', password: 'bench', clientId: `bench-${mode}-${runId}`, writer, onStatus: async () => undefined, log, registry });
  const sns = Array.from({ length: DEVICES }, (_, i) => `BENCH-${String(i).padStart(3, '0')}`);
  const clients = await Promise.all(sns.map((sn) => mqtt.connectAsync(url, { username: sn, password: SECRET, protocolVersion: 4, reconnectPeriod: 0 })));
  const total = DEVICES * perDevice;
  const base = Date.parse('2026-01-01T00:00:00Z') + (mode === 'batched' ? 0 : 1) * 86_400_000;
  const t0 = performance.now();
  await Promise.all(
    clients.map(async (c, d) => {
      const sn = sns[d]!;
      // Up to 20 messages in flight per device: the device waits for PUBACKs like a real one.
      const inflight = new Set<Promise<unknown>>();
      for (let seq = 0; seq < perDevice; seq++) {
        const reading = { seq, ts: new Date(base + seq * 1000).toISOString(), depthMm: (seq * 7) % 400, rainMmPerH: 12.5 };
        published.set(`${sn}/${seq}`, performance.now());
        const p = c.publishAsync(sensorTopic(sn, 'telemetry'), JSON.stringify({ readings: [reading] }), { qos: 1 });
        inflight.add(p);
        void p.finally(() => inflight.delete(p));
        if (inflight.size >= 20) await Promise.race(inflight);
      }
      await Promise.all(inflight);
    }),
  );
  while (writer.stats.committed < total) await new Promise((r) => setTimeout(r, 5));
  const seconds = (performance.now() - t0) / 1000;
  await Promise.all(clients.map((c) => c.endAsync()));
  await ingest.close();
  await writer.close();
  await broker.close();
  latencies.sort((a, b) => a - b);
  return { readings: total, seconds, perSecond: total / seconds, p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) };
}

/** The ingest benchmark. */
export const ingestBenchmark: Benchmark = {
  name: 'ingest',
  description: `readings published by ${DEVICES} MQTT devices → rows committed (batched writer vs one INSERT per reading)`,
  async run({ config, out }) {
    let embedded: Awaited<ReturnType<typeof startEmbeddedPostgres>> | undefined;
    let dir: string | undefined;
    let url = config.databaseUrl;
    if (!url) {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-bench-'));
      fs.chmodSync(dir, 0o755);
      embedded = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), log: silentLogger(), database: 'yzg_bench' });
      url = embedded.url;
    }
    const pool = createPool(url, silentLogger(), 10);
    try {
      await migrate(pool, silentLogger());
      const services = createHubServices(pool, silentLogger());
      await services.repos.regions.upsertMany([{ code: '440113', parentCode: null, level: 'district', name: '番禺区', centerLat: 22.95, centerLon: 113.38 }]);
      const secretHash = await hashDeviceSecret(SECRET);
      for (let i = 0; i < DEVICES; i++) {
        const sn = `BENCH-${String(i).padStart(3, '0')}`;
        await pool.query('DELETE FROM sensor_reading WHERE sensor_sn = $1', [sn]);
        await services.repos.devices.insert({ sn, kind: 'sensor', name: sn, secretHash, lat: 22.95, lon: 113.38, regionCode: '440113' });
      }
      const runId = Date.now().toString(36);
      out('warm-up…');
      await pass(pool, 'batched', 20, `${runId}w`);
      await pool.query("DELETE FROM sensor_reading WHERE sensor_sn LIKE 'BENCH-%'");
      out('batched writer: 50 devices × 600 readings…');
      const batched = await pass(pool, 'batched', 600, runId);
      out(`  ${batched.readings} readings in ${batched.seconds.toFixed(2)} s`);
      out('baseline, one INSERT per reading: 50 devices × 100 readings…');
      const naive = await pass(pool, 'naive', 100, runId);
      out(`  ${naive.readings} readings in ${naive.seconds.toFixed(2)} s`);
      const stored = await pool.query<{ n: string }>("SELECT count(*) AS n FROM sensor_reading WHERE sensor_sn LIKE 'BENCH-%'");
      const lost = batched.readings + naive.readings - Number(stored.rows[0]!.n);
      const rows: BenchRow[] = [
        { figure: 'readings committed per second', unit: 'rows/s', value: batched.perSecond, baseline: { name: 'one INSERT per reading', value: naive.perSecond }, higherIsBetter: true },
        { figure: 'publish→commit latency p50', unit: 'ms', value: batched.p50Ms, baseline: { name: 'one INSERT per reading', value: naive.p50Ms }, higherIsBetter: false },
        { figure: 'publish→commit latency p99', unit: 'ms', value: batched.p99Ms, baseline: { name: 'one INSERT per reading', value: naive.p99Ms }, higherIsBetter: false },
        { figure: 'readings lost', unit: 'rows', value: lost, higherIsBetter: false, notes: 'published minus stored' },
      ];
      return rows;
    } finally {
      await pool.end();
      await embedded?.stop();
      if (dir) fs.rmSync(dir, { recursive: true, force: true });
    }
  },
};
