/** Settings of the sensor rules (DOMAIN.md, Waterlogging); defaults are proposals, all configurable. */

/** Settings of the sensor rules. */
export interface SensorRulesConfig {
  /** Lower bounds of notice, warning, restrict and close, millimetres. */
  bandsMm: readonly [number, number, number, number];
  /** A band is left only when depth is this far below its threshold, millimetres. */
  hysteresisMm: number;
  /** A higher band must hold this long before the alarm rises, milliseconds. */
  raiseAfterMs: number;
  /** A lower band must hold this long before the alarm falls or clears, milliseconds. */
  lowerAfterMs: number;
  /** A rise of at least this much … */
  riseMm: number;
  /** … within this window raises the level by one. */
  riseWindowMs: number;
  /** Rain at or above this is "heavy" for the flat-line rule, mm/h. */
  heavyRainMmPerH: number;
  /** Depth varying less than this while rain is heavy … */
  flatRangeMm: number;
  /** … for this long suggests a blocked sensor, milliseconds. */
  flatWindowMs: number;
  /** Missing this many sampling intervals makes a sensor offline. */
  offlineIntervals: number;
}

/** The defaults. */
export const DEFAULT_RULES: SensorRulesConfig = {
  bandsMm: [50, 150, 270, 400],
  hysteresisMm: 20,
  raiseAfterMs: 30_000,
  lowerAfterMs: 5 * 60_000,
  riseMm: 20,
  riseWindowMs: 5 * 60_000,
  heavyRainMmPerH: 30,
  flatRangeMm: 3,
  flatWindowMs: 30 * 60_000,
  offlineIntervals: 3,
};

/** Chinese names of the depth alarm levels 1–4. */
export const DEPTH_LEVEL_NAMES_ZH = ['', '积水关注', '积水预警', '积水限行', '积水封路'] as const;
