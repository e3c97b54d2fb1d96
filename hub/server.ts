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
import { RollupRepository } from './repositories/rollup.repository.ts';
import type { ReadingRepository } from './repositories/reading.repository.ts';
import { AlarmRepository } from './repositories/alarm.repository.ts';
import { RainModeRepository } from './repositories/rain-mode.repository.ts';
import { SensorMetaRepository } from './repositories/sensor-meta.repository.ts';
import { RollupMaintainer } from './ingest/rollup-maintainer.ts';
import { SensingService, type AlarmEventSink, type SensingConfig } from './services/sensing.service.ts';
import { workflowAlarmSink } from './services/alarm-events.ts';
import { alarmRoutes } from './routes/alarms/index.ts';
import { rainModeRoutes } from './routes/rain-mode/index.ts';
import { sensorTopic } from '../protocol/topics.ts';
import { LIVE_READINGS_MAX } from '../protocol/api.schema.ts';
import { DEFAULT_RULES } from '../analytics/sensor-rules/rules.config.ts';
import { createMediaService, type MediaOptions, type MediaService } from './services/media.service.ts';
import { mediaRoutes } from './routes/media/index.ts';
import { startPatrol, type Patrol, type PatrolOptions } from './tasks/patrol.ts';
import { startDetection, type DetectionOptions, type HubDetection } from './tasks/detection.ts';
import { detectionRoutes } from './routes/detections/index.ts';
import { taskRoutes } from './routes/tasks/index.ts';
import { airspaceRoutes } from './routes/airspace/index.ts';

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
  /** Sensor rules and rain mode; defaults from DOMAIN.md. */
  sensing?: Partial<SensingConfig>;
  /** Where alarms become events (the workflow). */
  alarmEvents?: AlarmEventSink;
  /** Storage of readings; default the batched repository (benchmarks pass a naive one as baseline). */
  readingRepo?: Pick<ReadingRepository, 'insertBatch'>;
  /** Period of the sensing clock (offline checks), ms; 0 disables it (tests drive `tick()`). */
  sensingTickMs?: number;
  /** Drone images: folder and size limit (default `.data/media`, 20 MB). */
  media?: MediaOptions;
  /** Timings and clock of patrol tasks (scheduler, launches, sortie watch). */
  patrol?: PatrolOptions;
  /** Detection of drone images into events with evidence (off when absent). */
  detection?: DetectionOptions;
}

/** A running hub node. */
export interface Hub {
  app: FastifyInstance;
  services: HubServices;
  writer: ReadingWriter;
  ingest: MqttIngest;
  live: LiveBus;
  sensing: SensingService;
  rollups: RollupMaintainer;
  /** Drone images (uploads, storage, queries). */
  media: MediaService;
  /** Patrol tasks: service, planner, jobs and the sortie executor. */
  patrol: Patrol;
  /** Detection of drone images (when enabled). */
  detection?: HubDetection;
  /** Base URL, e.g. `http://127.0.0.1:8080`. */
  url: string;
  close(): Promise<void>;
}

/** Starts a hub node. */
export async function startHub(opts: HubOptions): Promise<Hub> {
  const log = opts.log;
  const services = createHubServices(opts.pool, log);
  const live = new LiveBus();
  // Parts created after the writer, which the writer's callbacks reach once they exist.
  const late: { ingest?: MqttIngest; sensing?: SensingService } = {};
  const rollups = new RollupMaintainer(new RollupRepository(opts.pool), log.child({ module: 'rollups' }));
  const writer = new ReadingWriter({
    repo: opts.readingRepo ?? services.repos.readings,
    log: log.child({ module: 'writer' }),
    registry: opts.registry,
    batchMax: opts.ingest.batchMax,
    flushMs: opts.ingest.flushMs,
    spillDir: opts.ingest.spillDir,
    onWritten: (rows) => late.ingest?.acknowledge(rows),
    onCommitted: (rows, at) => {
      const receivedAt = at.toISOString();
      for (let i = 0; i < rows.length; i += LIVE_READINGS_MAX) live.publish({ type: 'readings', receivedAt, readings: rows.slice(i, i + LIVE_READINGS_MAX) });
      rollups.touched(rows.map((r) => Date.parse(r.ts)));
      void late.sensing?.onReadings(rows, at);
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
  late.ingest = ingest;
  const sensing = new SensingService(
    {
      alarms: new AlarmRepository(opts.pool),
      rainModes: new RainModeRepository(opts.pool),
      meta: new SensorMetaRepository(opts.pool),
      audit: services.repos.audit,
      live,
      log: log.child({ module: 'sensing' }),
      publishConfig: (sn, config) => ingest.client.publish(sensorTopic(sn, 'config'), JSON.stringify(config), { qos: 1, retain: true }),
      events: opts.alarmEvents ?? workflowAlarmSink(services.workflow.events),
    },
    { rules: DEFAULT_RULES, normalIntervalS: 10, rainIntervalS: 2, rainModeOffAfterMs: 30 * 60_000, ...opts.sensing },
  );
  await sensing.start(opts.sensingTickMs ?? 5000);
  late.sensing = sensing;
  rollups.start();
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
  await app.register(alarmRoutes, { sensing });
  await app.register(rainModeRoutes, { sensing });
  const media = createMediaService(opts.pool, services.repos.audit, log, opts.media);
  await app.register(mediaRoutes, { media, auth: services.auth, maxBytes: media.maxBytes });
  const patrol = await startPatrol(opts.pool, services, live, log, opts.patrol, media);
  await app.register(taskRoutes, { tasks: patrol.tasks, org: services.workflow.org });
  const detection = opts.detection ? await startDetection(opts.pool, services, media, patrol.repo, log, opts.detection) : undefined;
  if (detection) await app.register(detectionRoutes, { detection: detection.service });
  await app.register(airspaceRoutes);
  const address = await app.listen({ host: opts.http.host, port: opts.http.port });
  const url = address.replace('[::1]', '127.0.0.1');
  log.info({ url }, 'hub listening');
  return {
    app,
    services,
    writer,
    ingest,
    live,
    sensing,
    rollups,
    media,
    patrol,
    detection,
    url,
    async close() {
      await detection?.close();
      await patrol.close();
      await ingest.close();
      await writer.close();
      await sensing.stop();
      await rollups.stop();
      await app.close();
    },
  };
}
