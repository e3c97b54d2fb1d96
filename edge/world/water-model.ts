/**
 * SIMULATOR — water at one rain-prone spot: rain over its catchment flows in (concentrated by
 * `gain`, the ratio of catchment to ponding area), drains out at the spot's drainage capacity, and
 * a small seepage empties the last centimetres. Integrated in fixed steps so that the depth at a
 * time does not depend on when it is asked for (deterministic replays).
 */

/** Hydraulic character of a spot. */
export interface SpotHydraulics {
  /** Depth added per mm of rain, mm/mm (catchment concentration). */
  gain: number;
  /** Drainage capacity, mm of depth per hour. */
  drainMmPerH: number;
  /** Seepage of the remaining water, fraction per hour. */
  seepagePerH: number;
}

const STEP_MS = 10_000;

/** Depth of water at one spot over time. */
export class WaterModel {
  private depthMm = 0;
  private tMs: number;

  constructor(
    readonly hydraulics: SpotHydraulics,
    startMs: number,
    private readonly rainAt: (tMs: number) => number,
  ) {
    this.tMs = startMs;
  }

  /** Advances to `tMs` (never backwards) and returns the depth there, millimetres. */
  depthAt(tMs: number): number {
    const { gain, drainMmPerH, seepagePerH } = this.hydraulics;
    while (this.tMs + STEP_MS <= tMs) {
      const rain = this.rainAt(this.tMs + STEP_MS / 2);
      const dtH = STEP_MS / 3_600_000;
      const inflow = rain * gain;
      const outflow = this.depthMm > 0 ? drainMmPerH + this.depthMm * seepagePerH : 0;
      this.depthMm = Math.max(0, this.depthMm + (inflow - outflow) * dtH);
      this.tMs += STEP_MS;
    }
    return this.depthMm;
  }
}
