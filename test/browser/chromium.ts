/** Headless Chromium for the cockpit's browser tests (Debian's chromium, WebGL through SwiftShader). */
import path from 'node:path';
import { chromium, type BrowserContext } from 'playwright-core';
import { REPO_ROOT } from '../../cli/build-cockpit.ts';

/** Where screenshots go. */
export const RESULTS_DIR = path.join(REPO_ROOT, 'test-results');

/** Debian's Chromium. */
export const CHROMIUM_PATH = '/usr/bin/chromium';

/** Flags that make Chromium work headless on this machine (TOOLCHAIN.md). */
export const CHROMIUM_FLAGS = [
  '--headless',
  '--no-sandbox',
  '--use-angle=swiftshader',
  '--enable-unsafe-swiftshader',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];

/** A big-screen browser (1920×1080, Chinese locale, Beijing time) with a fresh profile in `userDataDir`. */
export function launchBigScreen(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args: CHROMIUM_FLAGS,
    viewport: { width: 1920, height: 1080 },
    locale: 'zh-CN',
    timezoneId: 'Asia/Shanghai',
  });
}
