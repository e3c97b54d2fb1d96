/**
 * The cockpit in headless Chromium against a real running system: hub, PostgreSQL, broker and a
 * device publishing over MQTT. One browser launch for the whole file; every wait is on state the
 * cockpit exposes on `window.__yzg` or in the DOM, never a fixed sleep.
 */
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAND_COLORS, depthBand } from '../../protocol/bands.ts';
import { startSystem } from '../support/system.ts';
import { ensureCockpitBuilt } from './build-cockpit.ts';
import { RESULTS_DIR, openBigScreen, type BigScreen } from './chromium.ts';

type System = Awaited<ReturnType<typeof startSystem>>;

const SCREENSHOT = path.join(RESULTS_DIR, 'cockpit.png');
/**
 * Cesium in SwiftShader renders ~1 frame/s and needs ~20 frames for its first tiles: 25–35 s on
 * an idle 2-core machine, over 100 s when other test files share the cores.
 */
const GLOBE_TIMEOUT_MS = 150_000;
/** A reading published over MQTT must reach the map within this. */
const LIVE_TIMEOUT_MS = 10_000;
const POLL_MS = 200;

describe('cockpit big screen', { timeout: 120_000 }, () => {
  let system: System;
  let screen: BigScreen;
  let page: Page;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    await ensureCockpitBuilt();
    system = await startSystem();
    screen = await openBigScreen(system.httpUrl, pageErrors);
    page = screen.page;
  }, 120_000);

  afterAll(async () => {
    await screen?.close();
    await system?.stop();
  });

  it('refuses a wrong password with a Chinese error and stays on the login page', async () => {
    await page.getByLabel('用户名').fill('duty');
    await page.getByLabel('密码').fill(`${system.demoPassword}-wrong`);
    await page.getByRole('button', { name: '登录', exact: true }).click();

    const alert = page.getByRole('alert');
    await alert.waitFor({ timeout: 15_000 });
    expect(await alert.textContent()).toContain('用户名或密码错误');
    expect(await page.evaluate(() => sessionStorage.length)).toBe(0);
    await mkdir(RESULTS_DIR, { recursive: true });
    await page.screenshot({ path: path.join(RESULTS_DIR, 'cockpit-login.png') });
  });

  it('signs the duty officer in and shows every sensor on the loaded globe and in the panel', { timeout: 180_000 }, async () => {
    await page.getByLabel('密码').fill(system.demoPassword);
    await page.getByRole('button', { name: '登录', exact: true }).click();

    await page.waitForFunction(() => window.__yzg?.globeReady === true, undefined, {
      timeout: GLOBE_TIMEOUT_MS,
      polling: POLL_MS,
    });
    const expectedSns = system.sensors.map((s) => s.sn).sort();
    await page.waitForFunction(
      (count) => Object.keys(window.__yzg?.sensors ?? {}).length === count && window.__yzg?.liveConnected === true,
      expectedSns.length,
      { timeout: 30_000, polling: POLL_MS },
    );

    const hooks = await page.evaluate(() => window.__yzg!);
    expect(Object.keys(hooks.sensors).sort()).toEqual(expectedSns);
    for (const [sn, marker] of Object.entries(hooks.sensors)) {
      const expected = marker.depthMm === null ? null : BAND_COLORS[depthBand(marker.depthMm)];
      if (expected !== null) expect(marker.color, `marker colour of ${sn}`).toBe(expected);
    }
    const rowSns = await page.locator('.sensor-row').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-sn')));
    expect([...rowSns].sort()).toEqual(expectedSns);
    expect(await page.getByTestId('count-total').textContent()).toBe(String(expectedSns.length));
    expect(await page.getByTestId('user').textContent()).toContain('值班员');
    expect(await page.getByTestId('live-status').textContent()).toBe('实时连接');
    expect(await page.getByText('地图加载中').count()).toBe(0);
  });

  it('recolours the marker and the panel row of a sensor when a 320 mm reading arrives over MQTT', async ({ annotate }) => {
    const before = await page.evaluate(() => window.__yzg!.sensors);
    const target = system.sensors.find((s) => before[s.sn]?.band !== 'restrict');
    if (!target) throw new Error('every seeded sensor is already in the restrict band');
    const sn = target.sn;

    const publishedAtMs = Date.now();
    await system.publishReading(sn, { seq: Date.now(), ts: new Date().toISOString(), depthMm: 320 });

    await page.waitForFunction(
      ({ sn, color }) => {
        const marker = window.__yzg?.sensors[sn];
        const row = document.querySelector<HTMLElement>(`.sensor-row[data-sn="${sn}"]`);
        return marker?.band === 'restrict' && marker.color === color && row?.dataset.band === 'restrict';
      },
      { sn, color: BAND_COLORS.restrict },
      { timeout: LIVE_TIMEOUT_MS, polling: POLL_MS },
    );
    await annotate(`reading reached the map marker ${Date.now() - publishedAtMs} ms after the MQTT publish`);
    const marker = await page.evaluate((sn) => window.__yzg!.sensors[sn], sn);
    expect(marker).toMatchObject({ depthMm: 320, band: 'restrict', online: true, color: BAND_COLORS.restrict });
    const row = page.locator(`.sensor-row[data-sn="${sn}"]`);
    expect(await row.getAttribute('data-band')).toBe('restrict');
    expect(await row.getByTestId('depth').textContent()).toBe('32.0 cm');

    // Let the globe draw the new colour before capturing what a duty officer would see.
    await page.waitForFunction(() => window.__yzg!.framesRendered > window.__yzg!.markersChangedAtFrame, undefined, {
      timeout: LIVE_TIMEOUT_MS,
      polling: POLL_MS,
    });
    await page.screenshot({ path: SCREENSHOT });
  });

  it('flies the camera to a sensor clicked in the side panel', async () => {
    const sn = await page.locator('.sensor-row').last().getAttribute('data-sn');
    if (!sn) throw new Error('no sensor rows');
    const position = await page.evaluate(async (sn) => {
      const res = await fetch('/api/v1/sensors', {
        headers: { authorization: `Bearer ${JSON.parse(sessionStorage.getItem('yzg.session')!).token}` },
      });
      const sensors = (await res.json()) as { sn: string; lat: number; lon: number }[];
      return sensors.find((s) => s.sn === sn)!;
    }, sn);

    await page.locator(`.sensor-row[data-sn="${sn}"]`).click();
    await page.waitForFunction(
      ({ lat, lon }) => {
        const c = window.__yzg?.viewCentre;
        return c !== null && c !== undefined && Math.abs(c.lat - lat) < 0.002 && Math.abs(c.lon - lon) < 0.002;
      },
      { lat: position.lat, lon: position.lon },
      { timeout: 30_000, polling: POLL_MS },
    );
    expect(await page.evaluate(() => window.__yzg!.selectedSn)).toBe(sn);
    expect(await page.locator(`.sensor-row[data-sn="${sn}"]`).getAttribute('aria-pressed')).toBe('true');
    await page.screenshot({ path: path.join(RESULTS_DIR, 'cockpit-focus.png') });
  });

  it('logs out back to the login page without page errors', async () => {
    await page.getByRole('button', { name: '退出登录' }).click();
    await page.getByRole('button', { name: '登录', exact: true }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('yzg.session'))).toBeNull();
    expect(pageErrors).toEqual([]);
  });
});
