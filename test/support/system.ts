/**
 * The whole centre for a test: its own database, the aedes broker and the hub on port 0, seeded
 * with the demo data; devices publish over real MQTT with their own credentials.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import mqtt from 'mqtt';
import { loadConfig } from '../../common/config.ts';
import { silentLogger, createLogger } from '../../common/logger.ts';
import { startCentre, type Centre } from '../../cli/centre.ts';
import { sensorTopic } from '../../protocol/topics.ts';
import type { SensorReading } from '../../protocol/sensor.schema.ts';
import { createTestDatabase } from './database.ts';

/** Demo password used by test systems. */
export const TEST_DEMO_PASSWORD = 'test-demo-pass';

/** A running test system. */
export interface TestSystem {
  centre: Centre;
  httpUrl: string;
  mqttUrl: string;
  demoPassword: string;
  sensors: Array<{ sn: string; secret: string; name: string }>;
  /** Publishes one reading as sensor `sn` (its own credentials, QoS 1) and waits for the PUBACK. */
  publishReading(sn: string, reading: SensorReading): Promise<void>;
  /** Signs in and returns a bearer token. */
  login(username: string, password?: string): Promise<string>;
  stop(): Promise<void>;
}

/** Starts a system; `env` overrides configuration keys. */
export async function startSystem(env: Record<string, string> = {}, hubOverrides: Parameters<typeof startCentre>[3] = {}): Promise<TestSystem> {
  const db = await createTestDatabase({ migrate: false });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-test-data-'));
  const config = loadConfig({
    DATABASE_URL: db.url,
    YZG_DATA_DIR: dataDir,
    YZG_HTTP_PORT: '0',
    YZG_MQTT_PORT: '0',
    YZG_MQTT_WS_PORT: '0',
    YZG_DEMO_PASSWORD: TEST_DEMO_PASSWORD,
    YZG_INGEST_FLUSH_MS: '20',
    ...env,
  });
  const log = process.env.YZG_TEST_LOG ? createLogger({ level: process.env.YZG_TEST_LOG as 'debug' }) : silentLogger();
  const centre = await startCentre(config, log, undefined, hubOverrides);
  const sensors = centre.seedResult.credentials.map(({ sn, secret, name }) => ({ sn, secret, name }));
  const clients = new Map<string, mqtt.MqttClient>();

  const deviceClient = async (sn: string): Promise<mqtt.MqttClient> => {
    const existing = clients.get(sn);
    if (existing) return existing;
    const cred = sensors.find((s) => s.sn === sn);
    if (!cred) throw new Error(`no seeded sensor ${sn}`);
    const c = await mqtt.connectAsync(centre.mqttUrl, { username: sn, password: cred.secret, protocolVersion: 4, reconnectPeriod: 0 });
    clients.set(sn, c);
    return c;
  };

  return {
    centre,
    httpUrl: centre.hub.url,
    mqttUrl: centre.mqttUrl,
    demoPassword: TEST_DEMO_PASSWORD,
    sensors,
    async publishReading(sn, reading) {
      const c = await deviceClient(sn);
      await c.publishAsync(sensorTopic(sn, 'telemetry'), JSON.stringify({ readings: [reading] }), { qos: 1 });
    },
    async login(username, password = TEST_DEMO_PASSWORD) {
      const res = await centre.hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username, password } });
      if (res.statusCode !== 200) throw new Error(`login ${username} failed: ${res.statusCode} ${res.body}`);
      return (res.json() as { token: string }).token;
    },
    async stop() {
      await Promise.all([...clients.values()].map((c) => c.endAsync(true)));
      await centre.stop();
      await db.drop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
