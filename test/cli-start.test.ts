/**
 * `yzg start` as a person runs it: a separate process that starts the embedded database, broker,
 * hub and simulated fleet, prints the cockpit URL, stops everything on Ctrl-C (SIGINT to the whole
 * process group, as a terminal sends it), and keeps its data for the next start.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '..');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-cli-'));
fs.chmodSync(dataDir, 0o755);
let child: ChildProcess | undefined;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

function processesOf(pgid: number): string[] {
  const out = execFileSync('ps', ['-eo', 'pgid=,pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim().split(/\s+/)[0] === String(pgid));
}

function postgresOn(dir: string): string[] {
  const out = execFileSync('ps', ['-eo', 'pid=,args='], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.includes('postgres') && l.includes(dir));
}

async function startYzg(env: Record<string, string>): Promise<{ proc: ChildProcess; output: () => string; url: string; readyMs: number }> {
  const t0 = Date.now();
  const proc = spawn(process.execPath, ['--import', 'tsx', 'cli/yzg.ts', 'start'], { cwd: root, env: { ...process.env, ...env }, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  child = proc;
  let text = '';
  proc.stdout!.on('data', (d) => (text += String(d)));
  proc.stderr!.on('data', (d) => (text += String(d)));
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setInterval(() => {
      const m = /驾驶舱 cockpit:\s+(http:\/\/\S+?)\/?\s/.exec(text);
      if (m) {
        clearInterval(timer);
        resolve(m[1]!);
      }
      if (proc.exitCode !== null) {
        clearInterval(timer);
        reject(new Error(`yzg start exited early:\n${text}`));
      }
    }, 100);
  });
  return { proc, output: () => text, url, readyMs: Date.now() - t0 };
}

async function interrupt(proc: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  process.kill(-proc.pid!, 'SIGINT');
  return exited;
}

async function latestSeqs(url: string, password: string): Promise<Map<string, number>> {
  const login = await fetch(`${url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'duty', password }) });
  const { token } = (await login.json()) as { token: string };
  const sensors = (await (await fetch(`${url}/api/v1/sensors`, { headers: { authorization: `Bearer ${token}` } })).json()) as Array<{ sn: string; latest: { seq: number } | null }>;
  return new Map(sensors.filter((s) => s.latest).map((s) => [s.sn, s.latest!.seq]));
}

afterAll(() => {
  if (child?.pid && child.exitCode === null) process.kill(-child.pid, 'SIGKILL');
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('yzg start', () => {
  it('starts everything, streams simulated readings, stops cleanly on Ctrl-C and keeps its data', { timeout: 240_000 }, async () => {
    const env = {
      YZG_DATA_DIR: dataDir,
      YZG_HTTP_PORT: String(await freePort()),
      YZG_MQTT_PORT: String(await freePort()),
      YZG_MQTT_WS_PORT: String(await freePort()),
      YZG_PG_PORT: String(await freePort()),
      YZG_SIM_INTERVAL_MS: '300',
      YZG_COCKPIT_DIR: path.join(dataDir, 'no-cockpit'),
      YZG_LOG_LEVEL: 'warn',
      YZG_DEMO_PASSWORD: 'cli-test-pass',
    };
    const first = await startYzg(env);
    expect(first.output()).toContain('演示账号');
    expect(first.readyMs).toBeLessThan(120_000);

    // The simulated fleet's readings reach the database through the broker and the hub.
    const spots = (JSON.parse(fs.readFileSync(path.join(root, 'data/rain-spots.json'), 'utf8')) as { spots: unknown[] }).spots.length;
    let seqs = new Map<string, number>();
    for (let i = 0; i < 150 && seqs.size < spots; i++) {
      await new Promise((r) => setTimeout(r, 200));
      seqs = await latestSeqs(first.url, env.YZG_DEMO_PASSWORD);
    }
    expect(seqs.size).toBe(spots);

    const code = await interrupt(first.proc);
    expect(code).toBe(0);
    expect(first.output()).toContain('已停止 / stopped');
    await new Promise((r) => setTimeout(r, 300));
    expect(processesOf(first.proc.pid!)).toEqual([]);
    expect(postgresOn(dataDir)).toEqual([]);

    // A second start reuses the data: readings from the first run are still there.
    const second = await startYzg(env);
    const again = await latestSeqs(second.url, env.YZG_DEMO_PASSWORD);
    for (const [sn, seq] of seqs) expect(again.get(sn)).toBeGreaterThanOrEqual(seq);
    expect(await interrupt(second.proc)).toBe(0);
    await new Promise((r) => setTimeout(r, 300));
    expect(processesOf(second.proc.pid!)).toEqual([]);
    expect(postgresOn(dataDir)).toEqual([]);
  });

  it('prints help for every subcommand', () => {
    const help = execFileSync(process.execPath, ['--import', 'tsx', 'cli/yzg.ts', '--help'], { cwd: root, encoding: 'utf8' });
    for (const cmd of ['start', 'migrate', 'seed', 'broker', 'hub', 'edge', 'bench']) {
      expect(help).toContain(cmd);
      const sub = execFileSync(process.execPath, ['--import', 'tsx', 'cli/yzg.ts', cmd, '--help'], { cwd: root, encoding: 'utf8' });
      expect(sub).toContain('usage: yzg');
    }
  });

  it('reports every bad configuration key at once and exits non-zero', () => {
    try {
      execFileSync(process.execPath, ['--import', 'tsx', 'cli/yzg.ts', 'migrate'], { cwd: root, encoding: 'utf8', env: { ...process.env, YZG_HTTP_PORT: 'x', YZG_LOG_LEVEL: 'loud' }, stdio: 'pipe' });
      expect.unreachable();
    } catch (err) {
      const e = err as { status: number; stderr: string };
      expect(e.status).toBe(78);
      expect(e.stderr).toContain('YZG_HTTP_PORT');
      expect(e.stderr).toContain('YZG_LOG_LEVEL');
    }
  });
});
