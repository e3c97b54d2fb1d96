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
  if (!fs.existsSync(index)) return true;
  const built = fs.statSync(index).mtimeMs;
  const sources = Math.max(newestMtimeMs(path.join(REPO_ROOT, 'cockpit')), newestMtimeMs(path.join(REPO_ROOT, 'protocol')));
  return sources > built;
}

/** Builds the cockpit if needed; returns whether it built. */
export async function ensureCockpitBuilt(opts: { force?: boolean; onProgress?: (msg: string) => void } = {}): Promise<boolean> {
  if (!opts.force && !cockpitNeedsBuild()) return false;
  opts.onProgress?.('正在构建驾驶舱 (vite build)… / building the cockpit…');
  const { build } = await import('vite');
  const t0 = Date.now();
  await build({ configFile: path.join(REPO_ROOT, 'cockpit/vite.config.ts'), logLevel: 'warn' });
  opts.onProgress?.(`驾驶舱构建完成 / cockpit built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return true;
}
