/**
 * SIMULATOR — the district as the simulated drone camera sees it from above: a seeded,
 * deterministic scene generated on demand for any place in Panyu. A grid of roads (a wider
 * arterial every few blocks), blocks of buildings, villages, parks, factories and fish ponds,
 * the waterways of `data/waterways.json`, and scattered objects at known positions for detection
 * to find: garbage piles (堆放垃圾), banners with text (横幅/违规广告), floating debris on rivers
 * (漂浮物) and waterlogging (积水) at the rain-prone spots, sized by the water depth there.
 *
 * Everything is generated in "scene metres" (east/north of a fixed origin) per block from the
 * seed, so the same seed gives the same district wherever and whenever it is looked at, and the
 * ground truth (`sceneObjectsIn`) is exactly what the renderer draws.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SceneObjectKind } from '../../../protocol/media.schema.ts';
import { hash01, mulberry32 } from '../prng.ts';
import { offsetToGeo, groundOffsetM, type GeoBBox, type GeoPoint } from './camera-geometry.ts';

/** Origin of scene metres (Panyu's centre). */
export const SCENE_ORIGIN: GeoPoint = { lat: 22.98, lon: 113.38 };
/** Block pitch east–west and north–south, metres (road centre line to road centre line). */
export const BLOCK_X_M = 160;
export const BLOCK_Y_M = 140;
/** Every ARTERIAL_EVERY-th road is an arterial. */
const ARTERIAL_EVERY = 5;
const MINOR_ROAD_M = 10;
const ARTERIAL_ROAD_M = 26;
/** Water depth from which waterlogging shows in the imagery, millimetres (the 5 cm notice band). */
export const WATER_VISIBLE_FROM_MM = 50;

/** A waterway: centre line and width. */
export interface Waterway {
  id: string;
  name: string;
  widthM: number;
  /** Centre line as [lat, lon] pairs. */
  line: Array<[number, number]>;
}

/** A rain-prone spot where water can pond. */
export interface SceneRainSpot {
  sn: string;
  lat: number;
  lon: number;
  name?: string;
  kind?: string;
}

/** How many objects the generator scatters. */
export interface SceneDensity {
  /** Probability that a block has a garbage pile (a second one at half of it). */
  garbagePerBlock: number;
  /** Probability that a block has a banner. */
  bannerPerBlock: number;
  /** Probability of a debris patch per 60 m of waterway. */
  debrisPer60M: number;
}

/** Default densities: roughly one object per nadir image at 100 m. */
export const DEFAULT_DENSITY: SceneDensity = { garbagePerBlock: 0.45, bannerPerBlock: 0.35, debrisPer60M: 0.3 };

/** An object placed by hand (tests, demos): drawn and reported like the generated ones. */
export interface PlacedObject {
  kind: SceneObjectKind;
  lat: number;
  lon: number;
  /** Length (along rotation) and width, metres. Banners take their length from the text when omitted. */
  lengthM?: number;
  widthM?: number;
  /** Rotation of the length axis, degrees clockwise from east. */
  rotationDeg?: number;
  /** Banner text. */
  text?: string;
  /** Waterlogging depth, millimetres. */
  depthMm?: number;
}

/** Options of a scene. */
export interface AerialSceneOptions {
  seed: number;
  waterways?: readonly Waterway[];
  rainSpots?: readonly SceneRainSpot[];
  /** Water depth at a rain spot at a time, millimetres (from the world's water model); none = dry. */
  waterDepthMm?: (spotSn: string, atMs: number) => number;
  density?: Partial<SceneDensity>;
  /** Hand-placed objects, added to the generated ones. */
  placed?: readonly PlacedObject[];
  /** Generate no background objects (only `placed` and waterlogging): for tests. */
  noGeneratedObjects?: boolean;
  /** Draw only bare ground (no roads, buildings, waterways): for tests. */
  bareGround?: boolean;
}

/** Ground truth of one object in the scene. */
export interface SceneObject {
  /** Stable id within the seed, e.g. `garbage:12:-3:0`. */
  id: string;
  kind: SceneObjectKind;
  /** Centre. */
  lat: number;
  lon: number;
  /** Extent along its rotation and across, metres. */
  lengthM: number;
  widthM: number;
  rotationDeg: number;
  text?: string;
  depthMm?: number;
  spotSn?: string;
}

/** Drawing primitives in scene metres (x east, y north). */
export type Prim =
  | { t: 'rect'; x: number; y: number; w: number; h: number; rot: number; fill: string; op?: number; stroke?: string; sw?: number }
  | { t: 'circle'; x: number; y: number; r: number; fill: string; op?: number }
  | { t: 'poly'; pts: Array<[number, number]>; fill: string; op?: number }
  | { t: 'line'; pts: Array<[number, number]>; w: number; stroke: string; op?: number; dash?: [number, number]; cap?: 'round' | 'butt' }
  | { t: 'text'; x: number; y: number; rot: number; size: number; text: string; fill: string; lengthM: number };

/** An object with what the renderer draws for it. */
export interface DrawnObject extends SceneObject {
  prims: Prim[];
}

/** Layers in drawing order. */
export interface SceneLayers {
  ground: Prim[];
  minorRoads: Prim[];
  buildings: Prim[];
  water: Prim[];
  bridges: Prim[];
  cars: Prim[];
  objects: DrawnObject[];
}

/** A rectangle in scene metres. */
export interface SceneRect {
  minX: number;
  minY: number;
  maxX: number;
  maxY: number;
}

const BANNER_TEXTS = [
  '旺铺招租 电话',
  '门面出租 联系',
  '高薪招聘普工 包食宿',
  '专业疏通下水道',
  '开业大酬宾 全场八折',
  '回收旧家电 上门服务',
  '驾校招生 报名热线',
  '房屋出租 拎包入住',
  '清仓大甩卖',
  '装修公司 免费设计',
];

const ROOF_COLOURS = ['#9c9a94', '#a9a7a0', '#8f8e8a', '#b7b4ab', '#c9c5bb', '#7f8790', '#a05a45', '#b56b4f', '#6f8fae', '#d3d0c8'];
const GARBAGE_COLOURS = ['#202020', '#f2f2ee', '#2d5fa8', '#3f7f3a', '#7a5a3a', '#d8c9a0', '#c23b2b', '#e0e0e0', '#1a1a1a'];
const DEBRIS_COLOURS = ['#f4f4ef', '#e8e2d0', '#5c8f3a', '#6fa044', '#d9d2b8', '#2f6db0', '#ffffff'];
const CAR_COLOURS = ['#f0f0f0', '#1c1c1c', '#b0b4b8', '#2a4d8a', '#9b1c1c', '#e8e8e0', '#55595e'];

/** A seeded aerial scene. */
export class AerialScene {
  readonly seed: number;
  private readonly density: SceneDensity;
  private readonly rivers: Array<{ w: Waterway; pts: Array<[number, number]>; half: number }>;
  private readonly spots: Array<{ spot: SceneRainSpot; x: number; y: number; alongX: boolean }>;

  constructor(readonly opts: AerialSceneOptions) {
    this.seed = opts.seed;
    this.density = { ...DEFAULT_DENSITY, ...opts.density };
    this.rivers = (opts.bareGround ? [] : (opts.waterways ?? [])).map((w) => ({
      w,
      pts: w.line.map(([lat, lon]) => toScene({ lat, lon })),
      half: w.widthM / 2,
    }));
    this.spots = (opts.rainSpots ?? []).map((spot) => {
      const [x, y] = toScene(spot);
      return { spot, x, y, alongX: hash01(spot.sn, opts.seed) < 0.5 };
    });
  }

  /** Ground truth: every object whose centre lies in the bbox, at a time (waterlogging depends on it). */
  objectsIn(bbox: GeoBBox, atMs: number): SceneObject[] {
    const [minX, minY] = toScene({ lat: bbox.minLat, lon: bbox.minLon });
    const [maxX, maxY] = toScene({ lat: bbox.maxLat, lon: bbox.maxLon });
    return this.layersIn({ minX, minY, maxX, maxY }, atMs)
      .objects.filter((o) => o.lat >= bbox.minLat && o.lat <= bbox.maxLat && o.lon >= bbox.minLon && o.lon <= bbox.maxLon)
      .map(({ prims: _prims, ...o }) => o);
  }

  /** Everything to draw over a rectangle of scene metres (whole blocks, so a little more). */
  layersIn(r: SceneRect, atMs: number): SceneLayers {
    const L: SceneLayers = { ground: [], minorRoads: [], buildings: [], water: [], bridges: [], cars: [], objects: [] };
    if (!this.opts.bareGround) {
      const i0 = Math.floor(r.minX / BLOCK_X_M);
      const i1 = Math.floor(r.maxX / BLOCK_X_M);
      const j0 = Math.floor(r.minY / BLOCK_Y_M);
      const j1 = Math.floor(r.maxY / BLOCK_Y_M);
      for (let i = i0; i <= i1; i++) for (let j = j0; j <= j1; j++) this.block(i, j, L);
      this.roads(i0, i1, j0, j1, L);
      this.waterways(r, L);
    }
    this.rainSpotLayers(r, atMs, L);
    for (const [n, p] of (this.opts.placed ?? []).entries()) {
      const [x, y] = toScene(p);
      if (x < r.minX - 100 || x > r.maxX + 100 || y < r.minY - 100 || y > r.maxY + 100) continue;
      const rnd = mulberry32(this.seed ^ (n * 7919 + 17));
      L.objects.push(makeObject(p.kind, `placed:${n}`, x, y, rnd, p));
    }
    return L;
  }

  /** Distance to the nearest waterway bank or rain-spot road edge, metres (negative inside). */
  private riverDistance(x: number, y: number): number {
    let best = Infinity;
    for (const rv of this.rivers) best = Math.min(best, distToPolyline(x, y, rv.pts) - rv.half);
    if (!this.opts.bareGround)
      for (const s of this.spots) {
        if (Math.abs(s.x - x) > 200 || Math.abs(s.y - y) > 200) continue;
        best = Math.min(best, distToPolyline(x, y, spotRoad(s)) - 9);
      }
    return best;
  }

  private block(i: number, j: number, L: SceneLayers): void {
    const rnd = mulberry32(hashInts(this.seed, i, j));
    const hwW = (isArterial(i) ? ARTERIAL_ROAD_M : MINOR_ROAD_M) / 2;
    const hwE = (isArterial(i + 1) ? ARTERIAL_ROAD_M : MINOR_ROAD_M) / 2;
    const hwS = (isArterial(j) ? ARTERIAL_ROAD_M : MINOR_ROAD_M) / 2;
    const hwN = (isArterial(j + 1) ? ARTERIAL_ROAD_M : MINOR_ROAD_M) / 2;
    const x0 = i * BLOCK_X_M + hwW;
    const x1 = (i + 1) * BLOCK_X_M - hwE;
    const y0 = j * BLOCK_Y_M + hwS;
    const y1 = (j + 1) * BLOCK_Y_M - hwN;
    const cx = (x0 + x1) / 2;
    const cy = (y0 + y1) / 2;
    const u = rnd();
    const use = u < 0.45 ? 'estate' : u < 0.65 ? 'village' : u < 0.77 ? 'park' : u < 0.9 ? 'factory' : 'ponds';
    // pavement, then the block's ground
    L.ground.push(rect(cx, cy, x1 - x0, y1 - y0, '#b3afa5'));
    const S = 4; // pavement width
    const bx0 = x0 + S;
    const bx1 = x1 - S;
    const by0 = y0 + S;
    const by1 = y1 - S;
    const groundFill = use === 'park' ? '#5f8a45' : use === 'ponds' ? '#7d9a5a' : use === 'factory' ? '#a8a498' : use === 'village' ? '#9d9788' : '#8fa070';
    L.ground.push(rect((bx0 + bx1) / 2, (by0 + by1) / 2, bx1 - bx0, by1 - by0, groundFill));
    // a building stays when its corners and centre are clear of water and rain-spot roads
    const keep = (x: number, y: number, w: number, h: number): boolean =>
      [[0, 0], [-1, -1], [1, -1], [1, 1], [-1, 1]].every(([a, b]) => this.riverDistance(x + (a! * w) / 2, y + (b! * h) / 2) > 3);
    if (use === 'estate') {
      const cols = 2 + Math.floor(rnd() * 3);
      const rows = 2 + Math.floor(rnd() * 2);
      const cw = (bx1 - bx0 - 16) / cols;
      const rh = (by1 - by0 - 16) / rows;
      const roof = pick(rnd, ROOF_COLOURS.slice(0, 6));
      for (let a = 0; a < cols; a++)
        for (let b = 0; b < rows; b++) {
          const x = bx0 + 8 + cw * (a + 0.5);
          const y = by0 + 8 + rh * (b + 0.5);
          const w = cw * (0.55 + 0.15 * rnd());
          const h = rh * (0.5 + 0.15 * rnd());
          if (keep(x, y, w, h)) building(L, x, y, w, h, 0, roof, rnd, 12 + rnd() * 30);
        }
      for (let k = 0; k < 10; k++) tree(L, bx0 + rnd() * (bx1 - bx0), by0 + rnd() * (by1 - by0), 2 + rnd() * 2.5, rnd);
      // street trees along the pavement
      for (let x = bx0 + 4; x < bx1 - 2; x += 9 + rnd() * 4) for (const y of [by0 + 1.5, by1 - 1.5]) if (rnd() < 0.6) tree(L, x, y, 1.8 + rnd(), rnd);
    } else if (use === 'village') {
      // 握手楼: dense small roofs, slightly skewed rows
      const rot = (rnd() - 0.5) * 16;
      for (let y = by0 + 7; y < by1 - 6; y += 11 + rnd() * 3)
        for (let x = bx0 + 7; x < bx1 - 6; x += 10 + rnd() * 3) {
          if (rnd() < 0.12) continue;
          const w = 8 + rnd() * 3;
          const h = 8 + rnd() * 3;
          if (keep(x, y, w, h)) building(L, x, y, w, h, rot, pick(rnd, ROOF_COLOURS), rnd, 6 + rnd() * 12);
        }
    } else if (use === 'park') {
      const n = 25 + Math.floor(rnd() * 25);
      for (let k = 0; k < n; k++) tree(L, bx0 + rnd() * (bx1 - bx0), by0 + rnd() * (by1 - by0), 2.5 + rnd() * 4, rnd);
      L.ground.push({ t: 'line', pts: [[bx0, by0 + (by1 - by0) * rnd()], [cx, cy], [bx1, by0 + (by1 - by0) * rnd()]], w: 3, stroke: '#c9bfa5', cap: 'round' });
    } else if (use === 'factory') {
      const n = 1 + Math.floor(rnd() * 3);
      const h = (by1 - by0 - 10 * (n + 1)) / n;
      for (let k = 0; k < n; k++) {
        const y = by0 + 10 + h / 2 + k * (h + 10);
        const full = (bx1 - bx0) * (0.6 + 0.25 * rnd());
        const off = (rnd() - 0.5) * 10;
        // near a waterway or a rain-spot road the hall is shorter, on the side away from it
        const fit = [0, 1, -1].map((side) => ({ w: side === 0 ? full : full * 0.35, bx: cx + off + side * full * 0.32 })).find((c) => keep(c.bx, y, c.w, h));
        const roof = pick(rnd, ['#6f8fae', '#8aa6c1', '#c9c5bb', '#5b7fa3', '#b7b4ab']);
        const tall = 8 + rnd() * 6;
        if (fit) building(L, fit.bx, y, fit.w, h, 0, roof, rnd, tall, true);
      }
    } else {
      // fish ponds (鱼塘) separated by grassy dikes
      const nx = 2 + Math.floor(rnd() * 2);
      const ny = 2;
      const pw = (bx1 - bx0 - 6 * (nx + 1)) / nx;
      const ph = (by1 - by0 - 6 * (ny + 1)) / ny;
      for (let a = 0; a < nx; a++)
        for (let b = 0; b < ny; b++) {
          const x = bx0 + 6 + pw / 2 + a * (pw + 6);
          const y = by0 + 6 + ph / 2 + b * (ph + 6);
          L.buildings.push(rect(x, y, pw, ph, pick(rnd, ['#5a7a63', '#4f6f5a', '#667f5c'])));
        }
    }
    if (this.opts.noGeneratedObjects) return;
    // objects on the pavement strip or just inside the block
    const edgeSpot = (margin: number, along: number): { x: number; y: number; rot: number } => {
      const side = Math.floor(rnd() * 4);
      const t = 0.15 + 0.7 * rnd();
      if (side === 0) return { x: x0 + (x1 - x0) * t, y: y0 + margin, rot: 0 };
      if (side === 1) return { x: x0 + (x1 - x0) * t, y: y1 - margin, rot: 0 };
      if (side === 2) return { x: x0 + margin, y: y0 + (y1 - y0) * t, rot: 90 };
      return { x: x1 - margin, y: y0 + (y1 - y0) * t, rot: 90 + along * 0 };
    };
    let n = 0;
    const garbage = rnd() < this.density.garbagePerBlock ? (rnd() < 0.5 * this.density.garbagePerBlock ? 2 : 1) : 0;
    for (let k = 0; k < garbage; k++) {
      const p = edgeSpot(3 + rnd() * 3, 0);
      if (this.riverDistance(p.x, p.y) > 6) L.objects.push(makeObject('garbage', `garbage:${i}:${j}:${n++}`, p.x, p.y, rnd, { rotationDeg: rnd() * 180 }));
    }
    if (rnd() < this.density.bannerPerBlock) {
      const p = edgeSpot(2.2, 0);
      if (this.riverDistance(p.x, p.y) > 12) L.objects.push(makeObject('banner', `banner:${i}:${j}:${n++}`, p.x, p.y, rnd, { rotationDeg: p.rot }));
    }
  }

  private roads(i0: number, i1: number, j0: number, j1: number, L: SceneLayers): void {
    const yA = j0 * BLOCK_Y_M;
    const yB = (j1 + 1) * BLOCK_Y_M;
    const xA = i0 * BLOCK_X_M;
    const xB = (i1 + 1) * BLOCK_X_M;
    for (let i = i0; i <= i1 + 1; i++) road(L, isArterial(i), [[i * BLOCK_X_M, yA], [i * BLOCK_X_M, yB]]);
    for (let j = j0; j <= j1 + 1; j++) road(L, isArterial(j), [[xA, j * BLOCK_Y_M], [xB, j * BLOCK_Y_M]]);
    // parked and moving cars, seeded per road segment
    for (let i = i0; i <= i1 + 1; i++)
      for (let j = j0; j <= j1; j++) {
        const rnd = mulberry32(hashInts(this.seed ^ 0x5a5a, i, j));
        const hw = (isArterial(i) ? ARTERIAL_ROAD_M : MINOR_ROAD_M) / 2;
        const n = Math.floor(rnd() * (isArterial(i) ? 7 : 3));
        for (let k = 0; k < n; k++) car(L, i * BLOCK_X_M + (rnd() < 0.5 ? -1 : 1) * hw * (0.3 + 0.4 * rnd()), j * BLOCK_Y_M + 12 + rnd() * (BLOCK_Y_M - 24), 90, rnd);
      }
    for (let j = j0; j <= j1 + 1; j++)
      for (let i = i0; i <= i1; i++) {
        const rnd = mulberry32(hashInts(this.seed ^ 0xa5a5, i, j));
        const hw = (isArterial(j) ? ARTERIAL_ROAD_M : MINOR_ROAD_M) / 2;
        const n = Math.floor(rnd() * (isArterial(j) ? 7 : 3));
        for (let k = 0; k < n; k++) car(L, i * BLOCK_X_M + 12 + rnd() * (BLOCK_X_M - 24), j * BLOCK_Y_M + (rnd() < 0.5 ? -1 : 1) * hw * (0.3 + 0.4 * rnd()), 0, rnd);
      }
  }

  private waterways(r: SceneRect, L: SceneLayers): void {
    for (const rv of this.rivers) {
      const near = rv.pts.some(([x, y], k) => {
        const next = rv.pts[k + 1];
        if (!next) return false;
        return segBoxDist(x, y, next[0], next[1], r) < rv.half + 200;
      });
      if (!near) continue;
      L.water.push({ t: 'line', pts: rv.pts, w: rv.w.widthM + 10, stroke: '#8d8a6e', cap: 'round' });
      L.water.push({ t: 'line', pts: rv.pts, w: rv.w.widthM, stroke: '#66775a', cap: 'round' });
      L.water.push({ t: 'line', pts: rv.pts, w: rv.w.widthM * 0.55, stroke: '#5e7055', op: 0.6, cap: 'round' });
      // ripples and current lines
      const wrnd = mulberry32(hashInts(this.seed, hashStr(rv.w.id), 1));
      for (let k = 0; k < 6; k++) {
        const off = (wrnd() - 0.5) * rv.w.widthM * 0.8;
        L.water.push({ t: 'line', pts: rv.pts.map(([x, y], q) => shiftAlong(rv.pts, q, x, y, off)), w: 0.35, stroke: '#9fae98', op: 0.35, dash: [6 + wrnd() * 10, 14 + wrnd() * 20], cap: 'round' });
      }
      if (this.opts.noGeneratedObjects) continue;
      // debris patches every 60 m of centre line, seeded by position along the river
      let acc = 0;
      for (let k = 0; k + 1 < rv.pts.length; k++) {
        const [ax, ay] = rv.pts[k]!;
        const [bx, by] = rv.pts[k + 1]!;
        const len = Math.hypot(bx - ax, by - ay);
        for (let s = Math.ceil(acc / 60) * 60 - acc; s < len; s += 60) {
          const x = ax + ((bx - ax) * s) / len;
          const y = ay + ((by - ay) * s) / len;
          const idx = Math.round((acc + s) / 60);
          if (x < r.minX - 60 || x > r.maxX + 60 || y < r.minY - 60 || y > r.maxY + 60) continue;
          const rnd = mulberry32(hashInts(this.seed ^ 0x3c3c, idx, hashStr(rv.w.id)));
          if (rnd() >= this.density.debrisPer60M) continue;
          const off = (rnd() - 0.5) * rv.w.widthM * 0.7;
          const nx = -(by - ay) / len;
          const ny = (bx - ax) / len;
          L.objects.push(makeObject('floating-debris', `debris:${rv.w.id}:${idx}`, x + nx * off, y + ny * off, rnd, {}));
        }
        acc += len;
      }
    }
  }

  private rainSpotLayers(r: SceneRect, atMs: number, L: SceneLayers): void {
    for (const s of this.spots) {
      if (s.x < r.minX - 200 || s.x > r.maxX + 200 || s.y < r.minY - 200 || s.y > r.maxY + 200) continue;
      // the underpass / low road the spot sits on
      if (!this.opts.bareGround) {
        const pts = spotRoad(s);
        L.bridges.push({ t: 'line', pts, w: 18, stroke: '#b3afa5', cap: 'butt' });
        L.bridges.push({ t: 'line', pts, w: 14, stroke: '#4a4d51', cap: 'butt' });
        L.bridges.push({ t: 'line', pts, w: 0.25, stroke: '#e8e4d8', dash: [3, 6], cap: 'butt' });
      }
      const depthMm = this.opts.waterDepthMm?.(s.spot.sn, atMs) ?? 0;
      if (depthMm < WATER_VISIBLE_FROM_MM) continue;
      const rnd = mulberry32(hashInts(this.seed ^ 0x7e7e, hashStr(s.spot.sn), 0));
      L.objects.push(makeObject('waterlogging', `water:${s.spot.sn}`, s.x, s.y, rnd, { depthMm, rotationDeg: s.alongX ? 0 : 90 }, s.spot.sn));
    }
  }
}

/** The low road through a rain-prone spot (an underpass or a dip), scene metres. */
function spotRoad(s: { x: number; y: number; alongX: boolean }): Array<[number, number]> {
  return s.alongX ? [[s.x - 130, s.y], [s.x + 130, s.y]] : [[s.x, s.y - 130], [s.x, s.y + 130]];
}

/** Loads the waterways and rain-prone spots from the data folder and builds a scene. */
export function loadAerialScene(dataDir: string, opts: Omit<AerialSceneOptions, 'waterways' | 'rainSpots'>): AerialScene {
  const { waterways } = JSON.parse(fs.readFileSync(path.join(dataDir, 'waterways.json'), 'utf8')) as { waterways: Waterway[] };
  const { spots } = JSON.parse(fs.readFileSync(path.join(dataDir, 'rain-spots.json'), 'utf8')) as { spots: SceneRainSpot[] };
  return new AerialScene({ ...opts, waterways, rainSpots: spots });
}

/** Ground truth: the scene's objects with their centre inside `bbox` at time `atMs`. */
export function sceneObjectsIn(scene: AerialScene, bbox: GeoBBox, atMs = 0): SceneObject[] {
  return scene.objectsIn(bbox, atMs);
}

/** Scene metres [x east, y north] of a point. */
export function toScene(p: GeoPoint): [number, number] {
  const { eastM, northM } = groundOffsetM(SCENE_ORIGIN, p);
  return [eastM, northM];
}

/** A point of scene metres. */
export function fromScene(x: number, y: number): GeoPoint {
  return offsetToGeo(SCENE_ORIGIN, x, y);
}

function makeObject(kind: SceneObjectKind, id: string, x: number, y: number, rnd: () => number, p: Partial<PlacedObject>, spotSn?: string): DrawnObject {
  const rot = p.rotationDeg ?? 0;
  const prims: Prim[] = [];
  let lengthM: number;
  let widthM: number;
  const o: Omit<DrawnObject, 'lengthM' | 'widthM'> = { id, kind, ...fromScene(x, y), rotationDeg: rot, prims };
  if (kind === 'garbage') {
    lengthM = p.lengthM ?? 3.5 + rnd() * 4.5;
    widthM = p.widthM ?? lengthM * (0.5 + 0.4 * rnd());
    prims.push(...blob(x, y, lengthM / 2, widthM / 2, rot, 0.85, '#6e6250', rnd, 1));
    const n = Math.round(lengthM * widthM * 3);
    for (let k = 0; k < n; k++) {
      const r = 0.25 + rnd() * 0.4;
      const [dx, dy] = inEllipse(rnd, Math.max(0.1, lengthM / 2 - r), Math.max(0.1, widthM / 2 - r), rot);
      prims.push({ t: 'circle', x: x + dx, y: y + dy, r, fill: pick(rnd, GARBAGE_COLOURS) });
    }
  } else if (kind === 'floating-debris') {
    lengthM = p.lengthM ?? 4 + rnd() * 6;
    widthM = p.widthM ?? lengthM * (0.4 + 0.4 * rnd());
    prims.push(...blob(x, y, lengthM / 2, widthM / 2, rot, 0.85, pick(rnd, ['#b9b79a', '#7f9a55', '#a7a58a']), rnd, 0.8));
    const n = Math.round(lengthM * widthM * 2.5);
    for (let k = 0; k < n; k++) {
      const [dx, dy] = inEllipse(rnd, lengthM / 2 - 0.3, widthM / 2 - 0.3, rot);
      prims.push({ t: 'circle', x: x + dx, y: y + dy, r: 0.15 + rnd() * 0.3, fill: pick(rnd, DEBRIS_COLOURS) });
    }
  } else if (kind === 'banner') {
    const text = p.text ?? bannerText(rnd);
    widthM = p.widthM ?? 1.3 + rnd() * 0.6;
    const size = widthM * 0.62;
    lengthM = p.lengthM ?? textWidthEm(text) * size + widthM * 0.9;
    const red = rnd() < 0.8;
    prims.push({ t: 'rect', x, y, w: lengthM, h: widthM, rot, fill: red ? '#c8161d' : '#1d4fa0' });
    prims.push({ t: 'text', x, y, rot, size, text, fill: red ? '#ffe45c' : '#ffffff', lengthM: lengthM - widthM * 0.6 });
    o.text = text;
  } else {
    // waterlogging: a muddy pond along the road, larger and darker the deeper it is
    const depthMm = p.depthMm ?? 150;
    const deep = Math.min(1, (depthMm - WATER_VISIBLE_FROM_MM) / 350);
    lengthM = p.lengthM ?? 10 + 70 * Math.sqrt(deep);
    widthM = p.widthM ?? Math.min(lengthM, 10 + 14 * deep);
    prims.push(...blob(x, y, lengthM / 2, widthM / 2, rot, 0.75 + 0.2 * deep, mix('#8c8266', '#66604a', deep), rnd, 0.75));
    prims.push(...blob(x, y, lengthM / 2 - 1.2, widthM / 2 - 1.2, rot, 0.3, '#aeb8b4', rnd, 0.6));
    o.depthMm = Math.round(depthMm);
    if (spotSn) o.spotSn = spotSn;
  }
  return { ...o, lengthM: round2(lengthM), widthM: round2(widthM) };
}

/** An irregular ellipse-like polygon (fills at least `fullness` of its ellipse). */
function blob(x: number, y: number, a: number, b: number, rotDeg: number, op: number, fill: string, rnd: () => number, fullness: number): Prim[] {
  const n = 36;
  const pts: Array<[number, number]> = [];
  const c = Math.cos((-rotDeg * Math.PI) / 180);
  const s = Math.sin((-rotDeg * Math.PI) / 180);
  // a smooth wobble: three low harmonics with random phases, between `fullness` and 1
  const ph = [rnd(), rnd(), rnd()].map((v) => v * 2 * Math.PI);
  for (let k = 0; k < n; k++) {
    const th = (k / n) * 2 * Math.PI;
    const wob = (Math.sin(2 * th + ph[0]!) + Math.sin(3 * th + ph[1]!) * 0.7 + Math.sin(5 * th + ph[2]!) * 0.4) / 2.1;
    const f = fullness + (1 - fullness) * (0.5 + 0.5 * wob);
    const px = Math.cos(th) * a * f;
    const py = Math.sin(th) * b * f;
    pts.push([x + px * c - py * s, y + px * s + py * c]);
  }
  return [{ t: 'poly', pts, fill, op }];
}

function inEllipse(rnd: () => number, a: number, b: number, rotDeg: number): [number, number] {
  const th = rnd() * 2 * Math.PI;
  const rr = Math.sqrt(rnd());
  const px = Math.cos(th) * a * rr;
  const py = Math.sin(th) * b * rr;
  const c = Math.cos((-rotDeg * Math.PI) / 180);
  const s = Math.sin((-rotDeg * Math.PI) / 180);
  return [px * c - py * s, px * s + py * c];
}

/** Approximate advance of a text in ems (CJK full width, Latin and digits about half). */
export function textWidthEm(text: string): number {
  let em = 0;
  for (const ch of text) em += ch === ' ' ? 0.3 : ch.charCodeAt(0) < 0x2e80 ? 0.58 : 1;
  return em;
}

function bannerText(rnd: () => number): string {
  const base = pick(rnd, BANNER_TEXTS);
  if (base.endsWith('电话') || base.endsWith('联系') || base.endsWith('热线')) {
    let phone = '13';
    for (let k = 0; k < 9; k++) phone += String(Math.floor(rnd() * 10));
    return `${base} ${phone}`;
  }
  return base;
}

function building(L: SceneLayers, x: number, y: number, w: number, h: number, rot: number, roof: string, rnd: () => number, heightM: number, industrial = false): void {
  // shadow cast to the north-west by a south-east sun, longer for taller buildings
  const sh = Math.min(12, heightM * 0.25);
  L.buildings.push({ t: 'rect', x: x - sh * 0.6, y: y + sh * 0.8, w, h, rot, fill: '#2e302c', op: 0.45 });
  L.buildings.push({ t: 'rect', x, y, w, h, rot, fill: roof, stroke: '#5a5954', sw: 0.4 });
  if (industrial) {
    for (let k = -w / 2 + 3; k < w / 2; k += 3) L.buildings.push({ t: 'line', pts: [[x + k, y - h / 2 + 0.5], [x + k, y + h / 2 - 0.5]], w: 0.25, stroke: '#ffffff', op: 0.18 });
    return;
  }
  // parapet, water tank, stair head and AC units typical of flat concrete roofs
  L.buildings.push({ t: 'rect', x, y, w: w - 1.2, h: h - 1.2, rot, fill: 'none', stroke: '#ffffff', sw: 0.3, op: 0.25 });
  if (w > 6 && h > 6) {
    L.buildings.push({ t: 'rect', x: x + (rnd() - 0.5) * w * 0.4, y: y + (rnd() - 0.5) * h * 0.4, w: 3 + rnd() * 2, h: 2.5 + rnd() * 1.5, rot, fill: '#d9d6cf' });
    L.buildings.push({ t: 'circle', x: x + (rnd() - 0.5) * w * 0.5, y: y + (rnd() - 0.5) * h * 0.5, r: 0.9, fill: rnd() < 0.5 ? '#3a6fb0' : '#e9e7e0' });
    for (let k = 0; k < 3; k++) L.buildings.push({ t: 'rect', x: x + (rnd() - 0.5) * w * 0.7, y: y + (rnd() - 0.5) * h * 0.7, w: 0.9, h: 0.6, rot, fill: '#efefea' });
  }
}

function tree(L: SceneLayers, x: number, y: number, r: number, rnd: () => number): void {
  L.buildings.push({ t: 'circle', x: x - r * 0.35, y: y + r * 0.45, r, fill: '#1f2a18', op: 0.35 });
  L.buildings.push({ t: 'circle', x, y, r, fill: pick(rnd, ['#2f5a22', '#3a6a2a', '#2a4f1f', '#456f30']) });
  L.buildings.push({ t: 'circle', x: x + r * 0.25, y: y - r * 0.25, r: r * 0.5, fill: '#6a9a48', op: 0.45 });
}

function car(L: SceneLayers, x: number, y: number, rot: number, rnd: () => number): void {
  L.cars.push({ t: 'rect', x, y, w: 4.4, h: 1.8, rot, fill: pick(rnd, CAR_COLOURS) });
  L.cars.push({ t: 'rect', x: x + (rot === 0 ? 0.3 : 0), y: y + (rot === 0 ? 0 : 0.3), w: rot === 0 ? 1.6 : 1.4, h: rot === 0 ? 1.4 : 1.6, rot: 0, fill: '#2b3440', op: 0.55 });
}

function road(L: SceneLayers, arterial: boolean, pts: Array<[number, number]>): void {
  const layer = arterial ? L.bridges : L.minorRoads;
  const w = arterial ? ARTERIAL_ROAD_M : MINOR_ROAD_M;
  layer.push({ t: 'line', pts, w, stroke: '#4d5054', cap: 'butt' });
  if (arterial) {
    layer.push({ t: 'line', pts, w: 1.2, stroke: '#7a9a5a', cap: 'butt' });
    for (const off of [-6.5, 6.5]) layer.push({ t: 'line', pts: offsetLine(pts, off), w: 0.2, stroke: '#ecebe4', dash: [4, 6], cap: 'butt' });
    for (const off of [-w / 2 + 0.6, w / 2 - 0.6]) layer.push({ t: 'line', pts: offsetLine(pts, off), w: 0.2, stroke: '#ecebe4', cap: 'butt' });
  } else {
    layer.push({ t: 'line', pts, w: 0.18, stroke: '#e0c050', dash: [3, 4], cap: 'butt' });
  }
}

function offsetLine(pts: Array<[number, number]>, off: number): Array<[number, number]> {
  const [a, b] = [pts[0]!, pts[1]!];
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]);
  const nx = -(b[1] - a[1]) / len;
  const ny = (b[0] - a[0]) / len;
  return pts.map(([x, y]) => [x + nx * off, y + ny * off]);
}

/** Point `q` of a polyline moved `off` metres to its left (normal of the neighbouring segment). */
function shiftAlong(pts: ReadonlyArray<[number, number]>, q: number, x: number, y: number, off: number): [number, number] {
  const a = pts[Math.max(0, q - 1)]!;
  const b = pts[Math.min(pts.length - 1, q + 1)]!;
  const len = Math.hypot(b[0] - a[0], b[1] - a[1]) || 1;
  return [x - ((b[1] - a[1]) / len) * off, y + ((b[0] - a[0]) / len) * off];
}

function rect(x: number, y: number, w: number, h: number, fill: string): Prim {
  return { t: 'rect', x, y, w, h, rot: 0, fill };
}

function isArterial(k: number): boolean {
  return ((k % ARTERIAL_EVERY) + ARTERIAL_EVERY) % ARTERIAL_EVERY === 0;
}

function pick<T>(rnd: () => number, xs: readonly T[]): T {
  return xs[Math.floor(rnd() * xs.length)]!;
}

function hashInts(seed: number, a: number, b: number): number {
  let h = (seed ^ 0x9e3779b9) >>> 0;
  h = Math.imul(h ^ (a + 0x7f4a7c15), 0x85ebca6b) >>> 0;
  h = Math.imul(h ^ (h >>> 13) ^ (b + 0x165667b1), 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function hashStr(s: string): number {
  return Math.floor(hash01(s, 3) * 2 ** 31);
}

function round2(v: number): number {
  return Math.round(v * 100) / 100;
}

function mix(a: string, b: string, t: number): string {
  const pa = [1, 3, 5].map((k) => parseInt(a.slice(k, k + 2), 16));
  const pb = [1, 3, 5].map((k) => parseInt(b.slice(k, k + 2), 16));
  return `#${pa.map((v, k) => Math.round(v + (pb[k]! - v) * t).toString(16).padStart(2, '0')).join('')}`;
}

function distToPolyline(x: number, y: number, pts: ReadonlyArray<[number, number]>): number {
  let best = Infinity;
  for (let k = 0; k + 1 < pts.length; k++) best = Math.min(best, distToSeg(x, y, pts[k]![0], pts[k]![1], pts[k + 1]![0], pts[k + 1]![1]));
  return best;
}

function distToSeg(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const dx = bx - ax;
  const dy = by - ay;
  const l2 = dx * dx + dy * dy;
  const t = l2 === 0 ? 0 : Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / l2));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function segBoxDist(ax: number, ay: number, bx: number, by: number, r: SceneRect): number {
  const cx = (r.minX + r.maxX) / 2;
  const cy = (r.minY + r.maxY) / 2;
  return Math.max(0, distToSeg(cx, cy, ax, ay, bx, by) - Math.hypot(r.maxX - r.minX, r.maxY - r.minY) / 2);
}
