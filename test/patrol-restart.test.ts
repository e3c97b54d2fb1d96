/**
 * A hub restart in the middle of a patrol flight loses neither the sortie nor its images. The
 * broker runs on its own (as in a deployment with an external broker); the hub — with its
 * ground station, jobs and sortie watcher — is stopped while the drone flies its mission and a
 * new hub process-equivalent is started on the same database and port. The drone keeps flying
 * (the autopilot flies the uploaded mission; its GCS-loss failsafe is set to a minute), the new
 * hub adopts the sortie when the old one's lease lapses and follows it to landing, and the
 * camera's spool delivers the images taken while the hub was down.
 */
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createBroker, type Broker } from '../broker/broker.ts';
import { HUB_SERVICE_USER, startCentre, type Centre } from '../cli/centre.ts';
import { loadConfig, type Config } from '../common/config.ts';
import { silentLogger } from '../common/logger.ts';
import { createRegistry } from '../common/metrics.ts';
import type { DockAgent } from '../edge/dock/dock-agent.ts';
import { AerialScene } from '../edge/world/aerial/aerial-scene.ts';
import { createPool, type Pool } from '../hub/db/pool.ts';
import { createHubServices } from '../hub/services/index.ts';
import type { MediaView } from '../protocol/media.schema.ts';
import type { CreateTaskBody, TaskView } from '../protocol/task.schema.ts';
import { createTestDatabase, type TestDatabase } from './support/database.ts';
import { TEST_DEMO_PASSWORD } from './support/system.ts';
import { startSimDock, until } from './support/sim-dock.ts';

const log = silentLogger();
const PATROL = { tickMs: 300, watchMs: 300, leaseS: 3, launchRetryS: 1, rechargeS: 1 };
let db: TestDatabase;
let pool: Pool;
let broker: Broker;
let config: Config;
let centre: Centre;
let agent: DockAgent;
const dirs: string[] = [];
const tmp = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
};

async function freePort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function api<T>(method: 'GET' | 'POST', url: string, as: string, payload?: unknown): Promise<{ status: number; body: T }> {
  const login = await centre.hub.app.inject({ method: 'POST', url: '/api/v1/auth/login', payload: { username: as, password: TEST_DEMO_PASSWORD } });
  const token = (login.json() as { token: string }).token;
  const res = await centre.hub.app.inject({ method, url, headers: { authorization: `Bearer ${token}` }, ...(payload !== undefined ? { payload: payload as object } : {}) });
  return { status: res.statusCode, body: res.json() as T };
}

const AREA: CreateTaskBody = {
  title: '重启不丢架次',
  type: 'waterlogging-check',
  purpose: '中枢重启时航线与影像不丢失',
  geometry: { kind: 'polygon', coordinates: [[113.37, 22.95], [113.3715, 22.95], [113.3715, 22.9512], [113.37, 22.9512]] },
  altitudeM: 60,
  schedule: { kind: 'once' },
  priority: 1,
  models: [],
};

beforeAll(async () => {
  db = await createTestDatabase({ migrate: false });
  pool = createPool(db.url, log);
  const services = createHubServices(pool, log);
  broker = await createBroker({ authenticateDevice: (sn, secret) => services.auth.authenticateDevice(sn, secret), services: { [HUB_SERVICE_USER]: 'restart-svc-pass' }, log, registry: createRegistry() });
  const bound = await broker.listen({ host: '127.0.0.1', port: 0, wsPort: 0 });
  config = loadConfig({
    DATABASE_URL: db.url,
    YZG_DATA_DIR: tmp('yzg-restart-data-'),
    YZG_HTTP_PORT: String(await freePort()),
    YZG_MQTT_URL: `mqtt://127.0.0.1:${bound.port}`,
    YZG_SERVICE_PASSWORD: 'restart-svc-pass',
    YZG_DEMO_PASSWORD: TEST_DEMO_PASSWORD,
  });
  centre = await startCentre(config, log, undefined, { patrol: PATROL });
  // Slower than the other patrol tests, so that the flight outlasts the restart.
  agent = await startSimDock({ centre, mqttUrl: `mqtt://127.0.0.1:${bound.port}`, httpUrl: centre.hub.url }, 'DK-SQ-01', { timeScale: 8, ekfReadyAfterS: 1, gcsTimeoutMs: 60_000 }, { camera: { scene: new AerialScene({ seed: 5 }), widthPx: 320, heightPx: 240 } });
  await until('dock ready', async () => {
    const d = (await api<{ droneLinked: boolean; state: string }>('GET', '/api/v1/docks/DK-SQ-01', 'duty')).body;
    return d.droneLinked && d.state === 'idle';
  });
}, 120_000);

afterAll(async () => {
  await agent?.stop();
  await centre?.stop();
  await broker?.close();
  await pool?.end();
  await db?.drop();
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('hub restart mid-flight', () => {
  it('the new hub adopts the flying sortie and every image arrives', { timeout: 240_000 }, async () => {
    const t = (await api<TaskView>('POST', '/api/v1/tasks', 'water', AREA)).body;
    await api('POST', `/api/v1/tasks/${t.id}/decision`, 'duty', { decision: 'approve' });
    const before = await until('the sortie over the area', async () => {
      const s = (await api<TaskView>('GET', `/api/v1/tasks/${t.id}`, 'water')).body.runs[0]?.sorties[0];
      return s?.status === 'in-progress' && s.progress.reached >= 6 ? s : undefined;
    });

    await centre.stop(); // the hub, its ground station and jobs are gone; broker, database and drone stay
    const downAt = agent.simulator!.snapshot();
    expect(downAt.armed).toBe(true);
    await new Promise((r) => setTimeout(r, 2000));
    centre = await startCentre(config, log, undefined, { patrol: PATROL });

    const done = await until(
      'the sortie done under the new hub',
      async () => {
        const v = (await api<TaskView>('GET', `/api/v1/tasks/${t.id}`, 'water')).body;
        return v.status === 'done' ? v : undefined;
      },
      180_000,
    );
    const sorties = done.runs[0]!.sorties;
    expect(sorties).toHaveLength(1); // the same sortie, not a relaunch or a continuation
    expect(sorties[0]!.id).toBe(before.id);
    expect(sorties[0]!.status).toBe('done');
    expect(sorties[0]!.progress.reached).toBe(sorties[0]!.progress.total);

    const taken = agent.simulator!.snapshot().cameraCaptures;
    expect(taken).toBeGreaterThan(10);
    const media = await until(
      'every image delivered',
      async () => {
        const m = (await api<{ items: MediaView[] }>('GET', `/api/v1/media?sortieId=${before.id}&limit=500`, 'duty')).body.items;
        return m.length === taken ? m : undefined;
      },
      60_000,
    );
    expect(new Set(media.map((m) => m.sha256)).size).toBe(taken);
    expect(media.every((m) => m.taskIds.includes(Number(t.id)))).toBe(true);
  });
});
