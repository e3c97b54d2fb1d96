/**
 * SIMULATOR — the rain field over the district: storm cells that move across Panyu with a
 * Gaussian footprint and a rise–peak–decay envelope. Intensity in mm/h at any place and time.
 * Scenarios are generated from a seed and replay exactly.
 */
import { mulberry32 } from './prng.ts';

/** One moving storm cell. */
export interface StormCell {
  /** Position at `startMs`. */
  lat: number;
  lon: number;
  /** Drift, metres per second east and north. */
  eastMps: number;
  northMps: number;
  /** Footprint radius (1σ), metres. */
  radiusM: number;
  /** Peak intensity at the centre, mm/h. */
  peakMmPerH: number;
  startMs: number;
  durationMs: number;
}

/** Names of the built-in scenarios. */
export const SCENARIOS = ['dry', 'drizzle', 'light-rain', 'heavy-rain', 'red-rainstorm'] as const;
/** A built-in scenario name. */
export type ScenarioName = (typeof SCENARIOS)[number];

const M_PER_DEG_LAT = 111_320;
/** Intensity that overlapping cells approach but do not pass, mm/h (the local record is 120.6 mm in an hour). */
export const MAX_RAIN_MM_PER_H = 150;
/** Centre of Panyu district. */
export const PANYU_CENTRE = { lat: 22.98, lon: 113.38 } as const;

/** A field of storm cells. */
export class RainField {
  constructor(readonly cells: readonly StormCell[]) {}

  /** Rain intensity at a place and time, mm/h. */
  intensityMmPerH(lat: number, lon: number, tMs: number): number {
    let total = 0;
    const mPerDegLon = M_PER_DEG_LAT * Math.cos((lat * Math.PI) / 180);
    for (const c of this.cells) {
      const age = tMs - c.startMs;
      if (age < 0 || age > c.durationMs) continue;
      const f = age / c.durationMs;
      // Rise over the first quarter, hold, decay over the last third.
      const envelope = f < 0.25 ? f / 0.25 : f > 2 / 3 ? (1 - f) * 3 : 1;
      const cLat = c.lat + (c.northMps * age) / 1000 / M_PER_DEG_LAT;
      const cLon = c.lon + (c.eastMps * age) / 1000 / mPerDegLon;
      const dy = (lat - cLat) * M_PER_DEG_LAT;
      const dx = (lon - cLon) * mPerDegLon;
      total += c.peakMmPerH * envelope * Math.exp(-(dx * dx + dy * dy) / (2 * c.radiusM * c.radiusM));
    }
    // Overlapping cells do not add up without limit: rain saturates towards the local extreme.
    const saturated = MAX_RAIN_MM_PER_H * (1 - Math.exp(-total / MAX_RAIN_MM_PER_H));
    return Math.round(saturated * 10) / 10;
  }
}

/** Builds a scenario's rain field, starting at `startMs`, from `seed`. */
export function scenario(name: ScenarioName, seed: number, startMs: number): RainField {
  const rnd = mulberry32(seed);
  const spec: Record<ScenarioName, { cells: number; peak: [number, number]; radiusM: [number, number]; hours: [number, number] }> = {
    dry: { cells: 0, peak: [0, 0], radiusM: [0, 0], hours: [0, 0] },
    drizzle: { cells: 4, peak: [1, 3], radiusM: [8000, 15000], hours: [2, 4] },
    'light-rain': { cells: 4, peak: [4, 10], radiusM: [6000, 12000], hours: [1.5, 3] },
    'heavy-rain': { cells: 5, peak: [25, 50], radiusM: [4000, 8000], hours: [1, 2.5] },
    // A Guangdong red rainstorm signal: ≥ 100 mm in 3 h; local peaks near 120 mm/h.
    'red-rainstorm': { cells: 6, peak: [90, 130], radiusM: [5000, 9000], hours: [2, 3.5] },
  };
  const s = spec[name];
  const between = ([a, b]: [number, number]) => a + (b - a) * rnd();
  const cells: StormCell[] = [];
  for (let i = 0; i < s.cells; i++) {
    // Cells enter from the south-west (the usual track of summer storms over the Pearl River delta).
    cells.push({
      lat: PANYU_CENTRE.lat + (rnd() - 0.7) * 0.12,
      lon: PANYU_CENTRE.lon + (rnd() - 0.7) * 0.14,
      eastMps: 2 + 4 * rnd(),
      northMps: 1 + 3 * rnd(),
      radiusM: between(s.radiusM),
      peakMmPerH: between(s.peak),
      startMs: startMs + Math.floor(rnd() * 20 * 60_000),
      durationMs: Math.floor(between(s.hours) * 3_600_000),
    });
  }
  return new RainField(cells);
}
