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
  /** The target level in force now, and since when. */
  private target: number | undefined;
  /**
   * For each target level (0–4), when it last stopped being in force (+∞ while it is): a level was
   * in force at some time in a window [since, now] exactly when this is after `since`.
   */
  private readonly levelEndMs = [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY];
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
    if (target !== this.target) {
      if (this.target !== undefined) this.levelEndMs[this.target] = tMs;
      this.levelEndMs[target] = Number.POSITIVE_INFINITY;
      this.target = target;
    }

    let next = this.level;
    const up = this.heldLevel(tMs - this.cfg.raiseAfterMs, 'min');
    if (up !== undefined && up > this.level) next = up;
    else {
      const down = this.heldLevel(tMs - this.cfg.lowerAfterMs, 'max');
      if (down !== undefined && down < this.level) next = down;
    }
    if (next === this.level) return undefined;
    this.level = next;
    return { level: next, band, risingFast, depthMm };
  }

  /**
   * The lowest (`min`) or highest (`max`) target level in force at any time since `since`, or
   * undefined when the sensor has not been observed for that long. Levels are few (0–4): one look
   * at each instead of a scan of the window's readings.
   */
  private heldLevel(since: number, pick: 'min' | 'max'): number | undefined {
    if (this.firstT! > since) return undefined;
    let found: number | undefined;
    for (let l = 0; l < this.levelEndMs.length; l++) {
      if (this.levelEndMs[l]! <= since) continue;
      if (pick === 'min') return l;
      found = l;
    }
    return found;
  }
}
