/**
 * Alarms, rain mode and the sensor chart on the big screen, in headless Chromium against a real
 * running system (hub, PostgreSQL, broker; readings published as a device over MQTT). One browser
 * launch for the file; every wait is on state the cockpit exposes on `window.__yzg` or in the DOM.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSystem } from '../support/system.ts';
import { RESULTS_DIR, openBigScreen, signIn, type BigScreen } from './chromium.ts';

type System = Awaited<ReturnType<typeof startSystem>>;

/** Cesium in SwiftShader needs 25–35 s for its first tiles on an idle machine, over 140 s when the cores are shared. */
const GLOBE_TIMEOUT_MS = 240_000;
/** An alarm raised by the hub's rules must reach the list within this (rules tick every 5 s). */
const ALARM_TIMEOUT_MS = 30_000;
/** UI changes wait on app state; under CI load (two test files and PostgreSQL on 2 cores) the chart can take tens of seconds. */
const UI_TIMEOUT_MS = 60_000;
const POLL_MS = 200;

describe('cockpit alarms and rain mode', { timeout: 120_000 }, () => {
  let system: System;
  let screen: BigScreen;
  let page: Page;
  let sn: string;
  let alarmId: number;
  const pageErrors: string[] = [];

  beforeAll(async () => {
    system = await startSystem();
    screen = await openBigScreen(system.httpUrl, pageErrors);
    page = screen.page;
  }, 120_000);

  afterAll(async () => {
    await screen?.close();
    await system?.stop();
  });

  it('signs the duty officer in and lists the open alarms and every town\'s rain mode', { timeout: 300_000 }, async () => {
    await signIn(page, 'duty', system.demoPassword);
    await page.waitForFunction(
      () => window.__yzg?.globeReady === true && Array.isArray(window.__yzg.alarms) && Object.keys(window.__yzg.rainModes ?? {}).length > 0,
      undefined,
      { timeout: GLOBE_TIMEOUT_MS, polling: POLL_MS },
    );
    expect(await page.getByRole('region', { name: '告警列表' }).isVisible()).toBe(true);
    expect(await page.getByTestId('rain-banner').count()).toBe(0);
  });

  it('shows a level-2 depth alarm live when a sensor holds 20 cm, with its chart and rain ring', { timeout: 120_000 }, async () => {
    sn = system.sensors[0]!.sn;
    const nowMs = Date.now();
    const seq0 = nowMs;
    // Three readings 60 s apart in the past: the depth rule needs the band held for 30 s.
    for (const [i, ageS] of [120, 60, 0].entries()) {
      await system.publishReading(sn, { seq: seq0 + i, ts: new Date(nowMs - ageS * 1000).toISOString(), depthMm: 200, rainMmPerH: 45 });
    }
    await page.waitForFunction(
      (sn) => window.__yzg?.alarms?.some((a) => a.sourceSn === sn && a.kind === 'depth') === true,
      sn,
      { timeout: ALARM_TIMEOUT_MS, polling: POLL_MS },
    );
    const alarm = (await page.evaluate((sn) => window.__yzg!.alarms!.find((a) => a.sourceSn === sn && a.kind === 'depth')!, sn));
    expect(alarm).toMatchObject({ level: 2, state: 'active', kind: 'depth' });
    alarmId = alarm.id;
    const row = page.locator(`[data-alarm-id="${alarmId}"]`);
    expect(await row.getAttribute('data-state')).toBe('active');
    expect(await row.getAttribute('data-level')).toBe('2');
    expect(await row.textContent()).toContain('积水');
    expect(Number(await page.getByTestId('alarm-count').evaluate((e) => e.firstChild?.textContent))).toBeGreaterThanOrEqual(1);

    // The reading's rain shows as a ring on the map.
    await page.waitForFunction((sn) => (window.__yzg?.rainRings?.[sn] ?? 0) === 45, sn, { timeout: UI_TIMEOUT_MS, polling: POLL_MS });

    // A click on the alarm selects its sensor and opens the chart with the series and the alarm marker.
    await row.locator('.alarm-main').click();
    await page.waitForFunction(
      (sn) => {
        const c = window.__yzg?.chart;
        return c?.sn === sn && c.loaded && c.points >= 2 && c.alarmMarks >= 1;
      },
      sn,
      { timeout: UI_TIMEOUT_MS, polling: POLL_MS },
    );
    expect(await page.locator(`.sensor-chart[data-sn="${sn}"] canvas`).count()).toBeGreaterThan(0);
    await page.waitForFunction(() => window.__yzg!.framesRendered > window.__yzg!.markersChangedAtFrame + 1, undefined, {
      timeout: 60_000,
      polling: POLL_MS,
    });
    await page.screenshot({ path: path.join(RESULTS_DIR, 'alarms.png') });
  });

  it('acknowledges the alarm from the list and shows it acknowledged', async () => {
    await page.locator(`[data-alarm-id="${alarmId}"]`).getByRole('button', { name: /确认/ }).click();
    await page.waitForFunction(
      (id) => document.querySelector(`[data-alarm-id="${id}"]`)?.getAttribute('data-state') === 'acknowledged' &&
        window.__yzg?.alarms?.find((a) => a.id === id)?.state === 'acknowledged',
      alarmId,
      { timeout: UI_TIMEOUT_MS, polling: POLL_MS },
    );
    const token = await system.login('duty');
    const res = await fetch(`${system.httpUrl}/api/v1/alarms?state=open`, { headers: { authorization: `Bearer ${token}` } });
    const open = (await res.json()) as Array<{ id: number; state: string; ackedBy: string | null }>;
    expect(open.find((a) => a.id === alarmId)).toMatchObject({ state: 'acknowledged', ackedBy: 'duty' });
    expect(await page.locator(`[data-alarm-id="${alarmId}"] .alarm-ack`).count()).toBe(0);
    // The open chart of the alarm's sensor marks the acknowledgement live.
    await page.waitForFunction(() => (window.__yzg?.chart?.followUpMarks ?? 0) >= 1, undefined, { timeout: UI_TIMEOUT_MS, polling: POLL_MS });
  });

  it('switches a town into rain mode and shows the banner', async () => {
    await page.getByRole('button', { name: /雨天模式/ }).click();
    const town = page.locator('.rain-panel li').first();
    const code = await town.getAttribute('data-town');
    if (!code) throw new Error('no towns in the rain-mode panel');
    await town.getByRole('switch').click();
    await page.waitForFunction(
      (code) => window.__yzg?.rainModes?.[code]?.active === true && document.querySelector('[data-testid="rain-banner"]') !== null,
      code,
      { timeout: UI_TIMEOUT_MS, polling: POLL_MS },
    );
    const townName = (await town.locator('.rain-town').evaluate((e) => e.firstChild?.textContent)) ?? '';
    expect(await page.getByTestId('rain-banner').textContent()).toContain(`雨天模式 · ${townName}`);
    const token = await system.login('duty');
    const res = await fetch(`${system.httpUrl}/api/v1/rain-mode`, { headers: { authorization: `Bearer ${token}` } });
    const modes = (await res.json()) as Array<{ regionCode: string; active: boolean; source: string }>;
    expect(modes.find((m) => m.regionCode === code)).toMatchObject({ active: true, source: 'manual' });

    // A second town switched elsewhere (another duty officer) reaches the banner live.
    const other = modes.find((m) => m.regionCode !== code && !m.active);
    if (!other) throw new Error('no second town to switch');
    const put = await fetch(`${system.httpUrl}/api/v1/rain-mode/${other.regionCode}`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ active: true }),
    });
    expect(put.status).toBe(200);
    await page.waitForFunction(
      (code) => window.__yzg?.rainModes?.[code]?.active === true && /等 2 个镇街/.test(document.querySelector('[data-testid="rain-banner"]')?.textContent ?? ''),
      other.regionCode,
      { timeout: UI_TIMEOUT_MS, polling: POLL_MS },
    );
    await page.waitForFunction(() => window.__yzg!.framesRendered > window.__yzg!.markersChangedAtFrame + 1, undefined, {
      timeout: 60_000,
      polling: POLL_MS,
    });
    await page.screenshot({ path: path.join(RESULTS_DIR, 'alarms-rain.png') });
    expect(pageErrors).toEqual([]);
  });
});
