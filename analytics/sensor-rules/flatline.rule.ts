/** Flat line under heavy rain: a depth that does not move while it pours suggests a blocked sensor. Pure. */
import type { SensorRulesConfig } from './rules.config.ts';

/** The flat-line state of one sensor. */
export class FlatlineRule {
  private window: Array<{ t: number; d: number; heavy: boolean }> = [];
  private flagged = false;

  constructor(private readonly cfg: SensorRulesConfig) {}

  /** Whether the sensor is currently suspected blocked. */
  get suspected(): boolean {
    return this.flagged;
  }

  /** Feeds one reading with the rain at the spot; returns the new verdict when it changes. */
  update(tMs: number, depthMm: number, rainMmPerH: number | undefined): boolean | undefined {
    this.window.push({ t: tMs, d: depthMm, heavy: (rainMmPerH ?? 0) >= this.cfg.heavyRainMmPerH });
    while (this.window.length > 0 && this.window[0]!.t < tMs - this.cfg.flatWindowMs) this.window.shift();
    const covered = tMs - this.window[0]!.t >= this.cfg.flatWindowMs * 0.95;
    const allHeavy = this.window.every((w) => w.heavy);
    const depths = this.window.map((w) => w.d);
    const flat = Math.max(...depths) - Math.min(...depths) < this.cfg.flatRangeMm;
    const verdict = covered && allHeavy && flat;
    // Clear once the depth moves again (or the rain stops).
    const next = this.flagged ? !(!flat || !this.window[this.window.length - 1]!.heavy) : verdict;
    if (next === this.flagged) return undefined;
    this.flagged = next;
    return next;
  }
}
