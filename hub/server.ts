/**
 * Starts one hub node: the batching reading writer, the MQTT consumer, the live bus and the HTTP
 * app listening on its port.
 */
import type { FastifyInstance } from 'fastify';
import type { Logger } from '../common/logger.ts';
import type { Registry } from '../common/metrics.ts';
import type { Pool } from './db/pool.ts';
import { buildApp } from './app.ts';
import { LiveBus } from './live/live-bus.ts';
import { ReadingWriter } from './ingest/reading-writer.ts';
import { startMqttIngest, type MqttIngest } from './ingest/mqtt-ingest.ts';
import { createHubServices, type HubServices } from './services/index.ts';

/** Options of a hub node. */
export interface HubOptions {
  pool: Pool;
  log: Logger;
  registry: Registry;
  jwtSecret: string;
  jwtTtlS: number;
  mqtt: { url: string; username: string; password: string; clientId: string };
  http: { host: string; port: number };
  ingest: { batchMax: number; flushMs: number; spillDir?: string };
  cockpitDir?: string;
}

/** A running hub node. */
export interface Hub {
  app: FastifyInstance;
  services: HubServices;
  writer: ReadingWriter;
  ingest: MqttIngest;
  live: LiveBus;
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  close(): Promise<void>;
}

/** Starts a hub node. */
export async function startHub(opts: HubOptions): Promise<Hub> {
  const log = opts.log;
  const services = createHubServices(opts.pool, log);
  const live = new LiveBus();
  let ingestRef: MqttIngest | undefined;
  const writer = new ReadingWriter({
    repo: services.repos.readings,
    log: log.child({ module: 'writer' }),
    registry: opts.registry,
    batchMax: opts.ingest.batchMax,
    flushMs: opts.ingest.flushMs,
    spillDir: opts.ingest.spillDir,
    onWritten: (rows) => ingestRef?.acknowledge(rows),
    onCommitted: (rows, at) => {
      const receivedAt = at.toISOString();
      for (const { sn, ...reading } of rows) live.publish({ type: 'reading', sn, reading: { ...reading, receivedAt } });
    },
  });
  const ingest = await startMqttIngest({
    ...opts.mqtt,
    writer,
    onStatus: async (sn, online, at) => {
      await services.repos.devices.setOnline(sn, online, at);
      live.publish({ type: 'status', sn, online, ts: at.toISOString() });
    },
    log,
    registry: opts.registry,
  });
  ingestRef = ingest;
  const app = await buildApp({
    pool: opts.pool,
    services,
    live,
    log,
    registry: opts.registry,
    jwtSecret: opts.jwtSecret,
    jwtTtlS: opts.jwtTtlS,
    cockpitDir: opts.cockpitDir,
    ingestConnected: ingest.isConnected,
  });
  const address = await app.listen({ host: opts.http.host, port: opts.http.port });
  const url = address.replace('[::1]', '127.0.0.1');
  log.info({ url }, 'hub listening');
  return {
    app,
    services,
    writer,
    ingest,
    live,
    url,
    async close() {
      await ingest.close();
      await writer.close();
      await app.close();
    },
  };
}
