/**
 * Rainstorm signals from rain gauges (Guangdong): yellow 50 mm in 6 h, orange 50 mm in 3 h,
 * red 100 mm in 3 h. Rain intensity samples are integrated over time per gauge; a town's signal is
 * that of its wettest gauge. Pure.
 */

/** Signal levels, weakest first. */
export const RAINSTORM_SIGNALS = ['none', 'yellow', 'orange', 'red'] as const;
/** A rainstorm signal. */
export type RainstormSignal = (typeof RAINSTORM_SIGNALS)[number];

/** Chinese names of the signals. */
export const RAINSTORM_NAMES_ZH: Record<RainstormSignal, string> = { none: '无', yellow: '暴雨黄色预警', orange: '暴雨橙色预警', red: '暴雨红色预警' };

const H = 3_600_000;

const BIN_MS = 60_000;

/** Accumulated rain of one gauge, in one-minute bins over the last six hours. */
export class RainAccumulator {
  private bins: Array<{ t: number; mm: number }> = [];
  private last: { t: number; rate: number } | undefined;

  /** Feeds an intensity sample (mm/h) at `tMs`; the interval since the previous one is credited at their mean. */
  add(tMs: number, rainMmPerH: number): void {
    if (this.last && tMs > this.last.t) {
      // Gaps longer than 15 min are not credited: the gauge was not reporting.
      const dtMs = Math.min(tMs - this.last.t, 15 * 60_000);
      const mm = ((this.last.rate + rainMmPerH) / 2) * (dtMs / H);
      const bin = Math.floor(tMs / BIN_MS) * BIN_MS;
      const lastBin = this.bins[this.bins.length - 1];
      if (lastBin && lastBin.t === bin) lastBin.mm += mm;
      else this.bins.push({ t: bin, mm });
    }
    if (!this.last || tMs >= this.last.t) this.last = { t: tMs, rate: rainMmPerH };
    while (this.bins.length > 0 && this.bins[0]!.t <= tMs - 6 * H - BIN_MS) this.bins.shift();
  }

  /** Rain (mm) in the `hours` before `tMs`. */
  totalMm(tMs: number, hours: number): number {
    let sum = 0;
    for (const b of this.bins) if (b.t > tMs - hours * H - BIN_MS && b.t <= tMs) sum += b.mm;
    return sum;
  }

  /** The signal these accumulations meet at `tMs`. */
  signal(tMs: number): RainstormSignal {
    const h3 = this.totalMm(tMs, 3);
    if (h3 >= 100) return 'red';
    if (h3 >= 50) return 'orange';
    if (this.totalMm(tMs, 6) >= 50) return 'yellow';
    return 'none';
  }
}

/** The stronger of two signals. */
export function strongerSignal(a: RainstormSignal, b: RainstormSignal): RainstormSignal {
  return RAINSTORM_SIGNALS.indexOf(a) >= RAINSTORM_SIGNALS.indexOf(b) ? a : b;
}
