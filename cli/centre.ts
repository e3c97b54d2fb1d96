/**
 * Composition root of the centre: database (embedded or external), migrations, seed, broker and
 * hub in one process — what `yzg start` runs and what the integration tests start on port 0.
 */
import path from 'node:path';
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/logger.ts';
import { createRegistry, type Registry } from '../common/metrics.ts';
import { startEmbeddedPostgres, type EmbeddedDb } from '../hub/db/embedded.ts';
import { createPool, type Pool } from '../hub/db/pool.ts';
import { migrate } from '../hub/db/migrate.ts';
import { createHubServices } from '../hub/services/index.ts';
import { seed, type SeedResult } from '../hub/seed/seed.ts';
import { startHub, type Hub } from '../hub/server.ts';
import { createBroker, type Broker } from '../broker/broker.ts';
import { loadOrCreateSecrets } from './secrets.ts';
import { startDockOperations, type DockOperations } from '../hub/docks/dock-operations.ts';
import { DEFAULT_RULES } from '../analytics/sensor-rules/rules.config.ts';
import type { HubOptions } from '../hub/server.ts';
import { startWorkflowJobs } from '../hub/workflow/workflow-jobs.ts';

/** MQTT username of the hub's consumer. */
export const HUB_SERVICE_USER = 'svc-hub';

/** A running centre. */
export interface Centre {
  config: Config;
  databaseUrl: string;
  pool: Pool;
  registry: Registry;
  broker?: Broker;
  hub: Hub;
  /** Broker URL devices connect to. */
  mqttUrl: string;
  mqttWsPort?: number;
  seedResult: SeedResult;
  credentialsFile: string;
  /** The centre's ground station and dock channels (issue 4). */
  docks?: DockOperations;
  stop(): Promise<void>;
}

/** Starts the database step of the centre: embedded (unless `DATABASE_URL`) + migrations. */
export async function startDatabase(config: Config, log: Logger, progress: (msg: string) => void): Promise<{ url: string; pool: Pool; embedded?: EmbeddedDb }> {
  let embedded: EmbeddedDb | undefined;
  let url = config.databaseUrl;
  if (!url) {
    progress(`启动内置 PostgreSQL / starting embedded PostgreSQL (${path.join(config.dataDir, 'pg')})`);
    embedded = await startEmbeddedPostgres({ dir: path.join(config.dataDir, 'pg'), port: config.pgPort, log: log.child({ module: 'pg' }) });
    url = embedded.url;
  } else {
    progress('连接外部数据库 / connecting to DATABASE_URL');
  }
  const pool = createPool(url, log.child({ module: 'db' }), 20);
  try {
    progress('执行数据库迁移 / applying migrations');
    const applied = await migrate(pool, log.child({ module: 'migrate' }));
    if (applied.length) progress(`已应用迁移 / applied ${applied.join(', ')}`);
  } catch (err) {
    await pool.end().catch(() => undefined);
    await embedded?.stop();
    throw err;
  }
  return { url, pool, embedded };
}

/** Starts the whole centre. With `YZG_MQTT_URL` set, no broker is started here. */
export async function startCentre(
  config: Config,
  log: Logger,
  progress: (msg: string) => void = () => undefined,
  hubOverrides: Partial<Pick<HubOptions, 'sensingTickMs' | 'alarmEvents' | 'patrol' | 'detection'>> = {},
): Promise<Centre> {
  const cleanups: Array<() => Promise<unknown>> = [];
  const stop = async () => {
    for (const c of cleanups.reverse()) await c().catch((err: Error) => log.warn({ err: err.message }, 'shutdown step failed'));
    cleanups.length = 0;
  };
  try {
    const secrets = loadOrCreateSecrets(config.dataDir);
    const jwtSecret = config.jwtSecret ?? secrets.jwtSecret;
    const servicePassword = config.servicePassword ?? secrets.servicePassword;
    const registry = createRegistry(true);

    const db = await startDatabase(config, log, progress);
    if (db.embedded) cleanups.push(() => db.embedded!.stop());
    cleanups.push(() => db.pool.end());

    progress('写入参考数据与演示账号 / seeding reference data and demo accounts');
    const services = createHubServices(db.pool, log);
    const credentialsFile = path.join(config.dataDir, 'fleet-credentials.json');
    const seedResult = await seed(services, { demoPassword: config.demoPassword, credentialsFile, log: log.child({ module: 'seed' }) });

    let broker: Broker | undefined;
    let mqttUrl = config.mqttUrl;
    let mqttWsPort: number | undefined;
    if (!mqttUrl) {
      progress('启动 MQTT 代理 / starting the aedes broker');
      broker = await createBroker({
        authenticateDevice: (sn, secret) => services.auth.authenticateDevice(sn, secret),
        services: { [HUB_SERVICE_USER]: servicePassword },
        log,
        registry,
      });
      const bound = await broker.listen({ host: config.mqttHost, port: config.mqttPort, wsPort: config.mqttWsPort });
      mqttUrl = `mqtt://${config.mqttHost}:${bound.port}`;
      mqttWsPort = bound.wsPort;
      cleanups.push(() => broker!.close());
    }

    progress('启动中枢服务 / starting the hub');
    const hub = await startHub({
      pool: db.pool,
      log,
      registry,
      jwtSecret,
      jwtTtlS: config.jwtTtlS,
      mqtt: { url: mqttUrl, username: HUB_SERVICE_USER, password: servicePassword, clientId: `yzg-hub-${config.httpPort || 'any'}` },
      http: { host: config.httpHost, port: config.httpPort },
      ingest: { batchMax: config.ingestBatchMax, flushMs: config.ingestFlushMs, spillDir: path.join(config.dataDir, 'ingest-spill') },
      cockpitDir: config.cockpitDir,
      media: { dir: config.mediaDir ?? path.join(config.dataDir, 'media'), maxBytes: config.mediaMaxBytes },
      // Drone images → detections → events with evidence (a test passes `detection: undefined` to leave it off).
      detection: { detector: { modelDir: config.modelDir, poolSize: config.detectWorkers, threads: config.detectThreads, nice: config.detectNice } },
      sensing: {
        rules: { ...DEFAULT_RULES, bandsMm: config.depthBandsMm.split(',').map(Number) as unknown as typeof DEFAULT_RULES.bandsMm },
        normalIntervalS: config.sensorIntervalS,
        rainIntervalS: config.sensorRainIntervalS,
        rainModeOffAfterMs: config.rainModeOffAfterS * 1000,
      },
      ...hubOverrides,
    });
    cleanups.push(() => hub.close());
    // Drone docks: the centre's MAVLink ground station (MQTT tunnel) and the dock channels (issue 4).
    progress('启动地面站 / starting the ground station');
    const docks = await startDockOperations({
      mqtt: { url: mqttUrl, username: HUB_SERVICE_USER, password: servicePassword, clientId: `yzg-gcs-${process.pid}-${Date.now().toString(36)}` },
      repos: { docks: hub.services.docks.repos.docks, vehicles: hub.services.docks.repos.vehicles, flights: hub.services.docks.repos.flights, devices: hub.services.repos.devices },
      live: hub.live,
      log,
      registry,
    });
    hub.services.docks.docks.attach(docks, hub.live);
    hub.patrol.attach(docks);
    cleanups.push(() => docks.close());
    // SLA timers and webhook deliveries of the workflow (durable: rows scanned with SKIP LOCKED).
    const workflowJobs = startWorkflowJobs(hub.services.workflow, log.child({ module: 'workflow-jobs' }));
    cleanups.push(() => workflowJobs.stop());

    return { config, databaseUrl: db.url, pool: db.pool, registry, broker, hub, mqttUrl, mqttWsPort, seedResult, credentialsFile, docks, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
