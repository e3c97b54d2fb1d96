/** Headless Chromium for the cockpit's browser tests (Debian's chromium, WebGL through SwiftShader). */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
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

/** A test file's big screen: its browser, the page, and `close()` that also removes the profile. */
export interface BigScreen {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/**
 * Opens a big-screen browser with a fresh profile at `url`; the page's uncaught errors go to
 * `pageErrors` (tests assert it stays empty). Screenshots go to `RESULTS_DIR`, which it creates.
 */
export async function openBigScreen(url: string, pageErrors: string[]): Promise<BigScreen> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const userDataDir = await mkdtemp(path.join(tmpdir(), 'yzg-chromium-'));
  const context = await launchBigScreen(userDataDir);
  const page = context.pages()[0] ?? (await context.newPage());
  page.on('pageerror', (err) => pageErrors.push(err.message));
  await page.goto(url);
  return {
    context,
    page,
    close: async () => {
      await context.close();
      await rm(userDataDir, { recursive: true, force: true });
    },
  };
}

/** Signs in on the cockpit's login form (it does not wait for what follows). */
export async function signIn(page: Page, username: string, password: string): Promise<void> {
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录', exact: true }).click();
}
