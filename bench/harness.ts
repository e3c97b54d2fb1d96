/**
 * Benchmark harness: runs named benchmarks, each of which measures a figure and its baseline in
 * the same process, and prints a table (figure, value, baseline, ratio) plus a JSON record.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Config } from '../common/config.ts';
import type { Logger } from '../common/logger.ts';
import type { Benchmark, BenchRow } from './types.ts';

export type { Benchmark, BenchRow } from './types.ts';

/** Every benchmark, by name. Add a benchmark by adding a file and a line here. */
export async function loadBenchmarks(): Promise<Benchmark[]> {
  const { ingestBenchmark } = await import('./ingest.bench.ts');
  return [ingestBenchmark, (await import('./mavlink.bench.ts')).mavlinkBenchmark, (await import('./detection.bench.ts')).detectionBenchmark];
}

function fmt(n: number): string {
  if (!Number.isFinite(n)) return String(n);
  if (Math.abs(n) >= 100) return Math.round(n).toLocaleString('en-US');
  return n.toFixed(Math.abs(n) >= 10 ? 1 : 2);
}

/** Formats rows as an aligned text table. */
export function formatTable(rows: Array<BenchRow & { bench: string }>): string {
  const header = ['benchmark', 'figure', 'value', 'baseline', 'baseline value', 'ratio'];
  const lines = rows.map((r) => {
    const ratio = r.baseline && r.baseline.value !== 0 ? (r.higherIsBetter ? r.value / r.baseline.value : r.baseline.value / r.value) : undefined;
    return [r.bench, `${r.figure} (${r.unit})`, fmt(r.value), r.baseline?.name ?? '—', r.baseline ? fmt(r.baseline.value) : '—', ratio === undefined ? '—' : `${ratio.toFixed(1)}× better`];
  });
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ');
  return [row(header), widths.map((w) => '-'.repeat(w)).join('  '), ...lines.map(row)].join('\n');
}

/** Runs the named benchmarks (all when none is named), prints the table, writes the JSON. */
export async function runBenchmarks(opts: { names: string[]; jsonFile?: string; config: Config; log: Logger; out: (line: string) => void }): Promise<void> {
  const all = await loadBenchmarks();
  const unknown = opts.names.filter((n) => !all.some((b) => b.name === n));
  if (unknown.length) throw new Error(`unknown benchmark(s): ${unknown.join(', ')}; known: ${all.map((b) => b.name).join(', ')}`);
  const chosen = opts.names.length ? all.filter((b) => opts.names.includes(b.name)) : all;
  const results: Array<BenchRow & { bench: string }> = [];
  for (const b of chosen) {
    opts.out(`▶ ${b.name}: ${b.description}`);
    const rows = await b.run({ config: opts.config, log: opts.log, out: (l) => opts.out(`  ${l}`) });
    results.push(...rows.map((r) => ({ ...r, bench: b.name })));
  }
  opts.out('');
  opts.out(formatTable(results));
  const record = { at: new Date().toISOString(), node: process.version, cpus: (await import('node:os')).cpus().length, results };
  const file = opts.jsonFile ?? path.join('bench', 'results', `bench-${record.at.replace(/[:.]/g, '-')}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(record, null, 2));
  opts.out('');
  opts.out(JSON.stringify(record));
  opts.out(`(written to ${file})`);
}
