/**
 * SIMULATOR — renders what the simulated drone camera sees: a nadir aerial image of the seeded
 * scene (`aerial-scene.ts`) for an image pose, as JPEG, with the pixel box of every scene object
 * in view (ground truth for detection training and tests). The scene is drawn as SVG in
 * metres under one transform (heading rotation, ground-sample-distance scale) and rasterised by
 * sharp (librsvg; banner text through fontconfig with Noto Sans CJK), then given sensor grain.
 */
import sharp from 'sharp';
import type { ImagePose } from '../../../protocol/media.schema.ts';
import { mulberry32 } from '../prng.ts';
import { AerialScene, SCENE_ORIGIN, toScene, type DrawnObject, type Prim, type SceneObject, type SceneRect } from './aerial-scene.ts';
import { cameraFrameM, groundSampleDistanceM, imageFootprint, isNadir, type GeoPoint, type PixelBox } from './camera-geometry.ts';

const RAD = Math.PI / 180;

/** Default camera: a dock drone's wide camera (DJI Mavic 3E class), downscaled. */
export const DEFAULT_CAMERA = { widthPx: 1024, heightPx: 768, hfovDeg: 84 } as const;

/** A scene object as seen in one image. */
export interface ImageObject extends SceneObject {
  /** Axis-aligned pixel box of what is drawn, clipped to the image. */
  box: PixelBox;
  /** Share of the unclipped box inside the image, 0–1. */
  visibleFraction: number;
}

/** Options of a render. */
export interface RenderOptions {
  /** JPEG quality 1–100 (default 88). */
  quality?: number;
  /** Add sensor grain and slight lens blur (default true). */
  grain?: boolean;
  /** Encode PNG instead of JPEG (lossless, for tests). */
  png?: boolean;
}

/** A rendered image and its ground truth. */
export interface RenderedImage {
  /** Encoded image (JPEG unless `png` was asked for). */
  jpeg: Buffer;
  /** Objects whose drawn extent touches the image. */
  objects: ImageObject[];
  /** Ground sample distance, metres per pixel. */
  gsdM: number;
}

/** A nadir pose with the default camera, from a position and a time. */
export function nadirPose(p: GeoPoint & { altRelM: number; takenAt: string; headingDeg?: number; altAmslM?: number } & Partial<Pick<ImagePose, 'widthPx' | 'heightPx' | 'hfovDeg'>>): ImagePose {
  return {
    takenAt: p.takenAt,
    lat: p.lat,
    lon: p.lon,
    altRelM: p.altRelM,
    altAmslM: p.altAmslM ?? p.altRelM,
    headingDeg: p.headingDeg ?? 0,
    gimbalPitchDeg: -90,
    hfovDeg: p.hfovDeg ?? DEFAULT_CAMERA.hfovDeg,
    widthPx: p.widthPx ?? DEFAULT_CAMERA.widthPx,
    heightPx: p.heightPx ?? DEFAULT_CAMERA.heightPx,
  };
}

/** Renders the scene for a nadir pose. Throws a RangeError for an oblique gimbal or a camera at or below the ground. */
export async function renderAerialImage(scene: AerialScene, pose: ImagePose, opts: RenderOptions = {}): Promise<RenderedImage> {
  if (!isNadir(pose)) throw new RangeError(`the simulated camera renders nadir images only (gimbal ${pose.gimbalPitchDeg}°)`);
  if (!(pose.altRelM > 1)) throw new RangeError(`camera height ${pose.altRelM} m: nothing to see from the ground`);
  const view = new ViewTransform(pose);
  const atMs = Date.parse(pose.takenAt);
  const layers = scene.layersIn(view.sceneRect(), Number.isFinite(atMs) ? atMs : 0);
  const { widthPx: W, heightPx: H } = pose;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}">`);
  parts.push(`<rect width="${W}" height="${H}" fill="#8a946c"/>`);
  parts.push(`<g transform="translate(${W / 2} ${H / 2}) rotate(${f(-pose.headingDeg)}) scale(${f(1 / view.gsd, 6)})">`);
  const rect = view.sceneRect();
  for (const group of [layers.ground, layers.minorRoads, layers.buildings, layers.water, layers.bridges, layers.cars]) for (const p of group) if (touches(p, rect)) parts.push(view.svg(p));
  for (const o of layers.objects) for (const p of o.prims) parts.push(view.svg(p));
  parts.push('</g></svg>');
  const svg = parts.join('');

  let img = sharp(Buffer.from(svg), { density: 72 }).removeAlpha();
  if (opts.grain !== false) {
    img = sharp(await img.blur(0.55).raw().toBuffer(), { raw: { width: W, height: H, channels: 3 } }).composite([
      { input: grain(W, H, scene.seed), raw: { width: W, height: H, channels: 3 }, blend: 'soft-light' },
    ]);
  }
  const jpeg = opts.png ? await img.png().toBuffer() : await img.jpeg({ quality: opts.quality ?? 88, mozjpeg: false }).toBuffer();
  const objects: ImageObject[] = [];
  for (const o of layers.objects) {
    const seen = view.objectBox(o);
    if (seen) objects.push(seen);
  }
  return { jpeg, objects, gsdM: view.gsd };
}

/** Scene metres → camera-relative SVG metres (x right-handed east, y south) and pixel boxes. */
class ViewTransform {
  readonly gsd: number;
  private readonly cx: number;
  private readonly cy: number;
  /** East scale from scene metres (origin's parallel) to local metres at the camera. */
  private readonly k: number;

  constructor(private readonly pose: ImagePose) {
    this.gsd = groundSampleDistanceM(pose);
    [this.cx, this.cy] = toScene(pose);
    this.k = Math.cos(pose.lat * RAD) / Math.cos(SCENE_ORIGIN.lat * RAD);
  }

  /** Scene-metre rectangle the image covers, with a margin. */
  sceneRect(): SceneRect {
    const pts = imageFootprint(this.pose).map(toScene);
    const m = 30;
    return {
      minX: Math.min(...pts.map((p) => p[0])) - m,
      maxX: Math.max(...pts.map((p) => p[0])) + m,
      minY: Math.min(...pts.map((p) => p[1])) - m,
      maxY: Math.max(...pts.map((p) => p[1])) + m,
    };
  }

  private x(gx: number): number {
    return (gx - this.cx) * this.k;
  }

  private y(gy: number): number {
    return -(gy - this.cy);
  }

  /** Pixel position of a scene-metre point. */
  pixel(gx: number, gy: number): [number, number] {
    const { rightM, backM } = cameraFrameM(this.pose.headingDeg, this.x(gx), -this.y(gy));
    return [this.pose.widthPx / 2 + rightM / this.gsd, this.pose.heightPx / 2 + backM / this.gsd];
  }

  svg(p: Prim): string {
    const op = p.t !== 'text' && p.op !== undefined ? ` opacity="${p.op}"` : '';
    switch (p.t) {
      case 'rect': {
        const x = this.x(p.x);
        const y = this.y(p.y);
        const rot = p.rot ? ` transform="rotate(${f(p.rot)} ${f(x)} ${f(y)})"` : '';
        const stroke = p.stroke ? ` stroke="${p.stroke}" stroke-width="${p.sw ?? 0.3}"` : '';
        return `<rect x="${f(x - p.w / 2)}" y="${f(y - p.h / 2)}" width="${f(p.w)}" height="${f(p.h)}" fill="${p.fill}"${stroke}${rot}${op}/>`;
      }
      case 'circle':
        return `<circle cx="${f(this.x(p.x))}" cy="${f(this.y(p.y))}" r="${f(p.r)}" fill="${p.fill}"${op}/>`;
      case 'poly':
        return `<polygon points="${p.pts.map(([a, b]) => `${f(this.x(a))},${f(this.y(b))}`).join(' ')}" fill="${p.fill}"${op}/>`;
      case 'line': {
        const dash = p.dash ? ` stroke-dasharray="${p.dash[0]} ${p.dash[1]}"` : '';
        return `<polyline points="${p.pts.map(([a, b]) => `${f(this.x(a))},${f(this.y(b))}`).join(' ')}" fill="none" stroke="${p.stroke}" stroke-width="${f(p.w)}" stroke-linecap="${p.cap ?? 'butt'}" stroke-linejoin="round"${dash}${op}/>`;
      }
      case 'text': {
        const x = this.x(p.x);
        const y = this.y(p.y);
        return (
          `<text x="${f(x)}" y="${f(y + p.size * 0.36)}" font-family="Noto Sans CJK SC" font-weight="bold" font-size="${f(p.size)}" text-anchor="middle" fill="${p.fill}"` +
          ` transform="rotate(${f(p.rot)} ${f(x)} ${f(y)})">${escapeXml(p.text)}</text>`
        );
      }
    }
  }

  /** The object's pixel box (from its drawn primitives), or null when it is out of view. */
  objectBox(o: DrawnObject): ImageObject | null {
    let x1 = Infinity;
    let y1 = Infinity;
    let x2 = -Infinity;
    let y2 = -Infinity;
    const add = (gx: number, gy: number, rPx = 0): void => {
      const [px, py] = this.pixel(gx, gy);
      x1 = Math.min(x1, px - rPx);
      y1 = Math.min(y1, py - rPx);
      x2 = Math.max(x2, px + rPx);
      y2 = Math.max(y2, py + rPx);
    };
    for (const p of o.prims) {
      if (p.t === 'circle') add(p.x, p.y, p.r / this.gsd);
      else if (p.t === 'poly' || p.t === 'line') for (const [a, b] of p.pts) add(a, b);
      else if (p.t === 'rect') {
        const c = Math.cos(-p.rot * RAD);
        const s = Math.sin(-p.rot * RAD);
        for (const [dx, dy] of [[-1, -1], [1, -1], [1, 1], [-1, 1]] as const) {
          const ux = (dx * p.w) / 2;
          const uy = (dy * p.h) / 2;
          add(p.x + ux * c - uy * s, p.y + ux * s + uy * c);
        }
      }
    }
    const W = this.pose.widthPx;
    const H = this.pose.heightPx;
    const cx1 = Math.max(0, x1);
    const cy1 = Math.max(0, y1);
    const cx2 = Math.min(W, x2);
    const cy2 = Math.min(H, y2);
    if (cx2 <= cx1 || cy2 <= cy1) return null;
    const full = (x2 - x1) * (y2 - y1);
    const { prims: _prims, ...rest } = o;
    return {
      ...rest,
      box: [r1(cx1), r1(cy1), r1(cx2), r1(cy2)],
      visibleFraction: Math.round((((cx2 - cx1) * (cy2 - cy1)) / full) * 1000) / 1000,
    };
  }
}

/** True when a primitive may show inside a scene rectangle (a cheap, generous test). */
function touches(p: Prim, r: SceneRect): boolean {
  let x1: number;
  let y1: number;
  let x2: number;
  let y2: number;
  if (p.t === 'poly' || p.t === 'line') {
    const pad = p.t === 'line' ? p.w / 2 : 0;
    x1 = Math.min(...p.pts.map((q) => q[0])) - pad;
    x2 = Math.max(...p.pts.map((q) => q[0])) + pad;
    y1 = Math.min(...p.pts.map((q) => q[1])) - pad;
    y2 = Math.max(...p.pts.map((q) => q[1])) + pad;
  } else {
    const e = p.t === 'circle' ? p.r : p.t === 'rect' ? (p.w + p.h) / 2 : p.lengthM;
    x1 = p.x - e;
    x2 = p.x + e;
    y1 = p.y - e;
    y2 = p.y + e;
  }
  return x2 >= r.minX && x1 <= r.maxX && y2 >= r.minY && y1 <= r.maxY;
}

const grainCache = new Map<string, Buffer>();

/**
 * Texture and sensor grain around mid-grey (for a soft-light blend): smooth value noise at two
 * scales (weathering, dirt, shade) plus per-pixel noise; deterministic for the seed and cached
 * per image size.
 */
function grain(W: number, H: number, seed: number): Buffer {
  const key = `${W}x${H}:${seed}`;
  const hit = grainCache.get(key);
  if (hit) return hit;
  const rnd = mulberry32(seed ^ 0x61c88647);
  const octave = (cell: number): ((x: number, y: number) => number) => {
    const gw = Math.ceil(W / cell) + 2;
    const gh = Math.ceil(H / cell) + 2;
    const g = Float32Array.from({ length: gw * gh }, () => rnd() - 0.5);
    return (x, y) => {
      const fx = x / cell;
      const fy = y / cell;
      const ix = Math.floor(fx);
      const iy = Math.floor(fy);
      const sx = smooth(fx - ix);
      const sy = smooth(fy - iy);
      const a = g[iy * gw + ix]! + (g[iy * gw + ix + 1]! - g[iy * gw + ix]!) * sx;
      const b = g[(iy + 1) * gw + ix]! + (g[(iy + 1) * gw + ix + 1]! - g[(iy + 1) * gw + ix]!) * sx;
      return a + (b - a) * sy;
    };
  };
  const coarse = octave(48);
  const fine = octave(9);
  const buf = Buffer.alloc(W * H * 3);
  for (let y = 0; y < H; y++)
    for (let x = 0; x < W; x++) {
      const i = (y * W + x) * 3;
      const v = 128 + coarse(x, y) * 40 + fine(x, y) * 22 + (rnd() - 0.5) * 40;
      buf[i] = v;
      buf[i + 1] = v + (rnd() - 0.5) * 10;
      buf[i + 2] = v;
    }
  if (grainCache.size > 8) grainCache.clear();
  grainCache.set(key, buf);
  return buf;
}

function smooth(t: number): number {
  return t * t * (3 - 2 * t);
}

function f(v: number, digits = 3): string {
  return Number(v.toFixed(digits)).toString();
}

function r1(v: number): number {
  return Math.round(v * 10) / 10;
}

function escapeXml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}
