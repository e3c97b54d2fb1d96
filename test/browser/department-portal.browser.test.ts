/**
 * The department portal (部门任务需求) in headless Chromium against a real running system: hub
 * with its ground station, pg-boss patrol jobs, PostgreSQL, broker, and the 市桥 dock agent with
 * its simulated drone. The water department's user signs in, lands on the portal, draws an area
 * by clicking its corners on the globe, fills the form and submits; the duty officer approves
 * (over the API); the user sees the task go to 执行中 with the sortie's progress and the drone
 * moving, and the first thumbnails of its camera's images, one opened with its pose. Every wait is on state the
 * portal exposes on `window.__yzg.tasks` or in the DOM.
 */
import path from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DockAgent } from '../../edge/dock/dock-agent.ts';
import { distanceM } from '../../edge/dock/sim-autopilot/geo.ts';
import type { DockView } from '../../protocol/dock.schema.ts';
import type { TaskView } from '../../protocol/task.schema.ts';
import { startSimDock, until } from '../support/sim-dock.ts';
import { startSystem, type TestSystem } from '../support/system.ts';
import { RESULTS_DIR, openBigScreen, signIn, type BigScreen } from './chromium.ts';

/**
 * Cesium in SwiftShader: ~1 frame/s, 15–30 s to the first tiles, more on shared cores. The whole
 * test takes about 3 minutes beside other suites on 2 cores (globe ~100 s), longer when they peak.
 */
const GLOBE_TIMEOUT_MS = 150_000;
const POLL_MS = 250;
const DOCK_SN = 'DK-SQ-01';
/** An area of about 150 × 130 m, 400 m north-east of the 市桥 dock, corners as [lon, lat]. */
const AREA: Array<[number, number]> = [
  [113.37, 22.95],
  [113.3715, 22.95],
  [113.3715, 22.9512],
  [113.37, 22.9512],
];

describe('department portal', { timeout: 480_000 }, () => {
  let system: TestSystem;
  let agent: DockAgent;
  let screen: BigScreen;
  let page: Page;
  let dutyToken: string;
  const pageErrors: string[] = [];

  const screenshot = async (name: string) => {
    // Let the globe draw what changed last (a few frames: glyphs and geometry load over frames) before capturing it.
    await page
      .waitForFunction(() => window.__yzg!.tasks!.framesRendered > window.__yzg!.tasks!.changedAtFrame + 2 && window.__yzg!.tasks!.entitiesReady, undefined, { timeout: 30_000, polling: POLL_MS })
      .catch(async (e: Error) => {
        await page.screenshot({ path: path.join(RESULTS_DIR, `tasks-${name}-timeout.png`) });
        throw new Error(`${e.message}; portal state: ${await page.evaluate(() => JSON.stringify(window.__yzg?.tasks ?? null))}`);
      });
    await page.screenshot({ path: path.join(RESULTS_DIR, `tasks-${name}.png`) });
  };

  beforeAll(async () => {
    system = await startSystem({}, { patrol: { tickMs: 300, watchMs: 300, leaseS: 5, launchRetryS: 1, rechargeS: 1 } });
    agent = await startSimDock(system, DOCK_SN, { timeScale: 25, ekfReadyAfterS: 1, gcsTimeoutMs: 60_000 }, { camera: true });
    dutyToken = await system.login('duty');
    await until('dock ready with its drone linked', async () => {
      const res = await system.centre.hub.app.inject({ method: 'GET', url: `/api/v1/docks/${DOCK_SN}`, headers: { authorization: `Bearer ${dutyToken}` } });
      const d = res.json() as DockView;
      return d.online && d.state === 'idle' && d.droneLinked;
    });

    screen = await openBigScreen(system.httpUrl, pageErrors);
    page = screen.page;
  }, 120_000);

  afterAll(async () => {
    await screen?.close();
    await agent?.stop();
    await system?.stop();
  });

  it('a department user draws an area on the globe, submits it, and follows the approved task flying with its progress and images', { timeout: 470_000 }, async () => {
    const t0 = Date.now();
    const stage = (what: string) => console.log(`department portal: ${what} after ${((Date.now() - t0) / 1000).toFixed(1)} s`);
    await signIn(page, 'water', system.demoPassword);
    // A department lands on its portal.
    await page.waitForFunction(() => window.location.hash === '#/tasks', undefined, { timeout: 30_000, polling: POLL_MS });
    await page
      .waitForFunction(() => window.__yzg?.tasks?.globeReady === true, undefined, { timeout: GLOBE_TIMEOUT_MS, polling: POLL_MS })
      .catch(async (e: Error) => {
        throw new Error(`${e.message}; portal state: ${await page.evaluate(() => JSON.stringify(window.__yzg?.tasks ?? null))}`);
      });
    // The keep-out zones (广州南站, the heliport) are on the map.
    await page.waitForFunction(() => window.__yzg!.tasks!.keepOutZones >= 2, undefined, { timeout: 30_000, polling: POLL_MS });

    stage('globe ready');
    await page.getByRole('button', { name: /新建任务/ }).click();
    // Submitting an empty form says what is missing, next to the form.
    await page.getByRole('button', { name: '提交任务' }).click();
    expect(await page.getByRole('alert').textContent()).toContain('请填写任务名称');

    // Jump to the 市桥 dock and draw the area by clicking its corners on the globe.
    const dock = system.centre.seedResult.docks!.find((d) => d.sn === DOCK_SN)!;
    await page.getByLabel('定位到机库 / go to dock').selectOption(DOCK_SN);
    await page.waitForFunction(
      ({ lat, lon }) => {
        const c = window.__yzg?.tasks?.viewCentre;
        return c != null && Math.abs(c.lat - lat) < 0.002 && Math.abs(c.lon - lon) < 0.002;
      },
      { lat: dock.lat, lon: dock.lon },
      { timeout: 60_000, polling: POLL_MS },
    );
    for (const [i, [lon, lat]] of AREA.entries()) {
      const at = await page.evaluate(({ lat, lon }) => window.__yzg!.tasks!.toScreen!(lat, lon), { lat, lon });
      expect(at, `corner ${i} on screen`).not.toBeNull();
      await page.mouse.click(at!.x, at!.y);
      await page.waitForFunction((n) => window.__yzg!.tasks!.drawing.length === n, i + 1, { timeout: 30_000, polling: POLL_MS });
    }
    stage('area drawn');
    await page.getByRole('button', { name: '完成绘制' }).click();
    const drawn = await page.evaluate(() => ({ points: window.__yzg!.tasks!.drawing, closed: window.__yzg!.tasks!.drawingClosed }));
    expect(drawn.closed).toBe(true);
    // Each clicked corner lands within a few metres of the intended one.
    for (const [i, [lon, lat]] of AREA.entries()) {
      const [dlon, dlat] = drawn.points[i]!;
      expect(distanceM({ lat: dlat, lon: dlon }, { lat, lon }), `corner ${i}`).toBeLessThan(15);
    }
    expect(await page.getByTestId('draw-count').textContent()).toContain('已绘制 4 个点');

    await page.getByLabel('任务名称 / Title').fill('市桥河段巡查（浏览器）');
    await page.getByLabel('任务目的 / Purpose').fill('检查河涌漂浮物与岸线垃圾');
    await screenshot('drawn');
    await page.getByRole('button', { name: '提交任务' }).click();

    // The new task opens, waiting for approval.
    const opened = await page.waitForFunction(() => {
      const t = window.__yzg?.tasks?.openTask;
      return t && t.status === 'submitted' ? t.id : false;
    }, undefined, { timeout: 30_000, polling: POLL_MS });
    const taskId = (await opened.jsonValue()) as string;
    const detail = page.locator(`.tp-detail[data-task-id="${taskId}"]`);
    expect(await detail.locator('.tp-chip').first().textContent()).toBe('待审批');
    const stored = (await system.centre.hub.app.inject({ method: 'GET', url: `/api/v1/tasks/${taskId}`, headers: { authorization: `Bearer ${dutyToken}` } })).json() as TaskView;
    expect(stored.geometry.kind).toBe('polygon');
    expect(stored.altitudeM).toBe(60);
    expect(stored.orgUnit).toBeTruthy();

    // The duty officer approves; the department sees it fly.
    const approved = await system.centre.hub.app.inject({ method: 'POST', url: `/api/v1/tasks/${taskId}/decision`, headers: { authorization: `Bearer ${dutyToken}` }, payload: { decision: 'approve' } });
    expect(approved.statusCode, approved.body).toBe(200);
    stage('approved');
    await page.waitForFunction(() => window.__yzg?.tasks?.openTask?.status === 'in-progress', undefined, { timeout: 90_000, polling: POLL_MS });
    await detail.locator('.tp-chip', { hasText: '执行中' }).first().waitFor({ timeout: 10_000 });
    // Progress: waypoints reached, the bar filling, the drone on the map.
    const progress = await page.waitForFunction(
      () => {
        const t = window.__yzg?.tasks?.openTask;
        return t && t.reached >= 2 && t.total > t.reached && t.drone ? t : false;
      },
      undefined,
      { timeout: 90_000, polling: POLL_MS },
    );
    const p = (await progress.jsonValue()) as { reached: number; total: number; drone: { lat: number; lon: number } };
    expect(distanceM(p.drone, { lat: AREA[0]![1], lon: AREA[0]![0] })).toBeLessThan(1500);
    const bar = detail.locator('.tp-sortie [role="progressbar"]').first();
    expect(Number(await bar.getAttribute('aria-valuenow'))).toBeGreaterThan(0);
    expect(await detail.locator('.tp-notes').textContent()).toContain(DOCK_SN);
    // At once: at 25× the flight is over in seconds, and the panel is what shows the progress.
    await page.screenshot({ path: path.join(RESULTS_DIR, 'tasks-progress.png') });
    stage('progress seen');

    // The first images: the drone's camera uploads at each trigger; the gallery shows their thumbnails.
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[data-testid="thumbs"] img')].some((img) => img.complete && img.naturalWidth > 0), undefined, { timeout: 90_000, polling: POLL_MS });
    await page.waitForFunction(() => (window.__yzg?.tasks?.openTask?.images ?? 0) > 0, undefined, { timeout: 10_000, polling: POLL_MS });
    await screenshot('images');
    // A click opens the full image with its pose, taken inside or near the area.
    await page.locator('[data-testid="thumbs"] img').first().click();
    const lightbox = page.getByRole('dialog');
    await lightbox.waitFor({ timeout: 10_000 });
    expect(await lightbox.textContent()).toContain('拍摄时间');
    await page.waitForFunction(() => [...document.querySelectorAll<HTMLImageElement>('[role="dialog"] img')].some((img) => img.complete && img.naturalWidth > 0), undefined, { timeout: 30_000, polling: POLL_MS });
    await page.screenshot({ path: path.join(RESULTS_DIR, 'tasks-image-open.png') });
    stage('done');
    expect(pageErrors).toEqual([]);
  });
});
