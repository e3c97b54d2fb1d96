/**
 * A FIFO of readings that lives in memory up to a bound and spills to disk beyond it, so that a
 * database outage under load neither drops accepted readings nor grows memory without limit.
 * A segment file is deleted only when all its readings were written to the database; segments
 * left by an earlier run (and the memory part, saved at close) are picked up again at start.
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SensorReadingRow } from '../repositories/reading.repository.ts';

const SEGMENT_ROWS = 10_000;

/** A run of consecutive readings at the head: from memory, or loaded from a segment file. */
type Run = { file?: string; n: number };

/** Memory-then-disk FIFO of readings. */
export class SpillQueue {
  private head: SensorReadingRow[] = [];
  private runs: Run[] = [];
  private segments: Array<{ file: string; rows: number }> = [];
  private writing: { file: string; rows: number } | undefined;
  private spilled = 0;
  private seq = 0;

  constructor(
    private readonly dir: string | undefined,
    private readonly memoryMax: number,
  ) {
    if (dir) {
      fs.mkdirSync(dir, { recursive: true });
      for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.jsonl')).sort()) {
        const file = path.join(dir, f);
        const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).length;
        this.segments.push({ file, rows });
        this.spilled += rows;
      }
    }
  }

  /** Readings held, in memory and on disk. */
  get length(): number {
    return this.head.length + this.spilled;
  }

  /** Readings held only on disk (not yet loaded). */
  get onDisk(): number {
    return this.spilled;
  }

  /** Appends readings at the tail. */
  push(rows: readonly SensorReadingRow[]): void {
    for (const row of rows) {
      // Once anything waits on disk, everything newer goes there too: first in, first out.
      if (this.dir && (this.spilled > 0 || this.head.length >= this.memoryMax)) this.spill(row);
      else {
        this.head.push(row);
        const last = this.runs[this.runs.length - 1];
        if (last && last.file === undefined) last.n += 1;
        else this.runs.push({ n: 1 });
      }
    }
  }

  private segmentName(prefix: string): string {
    return path.join(this.dir!, `${prefix}-${String(process.pid).padStart(7, '0')}-${String(this.seq++).padStart(6, '0')}.jsonl`);
  }

  private spill(row: SensorReadingRow): void {
    if (!this.writing || this.writing.rows >= SEGMENT_ROWS) {
      this.writing = { file: this.segmentName(Date.now().toString().padStart(15, '0')), rows: 0 };
      this.segments.push(this.writing);
    }
    fs.appendFileSync(this.writing.file, `${JSON.stringify(row)}\n`);
    this.writing.rows += 1;
    this.spilled += 1;
  }

  /** The oldest `n` readings (fewer when fewer are held), without removing them. */
  peek(n: number): SensorReadingRow[] {
    while (this.head.length < n && this.segments.length > 0) this.loadOldestSegment();
    return this.head.slice(0, n);
  }

  /** Removes the oldest `n` readings once they are in the database; deletes segments they emptied. */
  drop(n: number): void {
    this.head.splice(0, n);
    let left = n;
    while (left > 0 && this.runs.length > 0) {
      const run = this.runs[0]!;
      const take = Math.min(left, run.n);
      run.n -= take;
      left -= take;
      if (run.n === 0) {
        this.runs.shift();
        if (run.file) fs.rmSync(run.file, { force: true });
      }
    }
  }

  /** Saves the readings held in memory to disk (at shutdown), so a restart replays them. */
  persistMemory(): void {
    if (!this.dir || this.head.length === 0) return;
    const memoryRows = this.head.filter((_, i) => this.runAt(i).file === undefined);
    if (memoryRows.length === 0) return;
    // "0…" sorts before every timestamped segment: these are the oldest readings.
    const file = this.segmentName('0'.repeat(15));
    fs.writeFileSync(file, memoryRows.map((r) => `${JSON.stringify(r)}\n`).join(''));
  }

  private runAt(index: number): Run {
    let i = index;
    for (const run of this.runs) {
      if (i < run.n) return run;
      i -= run.n;
    }
    return { n: 0 };
  }

  private loadOldestSegment(): void {
    const seg = this.segments.shift()!;
    if (seg === this.writing) this.writing = undefined;
    const text = fs.readFileSync(seg.file, 'utf8');
    let loaded = 0;
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        this.head.push(JSON.parse(line) as SensorReadingRow);
        loaded += 1;
      } catch {
        // a line torn by a crash mid-append: its device still holds the reading until acknowledged
      }
    }
    this.spilled -= seg.rows;
    if (loaded > 0) this.runs.push({ file: seg.file, n: loaded });
    else fs.rmSync(seg.file, { force: true });
  }
}
