/** Waterlogging depth bands (DOMAIN.md, Waterlogging). Defaults; the hub may be configured otherwise. */

/** Band levels from dry to road closure. */
export const DEPTH_BANDS = ['dry', 'notice', 'warning', 'restrict', 'close'] as const;
/** A depth band. */
export type DepthBand = (typeof DEPTH_BANDS)[number];

/** Lower bounds of notice, warning, restrict and close, millimetres. */
export const DEFAULT_BAND_THRESHOLDS_MM: readonly [number, number, number, number] = [50, 150, 270, 400];

/** The band of a depth (no hysteresis: that is the analytics' job). */
export function depthBand(depthMm: number, thresholdsMm: readonly number[] = DEFAULT_BAND_THRESHOLDS_MM): DepthBand {
  let level = 0;
  for (const t of thresholdsMm) if (depthMm >= t) level += 1;
  return DEPTH_BANDS[Math.min(level, DEPTH_BANDS.length - 1)] as DepthBand;
}

/** Display colour of each band (CSS hex), shared by the cockpit's map and legend. */
export const BAND_COLORS: Record<DepthBand, string> = {
  dry: '#2e7d32',
  notice: '#fbc02d',
  warning: '#f57c00',
  restrict: '#d32f2f',
  close: '#6a1b9a',
};

/** Chinese labels of the bands. */
export const BAND_LABELS_ZH: Record<DepthBand, string> = {
  dry: '正常',
  notice: '关注 ≥5cm',
  warning: '预警 ≥15cm',
  restrict: '限行 ≥27cm',
  close: '封路 ≥40cm',
};
