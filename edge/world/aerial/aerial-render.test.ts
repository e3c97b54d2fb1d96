import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { AerialScene, sceneObjectsIn, type SceneRainSpot } from './aerial-scene.ts';
import { nadirPose, renderAerialImage } from './aerial-render.ts';
import { geoBBoxOf, groundToPixel, imageFootprint, offsetToGeo, pixelToGround } from './camera-geometry.ts';

const AT = '2026-06-01T08:00:00Z';

/** Pixels of the image for which `pred` holds: their bounding box [x1, y1, x2, y2] (pixel edges). */
async function extentOf(png: Buffer, pred: (r: number, g: number, b: number) => boolean): Promise<[number, number, number, number] | null> {
  const { data, info } = await sharp(png).raw().toBuffer({ resolveWithObject: true });
  let x1 = Infinity;
  let y1 = Infinity;
  let x2 = -Infinity;
  let y2 = -Infinity;
  for (let y = 0; y < info.height; y++)
    for (let x = 0; x < info.width; x++) {
      const i = (y * info.width + x) * info.channels;
      if (!pred(data[i]!, data[i + 1]!, data[i + 2]!)) continue;
      x1 = Math.min(x1, x);
      y1 = Math.min(y1, y);
      x2 = Math.max(x2, x + 1);
      y2 = Math.max(y2, y + 1);
    }
  return Number.isFinite(x1) ? [x1, y1, x2, y2] : null;
}

async function meanRgb(img: Buffer, cx: number, cy: number, half: number): Promise<[number, number, number]> {
  const { data, info } = await sharp(img).raw().toBuffer({ resolveWithObject: true });
  const sum = [0, 0, 0];
  let n = 0;
  for (let y = Math.round(cy - half); y < cy + half; y++)
    for (let x = Math.round(cx - half); x < cx + half; x++) {
      const i = (y * info.width + x) * info.channels;
      for (let c = 0; c < 3; c++) sum[c]! += data[i + c]!;
      n++;
    }
  return [sum[0]! / n, sum[1]! / n, sum[2]! / n];
}

describe('nadir camera geometry', () => {
  it('maps a pixel to the ground and back', () => {
    const pose = nadirPose({ lat: 22.95, lon: 113.37, altRelM: 100, takenAt: AT, headingDeg: 37 });
    for (const [x, y] of [[0, 0], [1024, 768], [100, 700], [512, 384]] as const) {
      const g = pixelToGround(pose, x, y);
      const p = groundToPixel(pose, g);
      expect(p.x).toBeCloseTo(x, 6);
      expect(p.y).toBeCloseTo(y, 6);
    }
    // heading 0: north is up, east is right; 100 m with an 84° lens → 180 m across 1024 px
    const north = nadirPose({ lat: 22.95, lon: 113.37, altRelM: 100, takenAt: AT });
    const east10 = groundToPixel(north, offsetToGeo(north, 10, 0));
    const north10 = groundToPixel(north, offsetToGeo(north, 0, 10));
    const gsd = (2 * 100 * Math.tan((42 * Math.PI) / 180)) / 1024;
    expect(east10.x - 512).toBeCloseTo(10 / gsd, 6);
    expect(north10.y - 384).toBeCloseTo(-10 / gsd, 6);
  });
});

describe('aerial renderer', () => {
  it('draws a placed banner at the pixel box predicted from its position and size (±2 px)', async () => {
    const at = { lat: 22.95045, lon: 113.37065 };
    const scene = new AerialScene({ seed: 1, bareGround: true, placed: [{ kind: 'banner', ...at, lengthM: 12, widthM: 2, rotationDeg: 0, text: '旺铺招租' }] });
    const pose = nadirPose({ lat: 22.9503, lon: 113.3705, altRelM: 80, takenAt: AT, headingDeg: 30 });
    const out = await renderAerialImage(scene, pose, { png: true, grain: false });
    // the prediction, from the object's ground corners only
    const corners = [[-6, -1], [6, -1], [6, 1], [-6, 1]].map(([e, n]) => groundToPixel(pose, offsetToGeo(at, e!, n!)));
    const predicted = [Math.min(...corners.map((c) => c.x)), Math.min(...corners.map((c) => c.y)), Math.max(...corners.map((c) => c.x)), Math.max(...corners.map((c) => c.y))];
    const red = await extentOf(out.jpeg, (r, g, b) => Math.abs(r - 0x8a) + Math.abs(g - 0x94) + Math.abs(b - 0x6c) > 60);
    expect(red).not.toBeNull();
    for (let k = 0; k < 4; k++) expect(Math.abs(red![k]! - predicted[k]!)).toBeLessThanOrEqual(2);
    expect(out.objects).toHaveLength(1);
    const [obj] = out.objects;
    expect(obj!.kind).toBe('banner');
    expect(obj!.text).toBe('旺铺招租');
    for (let k = 0; k < 4; k++) expect(Math.abs(obj!.box[k]! - predicted[k]!)).toBeLessThanOrEqual(2);
  });

  it('centres a garbage pile on its ground position and reports its drawn extent', async () => {
    const at = { lat: 22.9601, lon: 113.3455 };
    const scene = new AerialScene({ seed: 9, bareGround: true, placed: [{ kind: 'garbage', ...at, lengthM: 6, widthM: 4, rotationDeg: 20 }] });
    const pose = nadirPose({ lat: 22.9600, lon: 113.3451, altRelM: 60, takenAt: AT, headingDeg: 200 });
    const out = await renderAerialImage(scene, pose, { png: true, grain: false });
    const c = groundToPixel(pose, at);
    const [obj] = out.objects;
    expect(obj!.kind).toBe('garbage');
    expect(Math.abs((obj!.box[0] + obj!.box[2]) / 2 - c.x)).toBeLessThanOrEqual(2);
    expect(Math.abs((obj!.box[1] + obj!.box[3]) / 2 - c.y)).toBeLessThanOrEqual(2);
    // everything not bare ground lies inside the reported box
    const drawn = await extentOf(out.jpeg, (r, g, b) => Math.abs(r - 0x8a) + Math.abs(g - 0x94) + Math.abs(b - 0x6c) > 40);
    expect(drawn).not.toBeNull();
    expect(drawn![0]).toBeGreaterThanOrEqual(obj!.box[0] - 2);
    expect(drawn![1]).toBeGreaterThanOrEqual(obj!.box[1] - 2);
    expect(drawn![2]).toBeLessThanOrEqual(obj!.box[2] + 2);
    expect(drawn![3]).toBeLessThanOrEqual(obj!.box[3] + 2);
  });

  it('renders the same image for the same seed and pose, and another district for another seed', async () => {
    const pose = nadirPose({ lat: 22.9455, lon: 113.3668, altRelM: 100, takenAt: AT, headingDeg: 15, widthPx: 512, heightPx: 384 });
    const a = await renderAerialImage(new AerialScene({ seed: 7 }), pose);
    const b = await renderAerialImage(new AerialScene({ seed: 7 }), pose);
    const c = await renderAerialImage(new AerialScene({ seed: 8 }), pose);
    expect(a.jpeg.equals(b.jpeg)).toBe(true);
    expect(a.objects).toEqual(b.objects);
    expect(a.jpeg.equals(c.jpeg)).toBe(false);
  });

  it('shows waterlogging at a rain-prone spot only from 5 cm of water, larger when deeper', async () => {
    const spot: SceneRainSpot = { sn: 'WL-T-01', lat: 22.9512, lon: 113.3744, kind: '下穿隧道' };
    const pose = nadirPose({ lat: spot.lat, lon: spot.lon, altRelM: 90, takenAt: AT, widthPx: 640, heightPx: 480 });
    const render = async (depthMm: number) => renderAerialImage(new AerialScene({ seed: 3, rainSpots: [spot], waterDepthMm: () => depthMm, noGeneratedObjects: true }), pose, { png: true, grain: false });
    const dry = await render(0);
    const shallow = await render(40);
    const flooded = await render(150);
    const deep = await render(400);
    expect(shallow.objects).toEqual([]);
    expect(shallow.jpeg.equals(dry.jpeg)).toBe(true);
    const water = flooded.objects.filter((o) => o.kind === 'waterlogging');
    expect(water).toHaveLength(1);
    expect(water[0]).toMatchObject({ spotSn: 'WL-T-01', depthMm: 150 });
    const [x1, y1, x2, y2] = water[0]!.box;
    expect(x1 < 320 && x2 > 320 && y1 < 240 && y2 > 240).toBe(true);
    const road = await meanRgb(dry.jpeg, 320, 240, 3);
    const wet = await meanRgb(flooded.jpeg, 320, 240, 3);
    expect(Math.abs(road[0] - wet[0]) + Math.abs(road[1] - wet[1]) + Math.abs(road[2] - wet[2])).toBeGreaterThan(60);
    const area = (o: { box: number[] }): number => (o.box[2]! - o.box[0]!) * (o.box[3]! - o.box[1]!);
    expect(area(deep.objects[0]!)).toBeGreaterThan(area(water[0]!) * 1.5);
  });

  it('reports as ground truth the objects it draws', async () => {
    const scene = new AerialScene({ seed: 11, density: { garbagePerBlock: 1, bannerPerBlock: 1 } });
    const pose = nadirPose({ lat: 22.9702, lon: 113.3901, altRelM: 110, takenAt: AT, headingDeg: 0 });
    const out = await renderAerialImage(scene, pose);
    const truth = sceneObjectsIn(scene, geoBBoxOf(imageFootprint(pose)), Date.parse(AT));
    const inView = out.objects.filter((o) => o.visibleFraction === 1).map((o) => o.id);
    expect(inView.length).toBeGreaterThan(0);
    for (const id of inView) expect(truth.map((t) => t.id)).toContain(id);
    for (const o of out.objects) {
      const c = groundToPixel(pose, o);
      if (o.visibleFraction === 1) expect(c.x > o.box[0] && c.x < o.box[2] && c.y > o.box[1] && c.y < o.box[3]).toBe(true);
    }
  });

  it('refuses an oblique gimbal', async () => {
    const pose = { ...nadirPose({ lat: 22.95, lon: 113.37, altRelM: 100, takenAt: AT }), gimbalPitchDeg: -45 };
    await expect(renderAerialImage(new AerialScene({ seed: 1 }), pose)).rejects.toThrow(RangeError);
  });
});
