/**
 * Depth bands with hysteresis and minimum durations, plus rate of rise: the level a sensor's alarm
 * should have. Pure: feed readings in time order, read the level.
 */
import type { SensorRulesConfig } from './rules.config.ts';
import { SlidingExtreme } from './sliding.ts';

/** A level change decided by the rule. */
export interface LevelChange {
  level: number;
  band: number;
  risingFast: boolean;
  depthMm: number;
}

/** The depth-band state of one sensor. */
export class DepthBandRule {
  private level = 0;
  private targets: Array<{ t: number; level: number }> = [];
  private readonly recentMin = new SlidingExtreme('min');
  private firstT: number | undefined;

  constructor(
    private readonly cfg: SensorRulesConfig,
    initialLevel = 0,
  ) {
    this.level = initialLevel;
  }

  /** The level in force (0 = no alarm). */
  get current(): number {
    return this.level;
  }

  /** The band of a depth, leaving a band only `hysteresisMm` below its threshold. */
  private bandOf(depthMm: number): number {
    const { bandsMm, hysteresisMm } = this.cfg;
    let band = 0;
    for (let i = 0; i < bandsMm.length; i++) {
      const threshold = bandsMm[i]!;
      // Staying in a band the alarm is already at needs only threshold − hysteresis.
      const needed = i < this.level ? threshold - hysteresisMm : threshold;
      if (depthMm >= needed) band = i + 1;
    }
    return band;
  }

  /**
   * Feeds one reading; returns the new level when it changes. The alarm rises to the lowest level
   * held throughout the last `raiseAfterMs`, and falls to the highest level seen in the last
   * `lowerAfterMs`: a depth hovering at a threshold settles instead of flapping.
   */
  update(tMs: number, depthMm: number): LevelChange | undefined {
    this.firstT ??= tMs;
    this.recentMin.push(tMs, depthMm);
    this.recentMin.evict(tMs - this.cfg.riseWindowMs);
    const risingFast = this.firstT < tMs && depthMm - (this.recentMin.value ?? depthMm) >= this.cfg.riseMm;
    const band = this.bandOf(depthMm);
    const target = Math.min(4, band + (risingFast && depthMm > 0 ? 1 : 0));
    // Runs of equal targets: the list stays as short as the number of changes in the window.
    if (this.targets[this.targets.length - 1]?.level !== target) this.targets.push({ t: tMs, level: target });
    const keepMs = Math.max(this.cfg.raiseAfterMs, this.cfg.lowerAfterMs);
    while (this.targets.length > 1 && this.targets[1]!.t <= tMs - keepMs) this.targets.shift();

    const held = (spanMs: number, pick: (levels: number[]) => number): number | undefined => {
      const since = tMs - spanMs;
      if (this.firstT! > since) return undefined; // not observed for the whole span yet
      // The entry in force at the start of the span, and every one after it.
      const start = this.targets.findLastIndex((x) => x.t <= since);
      return pick(this.targets.slice(start).map((x) => x.level));
    };
    let next = this.level;
    const up = held(this.cfg.raiseAfterMs, (l) => Math.min(...l));
    if (up !== undefined && up > this.level) next = up;
    else {
      const down = held(this.cfg.lowerAfterMs, (l) => Math.max(...l));
      if (down !== undefined && down < this.level) next = down;
    }
    if (next === this.level) return undefined;
    this.level = next;
    return { level: next, band, risingFast, depthMm };
  }
}
