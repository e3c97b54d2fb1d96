/** Shapes shared by the benchmark harness and the benchmarks. */
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/logger.ts';

/** One measured figure beside its baseline. */
export interface BenchRow {
  figure: string;
  unit: string;
  value: number;
  baseline?: { name: string; value: number };
  /** Whether a larger value is better (throughput) or smaller (latency). */
  higherIsBetter: boolean;
  notes?: string;
}

/** A named benchmark. */
export interface Benchmark {
  name: string;
  description: string;
  run(ctx: { config: Config; log: Logger; out: (line: string) => void }): Promise<BenchRow[]>;
}

