/** Flat line under heavy rain: a depth that does not move while it pours suggests a blocked sensor. Pure. */
import type { SensorRulesConfig } from './rules.config.ts';
import { SlidingExtreme } from './sliding.ts';

/** The flat-line state of one sensor. */
export class FlatlineRule {
  private readonly min = new SlidingExtreme('min');
  private readonly max = new SlidingExtreme('max');
  private firstT: number | undefined;
  private lastNotHeavyT = -Infinity;
  private flagged = false;

  constructor(private readonly cfg: SensorRulesConfig) {}

  /** Whether the sensor is currently suspected blocked. */
  get suspected(): boolean {
    return this.flagged;
  }

  /** Feeds one reading with the rain at the spot; returns the new verdict when it changes. */
  update(tMs: number, depthMm: number, rainMmPerH: number | undefined): boolean | undefined {
    const since = tMs - this.cfg.flatWindowMs;
    this.firstT ??= tMs;
    const heavy = (rainMmPerH ?? 0) >= this.cfg.heavyRainMmPerH;
    if (!heavy) this.lastNotHeavyT = tMs;
    this.min.push(tMs, depthMm);
    this.max.push(tMs, depthMm);
    this.min.evict(since);
    this.max.evict(since);
    const covered = tMs - Math.max(this.firstT, since) >= this.cfg.flatWindowMs * 0.95;
    const allHeavy = this.lastNotHeavyT < since;
    const flat = this.max.value! - this.min.value! < this.cfg.flatRangeMm;
    const verdict = covered && allHeavy && flat;
    // Clear once the depth moves again (or the rain stops).
    const next = this.flagged ? flat && heavy : verdict;
    if (next === this.flagged) return undefined;
    this.flagged = next;
    return next;
  }
}
