/** Builds the cockpit with Vite when its sources are newer than the last build. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of the repository. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

function newestMtimeMs(dir: string): number {
  let newest = 0;
  if (!fs.existsSync(dir)) return 0;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'dist' || entry.name === 'node_modules') continue;
      newest = Math.max(newest, newestMtimeMs(p));
    } else newest = Math.max(newest, fs.statSync(p).mtimeMs);
  }
  return newest;
}

/** True when `cockpit/dist` is missing or older than the cockpit's or the protocol's sources. */
export function cockpitNeedsBuild(outDir = path.join(REPO_ROOT, 'cockpit/dist')): boolean {
  const index = path.join(outDir, 'index.html');
  if (!fs.existsSync(index) || !fs.existsSync(path.join(outDir, 'cesium/Workers'))) return true;
  const built = fs.statSync(index).mtimeMs;
  const sources = Math.max(newestMtimeMs(path.join(REPO_ROOT, 'cockpit')), newestMtimeMs(path.join(REPO_ROOT, 'protocol')));
  return sources > built;
}

/**
 * Builds the cockpit if needed; returns whether it built. Several processes may ask at once (test
 * files, a developer's `npm start`): a lock folder lets one build while the others wait, and the
 * new build replaces `cockpit/dist` by renaming, so a reader never sees half a build.
 */
export async function ensureCockpitBuilt(opts: { force?: boolean; onProgress?: (msg: string) => void } = {}): Promise<boolean> {
  if (!opts.force && !cockpitNeedsBuild()) return false;
  const lock = path.join(REPO_ROOT, 'cockpit/.build-lock');
  const t0 = Date.now();
  for (;;) {
    try {
      fs.mkdirSync(lock);
      break;
    } catch {
      // Someone else is building; a lock older than 5 min was left by a killed build.
      const age = Date.now() - (fs.statSync(lock, { throwIfNoEntry: false })?.mtimeMs ?? Date.now());
      if (age > 300_000) fs.rmSync(lock, { recursive: true, force: true });
      if (Date.now() - t0 > 600_000) throw new Error('timed out waiting for another cockpit build');
      await new Promise((r) => setTimeout(r, 500));
    }
  }
  try {
    if (!opts.force && !cockpitNeedsBuild()) return false; // the other process built it
    opts.onProgress?.('正在构建驾驶舱 (vite build)… / building the cockpit…');
    const { build } = await import('vite');
    const started = Date.now();
    const outDir = path.join(REPO_ROOT, 'cockpit', `dist.build-${process.pid}`);
    // The cockpit's Vite config forces NODE_ENV=production for the bundle; give the caller its own back.
    const callerNodeEnv = process.env.NODE_ENV;
    try {
      await build({ configFile: path.join(REPO_ROOT, 'cockpit/vite.config.ts'), logLevel: 'warn', build: { outDir, emptyOutDir: true } });
    } finally {
      if (callerNodeEnv === undefined) delete process.env.NODE_ENV;
      else process.env.NODE_ENV = callerNodeEnv;
    }
    const dist = path.join(REPO_ROOT, 'cockpit/dist');
    const old = path.join(REPO_ROOT, 'cockpit', `dist.old-${process.pid}`);
    if (fs.existsSync(dist)) fs.renameSync(dist, old);
    fs.renameSync(outDir, dist);
    fs.rmSync(old, { recursive: true, force: true });
    opts.onProgress?.(`驾驶舱构建完成 / cockpit built in ${((Date.now() - started) / 1000).toFixed(1)} s`);
    return true;
  } finally {
    fs.rmSync(lock, { recursive: true, force: true });
  }
}
