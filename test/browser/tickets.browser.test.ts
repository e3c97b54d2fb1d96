/**
 * Issue 5 acceptance in headless Chromium against a real system: a waterlogging ticket dispatched
 * to the grid worker, who opens it on a phone-sized screen, starts handling, uploads a photo and
 * reports back, while the duty officer's workbench in a second browser context follows the stage
 * live without a reload. Every wait is on DOM state or `window.__yzg.tickets`, never a sleep.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InjectOptions } from 'fastify';
import { startSystem, type TestSystem } from '../support/system.ts';
import { CHROMIUM_FLAGS, CHROMIUM_PATH, RESULTS_DIR } from './chromium.ts';

/** A change made in one browser must reach the other within this. */
const LIVE_TIMEOUT_MS = 15_000;
const UI_TIMEOUT_MS = 30_000;

/** A `w`×`h` RGB PNG with a gradient: bigger than the 1280 px upload limit, so the page must downscale it. */
function gradientPng(w: number, h: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const len = Buffer.alloc(4);
    len.writeUInt32BE(data.length);
    const td = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(zlib.crc32(td));
    return Buffer.concat([len, td, crc]);
  };
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(w, 0);
  ihdr.writeUInt32BE(h, 4);
  ihdr.set([8, 2, 0, 0, 0], 8);
  const raw = Buffer.alloc((w * 3 + 1) * h);
  for (let y = 0; y < h; y++) {
    const row = y * (w * 3 + 1);
    for (let x = 0; x < w; x++) raw.set([(x * 255) / w, (y * 255) / h, 160], row + 1 + x * 3);
  }
  return Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), chunk('IHDR', ihdr), chunk('IDAT', zlib.deflateSync(raw)), chunk('IEND', Buffer.alloc(0))]);
}

describe('ticket workbench and grid worker phone view', { timeout: 240_000 }, () => {
  let sys: TestSystem;
  let browser: Browser;
  let workDir: string;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];
  let dutyToken: string;

  async function call(method: InjectOptions['method'], url: string, payload?: unknown) {
    const res = await sys.centre.hub.app.inject({ method, url, headers: { authorization: `Bearer ${dutyToken}` }, ...(payload === undefined ? {} : { payload: payload as object }) });
    const json = String(res.headers['content-type'] ?? '').includes('json');
    return { status: res.statusCode, body: json ? res.json() : null, headers: res.headers };
  }

  async function openSignedIn(viewport: { width: number; height: number }, username: string, hash: string, mobile: boolean): Promise<Page> {
    const context = await browser.newContext({ viewport, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: mobile, hasTouch: mobile, deviceScaleFactor: mobile ? 2 : 1 });
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (err) => pageErrors.push(`${username}: ${err.message}`));
    await page.goto(`${sys.httpUrl}/${hash}`);
    await page.getByLabel('用户名').fill(username);
    await page.getByLabel('密码').fill(sys.demoPassword);
    await page.getByRole('button', { name: '登录', exact: true }).click();
    return page;
  }

  /** Waits until the workbench detail reaches `stage` or shows an error, and fails with the error's text. */
  async function untilStageOrError(page: Page, stage: string): Promise<void> {
    await page.waitForFunction(
      (s) => document.querySelector('[data-testid="ticket-detail"]')?.getAttribute('data-stage') === s || document.querySelector('[data-testid="ticket-error"]') !== null,
      stage,
      { timeout: UI_TIMEOUT_MS },
    );
    const error = page.getByTestId('ticket-error');
    if ((await error.count()) > 0) {
      await page.screenshot({ path: path.join(RESULTS_DIR, `tickets-workbench-error-${stage}.png`) });
      expect.fail(`workbench error instead of ${stage}: ${await error.textContent()}`);
    }
  }

  beforeAll(async () => {
    sys = await startSystem();
    dutyToken = await sys.login('duty');
    workDir = await mkdtemp(path.join(tmpdir(), 'yzg-tickets-browser-'));
    await mkdir(RESULTS_DIR, { recursive: true });
    // launch() gives every run a fresh temporary profile (user-data-dir); contexts are isolated from each other.
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_FLAGS });
  }, 120_000);

  afterAll(async () => {
    for (const c of contexts) await c.close();
    await browser?.close();
    await sys?.stop();
    if (workDir) await rm(workDir, { recursive: true, force: true });
  });

  it('the grid worker starts, photographs and reports a dispatched ticket on a phone; the duty officer sees each stage live', async () => {
    // The real API prepares the ticket, as in test/workflow-loop.test.ts: event → accept → register → dispatch to `grid`.
    const ev = await call('POST', '/api/v1/events', {
      type: 'waterlogging', severity: 3, title: '市桥下穿隧道 积水 32cm', lat: 22.945, lon: 113.37353,
      source: 'sensor', sourceRef: 'WL-007-01', measure: { depthMm: 320 },
    });
    expect(ev.status).toBe(201);
    const id = ev.body.ticketId as number;
    expect((await call('POST', `/api/v1/tickets/${id}/accept`, { version: 1 })).status).toBe(200);
    expect((await call('POST', `/api/v1/tickets/${id}/register`, { version: 2 })).status).toBe(200);
    const gridUser = (await call('GET', '/api/v1/org/units/grid:44011300700301')).body.members.find((m: { username: string }) => m.username === 'grid');
    const dispatched = await call('POST', `/api/v1/tickets/${id}/dispatch`, { version: 3, toUnit: 'grid:44011300700301', toUserId: gridUser.userId, note: '请立即处置' });
    expect(dispatched.body).toMatchObject({ stage: 'dispatched', assigneeUserId: gridUser.userId });

    // The duty officer's workbench, open on the ticket.
    const duty = await openSignedIn({ width: 1600, height: 1000 }, 'duty', '#/tickets', false);
    const dutyRow = duty.locator(`tr[data-ticket-id="${id}"]`);
    await dutyRow.click({ timeout: UI_TIMEOUT_MS });
    const dutyDetail = duty.locator(`[data-testid="ticket-detail"][data-ticket-id="${id}"]`);
    await dutyDetail.and(duty.locator('[data-stage="dispatched"]')).waitFor({ timeout: UI_TIMEOUT_MS });
    await duty.waitForFunction(() => window.__yzg?.tickets?.liveConnected === true, undefined, { timeout: UI_TIMEOUT_MS });
    expect(await dutyRow.locator('.tk-due').textContent()).toMatch(/^剩余 /);
    expect(await duty.locator('[data-testid="ticket-detail"] [data-action]').evaluateAll((b) => b.map((x) => x.getAttribute('data-action')))).not.toContain('start');
    // A marker that a page reload would wipe out.
    await duty.evaluate(() => Object.assign(window, { __noReloadMarker: 'still here' }));
    await duty.screenshot({ path: path.join(RESULTS_DIR, 'tickets-workbench-dispatched.png') });

    // The grid worker signs in on a phone and lands on 我的工单.
    const phone = await openSignedIn({ width: 390, height: 844 }, 'grid', '', true);
    const card = phone.locator(`.m-card[data-ticket-id="${id}"]`);
    await card.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(phone.url()).toContain('#/m');
    expect(await card.getAttribute('data-stage')).toBe('dispatched');
    await phone.screenshot({ path: path.join(RESULTS_DIR, 'tickets-mobile-list.png') });

    await card.click();
    const phoneTicket = phone.locator(`[data-testid="mobile-ticket"][data-ticket-id="${id}"]`);
    await phoneTicket.and(phone.locator('[data-stage="dispatched"]')).waitFor({ timeout: UI_TIMEOUT_MS });
    const startButton = phone.locator('button[data-action="start"]');
    const box = await startButton.boundingBox();
    expect(box!.height).toBeGreaterThanOrEqual(48);
    await phone.screenshot({ path: path.join(RESULTS_DIR, 'tickets-mobile-ticket.png') });

    await startButton.tap();
    await phoneTicket.and(phone.locator('[data-stage="handling"]')).waitFor({ timeout: UI_TIMEOUT_MS });
    // The workbench follows live: detail and list row.
    await dutyDetail.and(duty.locator('[data-stage="handling"]')).waitFor({ timeout: LIVE_TIMEOUT_MS });
    await duty.locator(`tr[data-ticket-id="${id}"][data-stage="handling"]`).waitFor({ timeout: LIVE_TIMEOUT_MS });

    // A 1600×1200 photo from the "camera": downscaled to ≤ 1280 px JPEG in the page, uploaded with progress.
    const photoPath = path.join(workDir, 'scene.png');
    await writeFile(photoPath, gradientPng(1600, 1200));
    await phone.locator('[data-testid="photo-input"]').setInputFiles(photoPath);
    const thumb = phone.locator('[data-testid="uploaded-photos"] img[data-photo-id]');
    await thumb.waitFor({ timeout: UI_TIMEOUT_MS });
    const photoId = Number(await thumb.getAttribute('data-photo-id'));
    await phone.getByLabel('处置说明 / note').fill('已设置警示并抽排，积水已退');
    await phone.screenshot({ path: path.join(RESULTS_DIR, 'tickets-mobile-report.png'), fullPage: true });

    await phone.locator('button[data-action="report"]').tap();
    await phoneTicket.and(phone.locator('[data-stage="reported"]')).waitFor({ timeout: UI_TIMEOUT_MS });
    await phone.locator(`.tk-timeline li[data-action="report"] img[data-photo-id="${photoId}"]`).waitFor({ timeout: UI_TIMEOUT_MS });
    await phone.screenshot({ path: path.join(RESULTS_DIR, 'tickets-mobile-reported.png') });

    // The duty officer sees 反馈 with the photo as evidence, still without a reload.
    await dutyDetail.and(duty.locator('[data-stage="reported"]')).waitFor({ timeout: LIVE_TIMEOUT_MS });
    await duty.locator(`tr[data-ticket-id="${id}"][data-stage="reported"]`).waitFor({ timeout: LIVE_TIMEOUT_MS });
    const evidence = duty.locator(`[data-testid="evidence"] img[data-photo-id="${photoId}"]`);
    await evidence.waitFor({ timeout: UI_TIMEOUT_MS });
    await duty.waitForFunction((pid) => {
      const img = document.querySelector<HTMLImageElement>(`[data-testid="evidence"] img[data-photo-id="${pid}"]`);
      return img !== null && img.complete && img.naturalWidth > 0;
    }, photoId, { timeout: UI_TIMEOUT_MS });
    const natural = await evidence.evaluate((img: HTMLImageElement) => ({ w: img.naturalWidth, h: img.naturalHeight }));
    expect(natural).toEqual({ w: 1280, h: 960 });
    expect(await duty.evaluate(() => (window as unknown as { __noReloadMarker?: string }).__noReloadMarker)).toBe('still here');
    expect(await duty.evaluate(() => window.__yzg?.tickets?.liveMessages ?? 0)).toBeGreaterThanOrEqual(2);
    await duty.screenshot({ path: path.join(RESULTS_DIR, 'tickets-workbench-reported.png') });

    // The hub holds what the phone sent: the report by the grid worker with the JPEG attached.
    const detail = (await call('GET', `/api/v1/tickets/${id}`)).body;
    expect(detail.ticket).toMatchObject({ stage: 'reported', handlerUserId: gridUser.userId });
    expect(detail.history.at(-1)).toMatchObject({ action: 'report', fromStage: 'handling', toStage: 'reported', note: '已设置警示并抽排，积水已退', attachmentIds: [photoId] });
    const photo = await call('GET', `/api/v1/tickets/${id}/photos/${photoId}`);
    expect(photo.headers['content-type']).toBe('image/jpeg');

    // A stale workbench: its refetch is held back while someone else supervises the ticket, so closing at the old version gets 409.
    let holdDetail = true;
    const held: Array<() => Promise<void>> = [];
    await duty.route(`**/api/v1/tickets/${id}`, async (route) => {
      if (holdDetail && route.request().method() === 'GET') held.push(() => route.continue());
      else await route.continue();
    });
    const seenLive = await duty.evaluate(() => window.__yzg!.tickets!.liveMessages);
    expect((await call('POST', `/api/v1/tickets/${id}/supervise`, { version: 6, note: '请加快' })).body).toMatchObject({ version: 7 });
    await duty.waitForFunction((n) => window.__yzg!.tickets!.liveMessages > n, seenLive, { timeout: LIVE_TIMEOUT_MS });
    const detailPane = duty.locator('[data-testid="ticket-detail"]');
    await detailPane.locator('button[data-action="close"]').click();
    const closeForm = detailPane.locator('[data-action-form="close"]');
    // On-site verification needs a note or a photo before it can be sent.
    expect(await closeForm.locator('button[type="submit"]').isDisabled()).toBe(true);
    await closeForm.getByLabel('说明 / note').fill('现场核查，积水已退');
    await closeForm.locator('button[type="submit"]').click();
    const banner = duty.getByTestId('ticket-error');
    await banner.waitFor({ timeout: UI_TIMEOUT_MS });
    expect(await banner.textContent()).toContain('工单已被他人更新');
    await duty.screenshot({ path: path.join(RESULTS_DIR, 'tickets-workbench-conflict.png') });
    holdDetail = false;
    await banner.getByRole('button', { name: /重新加载/ }).click();
    await banner.waitFor({ state: 'detached', timeout: UI_TIMEOUT_MS });
    await duty.waitForFunction(() => window.__yzg!.tickets!.selectedVersion === 7, undefined, { timeout: UI_TIMEOUT_MS });
    for (const release of held.splice(0)) await release();

    // Then the duty officer verifies on site, closes it and gives 5 stars (好评) from the workbench.
    await detailPane.locator('[data-action-form="close"] button[type="submit"]').click();
    await untilStageOrError(duty, 'closed');
    await detailPane.locator('button[data-action="rate"]').click();
    await detailPane.locator('[data-action-form="rate"] button[data-rating="5"]').click();
    await detailPane.locator('[data-action-form="rate"] button[type="submit"]').click();
    await untilStageOrError(duty, 'rated');
    expect((await call('GET', `/api/v1/tickets/${id}`)).body.ticket).toMatchObject({ stage: 'rated', rating: 5 });
    // The phone follows live too.
    await phoneTicket.and(phone.locator('[data-stage="rated"]')).waitFor({ timeout: LIVE_TIMEOUT_MS });
    await duty.screenshot({ path: path.join(RESULTS_DIR, 'tickets-workbench-rated.png') });

    expect(pageErrors).toEqual([]);
  });
});
