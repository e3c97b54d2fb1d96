/**
 * SIMULATOR — a stand-in for a real waterlogging gauge: rain arrives in passing showers and the
 * water at the spot fills with rain and drains at a fixed capacity, so depth rises, peaks and
 * recedes. (The full rain field and water model of the district are `edge/world/`'s job.)
 */

/** One simulated sample. */
export interface SimSample {
  depthMm: number;
  rainMmPerH: number;
  batteryPct: number;
  rssiDbm: number;
}

/** A source of samples for one sensor. */
export interface ReadingSource {
  sample(nowMs: number): SimSample;
}

function hash01(s: string, salt: number): number {
  let h = 2166136261 ^ salt;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return ((h >>> 0) % 100_000) / 100_000;
}

/** Options of the simulated gauge. */
export interface SimSourceOptions {
  /** Length of one shower cycle, milliseconds (default 12 min). */
  cycleMs?: number;
  /** Peak rain of the wettest showers, mm/h (default 80). */
  peakRainMmPerH?: number;
}

/** A deterministic simulated gauge for serial number `sn` (each spot has its own phase and severity). */
export function simulatedSource(sn: string, opts: SimSourceOptions = {}): ReadingSource {
  const cycleMs = opts.cycleMs ?? 12 * 60_000;
  const phase = hash01(sn, 1);
  const severity = 0.3 + 0.9 * hash01(sn, 2); // low spots flood more
  const peak = (opts.peakRainMmPerH ?? 80) * severity;
  const drainMmPerH = 25; // drainage capacity of the spot, in rain-equivalent mm/h
  const pondingGain = 8; // depth (mm) per mm of excess rain over the catchment
  let depthMm = 0;
  let lastMs: number | undefined;
  let batteryPct = 60 + 40 * hash01(sn, 3);
  return {
    sample(nowMs: number): SimSample {
      const t = ((nowMs / cycleMs + phase) % 1 + 1) % 1;
      // A shower fills the first 40 % of the cycle, peaking in its middle.
      const rain = t < 0.4 ? peak * Math.sin((Math.PI * t) / 0.4) ** 2 : 0;
      const dtH = lastMs === undefined ? 0 : Math.max(0, nowMs - lastMs) / 3_600_000;
      lastMs = nowMs;
      depthMm = Math.max(0, depthMm + (rain - drainMmPerH) * pondingGain * dtH * 10);
      batteryPct = Math.max(5, batteryPct - dtH * 0.05);
      const rssiDbm = -70 - 20 * hash01(sn, Math.floor(nowMs / 60_000));
      return { depthMm: Math.round(depthMm), rainMmPerH: Math.round(rain * 10) / 10, batteryPct: Math.round(batteryPct * 10) / 10, rssiDbm: Math.round(rssiDbm) };
    },
  };
}
