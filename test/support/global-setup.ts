/**
 * vitest global setup: one embedded PostgreSQL for the whole run (each test file creates its own
 * database in it), unless `YZG_TEST_DATABASE_URL` points at an external server's maintenance DB.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import type { TestProject } from 'vitest/node';
import { startEmbeddedPostgres, type EmbeddedDb } from '../../hub/db/embedded.ts';
import { silentLogger } from '../../common/logger.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    pgAdminUrl: string;
  }
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
  });
}

let db: EmbeddedDb | undefined;
let dir: string | undefined;

export async function setup(project: TestProject): Promise<void> {
  // The browser tests need the built cockpit: build it once, before any test file starts.
  const { ensureCockpitBuilt } = await import('../../cli/build-cockpit.ts');
  await ensureCockpitBuilt();
  const external = process.env.YZG_TEST_DATABASE_URL;
  if (external) {
    project.provide('pgAdminUrl', external);
    return;
  }
  // Under /tmp, not /root: the server runs as the `postgres` user when we are root.
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-test-pg-'));
  fs.chmodSync(dir, 0o755);
  db = await startEmbeddedPostgres({ dir: path.join(dir, 'pg'), port: await freePort(), log: silentLogger() });
  project.provide('pgAdminUrl', db.adminUrl);
}

export async function teardown(): Promise<void> {
  await db?.stop();
  if (dir) fs.rmSync(dir, { recursive: true, force: true });
}
