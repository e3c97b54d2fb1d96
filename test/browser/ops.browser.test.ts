/**
 * The operator console (指飞控制台) in headless Chromium against a real running system: hub with
 * its ground station, PostgreSQL, broker, and one dock agent with its simulated drone over real
 * MQTT. The operator launches the drone from the UI by clicking 一键起飞 and a point on the map;
 * the console shows the flying drone moving and its battery falling. One browser for the file;
 * every wait is on state the console exposes on `window.__yzg.ops` or in the DOM.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DockAgent } from '../../edge/dock/dock-agent.ts';
import { distanceM } from '../../edge/dock/sim-autopilot/geo.ts';
import type { DockView } from '../../protocol/dock.schema.ts';
import { startSystem, type TestSystem } from '../support/system.ts';
import { startSimDock } from '../support/sim-dock.ts';
import { RESULTS_DIR, openBigScreen, signIn, type BigScreen } from './chromium.ts';

/** Cesium in SwiftShader: ~1 frame/s, 25–35 s to the first tiles on an idle machine, far more when shared. */
const GLOBE_TIMEOUT_MS = 150_000;
const POLL_MS = 250;
/** Simulated time runs this much faster than wall time, so a flight takes seconds. */
const SIM_TIME_SCALE = 10;

async function until<T>(what: string, fn: () => Promise<T | undefined | false | null> | T | undefined | false | null, timeoutMs = 30_000): Promise<T> {
  const t0 = Date.now();
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('operator console', { timeout: 240_000 }, () => {
  let system: TestSystem;
  let agent: DockAgent;
  let dock: { sn: string; lat: number; lon: number };
  let screen: BigScreen;
  let page: Page;
  const pageErrors: string[] = [];

  const screenshot = async (name: string) => {
    // Let the globe draw what changed last before capturing it.
    await page.waitForFunction(() => window.__yzg!.ops!.framesRendered > window.__yzg!.ops!.changedAtFrame, undefined, { timeout: 30_000, polling: POLL_MS });
    await page.screenshot({ path: path.join(RESULTS_DIR, `ops-${name}.png`) });
  };

  beforeAll(async () => {
    system = await startSystem();
    dock = system.centre.seedResult.docks![0]!;
    agent = await startSimDock(system, dock.sn, { timeScale: SIM_TIME_SCALE, ekfReadyAfterS: 2 });
    const token = await system.login('operator');
    await until('dock ready with its drone linked', async () => {
      const res = await system.centre.hub.app.inject({ method: 'GET', url: `/api/v1/docks/${dock.sn}`, headers: { authorization: `Bearer ${token}` } });
      const d = res.json() as DockView;
      return d.online && d.state === 'idle' && d.droneLinked && d.drone !== null;
    });

    screen = await openBigScreen(`${system.httpUrl}/#/ops`, pageErrors);
    page = screen.page;
  }, 120_000);

  afterAll(async () => {
    await screen?.close();
    await agent?.stop();
    await system?.stop();
  });

  it('signs the operator in and shows every dock and the docked drone on the loaded globe', { timeout: 200_000 }, async () => {
    await signIn(page, 'operator', system.demoPassword);

    await page.waitForFunction(() => window.__yzg?.ops?.globeReady === true, undefined, { timeout: GLOBE_TIMEOUT_MS, polling: POLL_MS });
    const docks = system.centre.seedResult.docks!;
    await page.waitForFunction(
      ({ count, sn }) => {
        const ops = window.__yzg?.ops;
        return ops?.liveConnected === true && Object.keys(ops.docks).length === count && ops.drones[sn] !== undefined;
      },
      { count: docks.length, sn: dock.sn },
      { timeout: 30_000, polling: POLL_MS },
    );
    const ops = await page.evaluate(() => window.__yzg!.ops!);
    expect(ops.docks[dock.sn]).toMatchObject({ state: 'idle', online: true, droneLinked: true, coverageRadiusM: 7000 });
    expect(ops.drones[dock.sn]).toMatchObject({ armed: false });
    expect(distanceM(ops.drones[dock.sn]!, dock)).toBeLessThan(5);
    // The linked dock is selected and its telemetry shows.
    expect(ops.selectedSn).toBe(dock.sn);
    const panel = page.getByTestId('telemetry');
    expect(await panel.getAttribute('data-sn')).toBe(dock.sn);
    expect(await panel.getAttribute('data-armed')).toBe('false');
    // Nothing is flying: only launch applies.
    expect(await page.locator('[data-action="launch"]').isEnabled()).toBe(true);
    for (const action of ['hold', 'return', 'land', 'emergency-stop']) expect(await page.locator(`[data-action="${action}"]`).isDisabled(), action).toBe(true);
    await screenshot('overview');
  });

  it('launches the drone to a point clicked on the map, then shows it moving with its battery falling', { timeout: 200_000 }, async () => {
    await page.locator(`.ops-dock-row[data-sn="${dock.sn}"]`).click();
    await page.waitForFunction(
      ({ lat, lon }) => {
        const c = window.__yzg?.ops?.viewCentre;
        return c != null && Math.abs(c.lat - lat) < 0.003 && Math.abs(c.lon - lon) < 0.003;
      },
      { lat: dock.lat, lon: dock.lon },
      { timeout: 60_000, polling: POLL_MS },
    );

    await page.locator('[data-action="launch"]').click();
    await page.getByTestId('target-picker').waitFor();
    const canvas = await page.locator('.ops-globe canvas').first().boundingBox();
    if (!canvas) throw new Error('no globe canvas');
    // Left of and above the dock, well inside its 7 km coverage and clear of the side panel.
    await page.mouse.click(canvas.x + canvas.width / 2 - 220, canvas.y + canvas.height / 2 - 90);
    const target = await until('target chosen on the map', () => page.evaluate(() => window.__yzg!.ops!.target), 30_000);
    const targetDistanceM = distanceM(target, dock);
    expect(targetDistanceM).toBeGreaterThan(300);
    expect(targetDistanceM).toBeLessThan(6000);
    await screenshot('target');

    const before = await page.evaluate((sn) => window.__yzg!.ops!.drones[sn]!, dock.sn);
    await page.getByTestId('confirm-target').click();
    await page.waitForFunction(() => window.__yzg!.ops!.toasts.some((t) => t.action === '一键起飞'), undefined, { timeout: 60_000, polling: POLL_MS });
    const toast = await page.evaluate(() => window.__yzg!.ops!.toasts.find((t) => t.action === '一键起飞')!);
    expect(toast.outcome, toast.message).toBe('accepted');

    // Flying: armed, climbed, moved away from the dock, and the battery fell.
    await page.waitForFunction(
      ({ sn, lat, lon, batteryPct }) => {
        const d = window.__yzg?.ops?.drones[sn];
        if (!d || !d.armed || d.altRelM < 20) return false;
        const movedM = Math.hypot((d.lat - lat) * 111_000, (d.lon - lon) * 102_000);
        return movedM > 150 && d.batteryPct < batteryPct && d.trailPoints > 3;
      },
      { sn: dock.sn, lat: before.lat, lon: before.lon, batteryPct: before.batteryPct },
      { timeout: 90_000, polling: POLL_MS },
    );
    const first = await page.evaluate((sn) => window.__yzg!.ops!.drones[sn]!, dock.sn);
    // It keeps moving and draining over the next seconds.
    const later = await page.waitForFunction(
      ({ sn, first }) => {
        const d = window.__yzg?.ops?.drones[sn];
        if (!d) return false;
        const movedM = Math.hypot((d.lat - first.lat) * 111_000, (d.lon - first.lon) * 102_000);
        return movedM > 50 && d.batteryPct < first.batteryPct ? d : false;
      },
      { sn: dock.sn, first },
      { timeout: 60_000, polling: POLL_MS },
    );
    const now = (await later.jsonValue()) as typeof first;
    expect(now.armed).toBe(true);
    // Drawn at true height: the drone's height above the ellipsoid is its height above the dock plus the dock's.
    expect(now.altM).toBeGreaterThan(now.altRelM - 1);
    expect(distanceM(now, target)).toBeLessThan(distanceM(before, target));

    // The panel shows the same drone in flight.
    const panel = page.getByTestId('telemetry');
    expect(await panel.getAttribute('data-armed')).toBe('true');
    expect(Number(await panel.getAttribute('data-battery-pct'))).toBeLessThan(before.batteryPct);
    expect(await page.getByTestId('battery').textContent()).toMatch(/^\d+%$/);
    // In flight the flight commands apply and launch does not.
    expect(await page.locator('[data-action="launch"]').isDisabled()).toBe(true);
    expect(await page.locator('[data-action="return"]').isEnabled()).toBe(true);
    await screenshot('flying');
  });

  it('asks for the typed confirmation 确认急停 before an emergency stop, and returns the drone to its dock', { timeout: 120_000 }, async () => {
    await page.locator('[data-action="emergency-stop"]').click();
    const dialog = page.getByRole('alertdialog');
    await dialog.waitFor();
    const stop = dialog.getByRole('button', { name: /执行急停/ });
    expect(await stop.isDisabled()).toBe(true);
    await dialog.getByLabel('确认文字 / confirmation').fill('确认');
    await dialog.getByLabel('原因 / reason').fill('演练');
    expect(await stop.isDisabled()).toBe(true);
    await page.screenshot({ path: path.join(RESULTS_DIR, 'ops-estop-dialog.png') });
    await dialog.getByRole('button', { name: /取消/ }).click();
    await dialog.waitFor({ state: 'detached' });

    await page.locator('[data-action="return"]').click();
    await page.waitForFunction(() => window.__yzg!.ops!.toasts.some((t) => t.action === '返航'), undefined, { timeout: 60_000, polling: POLL_MS });
    const toast = await page.evaluate(() => window.__yzg!.ops!.toasts.find((t) => t.action === '返航')!);
    expect(toast.outcome, toast.message).toBe('accepted');
    await page.waitForFunction((sn) => window.__yzg?.ops?.drones[sn]?.mode === 'RTL', dock.sn, { timeout: 30_000, polling: POLL_MS });
    expect(pageErrors).toEqual([]);
  });
});
