/**
 * Batching writer of sensor readings: readings are accepted into a queue (memory up to a bound,
 * then disk) and written in multi-row statements of up to `batchMax` rows at most `flushMs` after
 * they arrive. When the database fails, the batch stays at the head of the queue and is retried
 * with backoff. Duplicates (same sensor, time and sequence) are counted and skipped. After each
 * commit, `onWritten` receives every row of the batch (new or already stored) so the devices can
 * be told those readings are safe.
 */
import type { Logger } from '../../common/logger.ts';
import { Counter, Gauge, Histogram, metricOnce, type Registry } from '../../common/metrics.ts';
import type { ReadingRepository, SensorReadingRow } from '../repositories/reading.repository.ts';
import { SpillQueue } from './spill-queue.ts';

/** Options of the writer. */
export interface ReadingWriterOptions {
  repo: Pick<ReadingRepository, 'insertBatch'>;
  log: Logger;
  registry: Registry;
  /** Largest batch, rows. */
  batchMax: number;
  /** Longest wait before a partial batch is written, milliseconds. */
  flushMs: number;
  /** Readings held in memory before the queue spills to `spillDir`. */
  memoryMax?: number;
  /** Folder for spilled readings; without it the queue stays in memory and `enqueue` waits when full. */
  spillDir?: string;
  /** Hard bound on readings held (memory + disk); `enqueue` waits beyond it. */
  maxHeld?: number;
  /** Called with the rows a batch actually inserted (not the duplicates), after commit. */
  onCommitted?: (rows: SensorReadingRow[], receivedAt: Date) => void;
  /** Called with every row of a committed batch, inserted or duplicate. */
  onWritten?: (rows: SensorReadingRow[]) => void;
}

/** Counters of the writer since it started. */
export interface WriterStats {
  accepted: number;
  committed: number;
  duplicate: number;
  buffered: number;
  spilled: number;
  dbErrors: number;
}

/** Writes readings to the database in batches. */
export class ReadingWriter {
  private readonly queue: SpillQueue;
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private waiters: Array<() => void> = [];
  private closed = false;
  private backoffMs = 0;
  private readonly maxHeld: number;
  readonly stats: WriterStats = { accepted: 0, committed: 0, duplicate: 0, buffered: 0, spilled: 0, dbErrors: 0 };
  private readonly m;

  constructor(private readonly opts: ReadingWriterOptions) {
    const memoryMax = opts.memoryMax ?? Math.max(opts.batchMax * 20, 20_000);
    this.queue = new SpillQueue(opts.spillDir, memoryMax);
    this.maxHeld = opts.maxHeld ?? (opts.spillDir ? 5_000_000 : memoryMax);
    const r = opts.registry;
    this.m = {
      readings: metricOnce(r, 'yzg_ingest_readings_total', () => new Counter({ name: 'yzg_ingest_readings_total', help: 'Sensor readings by outcome (accepted, committed, duplicate)', labelNames: ['outcome'], registers: [r] })),
      buffered: metricOnce(r, 'yzg_ingest_buffered', () => new Gauge({ name: 'yzg_ingest_buffered', help: 'Readings accepted and not yet committed (memory and disk)', registers: [r] })),
      spilled: metricOnce(r, 'yzg_ingest_spilled', () => new Gauge({ name: 'yzg_ingest_spilled', help: 'Readings waiting on disk for the database', registers: [r] })),
      dbErrors: metricOnce(r, 'yzg_ingest_db_errors_total', () => new Counter({ name: 'yzg_ingest_db_errors_total', help: 'Failed batch writes (retried)', registers: [r] })),
      batchSeconds: metricOnce(r, 'yzg_ingest_batch_seconds', () => new Histogram({ name: 'yzg_ingest_batch_seconds', help: 'Time to write one batch', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [r] })),
    };
    if (this.queue.length > 0) {
      opts.log.info({ readings: this.queue.length }, 'replaying readings spilled by an earlier run');
      this.updateGauges();
      this.schedule();
    }
  }

  /** Accepts readings; resolves once they are queued (waits only beyond the hard bound). */
  async enqueue(rows: SensorReadingRow[]): Promise<void> {
    if (this.closed) throw new Error('reading writer is closed');
    while (this.queue.length >= this.maxHeld) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    this.queue.push(rows);
    this.stats.accepted += rows.length;
    this.m.readings.inc({ outcome: 'accepted' }, rows.length);
    this.updateGauges();
    this.schedule();
  }

  /** Writes everything queued now; resolves when the queue is empty. */
  async flush(): Promise<void> {
    while (this.queue.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.runFlush();
    }
  }

  /** Stops accepting, writes what is queued (tries until `timeoutMs`; what remains stays spilled on disk). */
  async close(timeoutMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.race([this.flush(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    if (this.queue.length > 0) {
      this.queue.persistMemory();
      this.opts.log.warn({ left: this.queue.length, spillDir: this.opts.spillDir }, 'reading writer closed with unwritten readings; they stay spilled for the next start');
    }
  }

  private updateGauges(): void {
    this.stats.buffered = this.queue.length;
    this.stats.spilled = this.queue.onDisk;
    this.m.buffered.set(this.queue.length);
    this.m.spilled.set(this.queue.onDisk);
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    const delay = this.queue.length >= this.opts.batchMax ? 0 : this.opts.flushMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runFlush();
    }, delay);
  }

  private runFlush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.writeOne().finally(() => {
      this.flushing = undefined;
      if (this.queue.length > 0 && !this.closed) this.schedule();
    });
    return this.flushing;
  }

  private async writeOne(): Promise<void> {
    const batch = this.queue.peek(this.opts.batchMax);
    if (batch.length === 0) return;
    const end = this.m.batchSeconds.startTimer();
    try {
      const inserted = await this.opts.repo.insertBatch(batch);
      end();
      this.queue.drop(batch.length);
      this.backoffMs = 0;
      this.stats.committed += inserted.length;
      this.stats.duplicate += batch.length - inserted.length;
      this.m.readings.inc({ outcome: 'committed' }, inserted.length);
      if (batch.length > inserted.length) this.m.readings.inc({ outcome: 'duplicate' }, batch.length - inserted.length);
      this.updateGauges();
      this.wakeWaiters();
      if (inserted.length > 0) this.opts.onCommitted?.(inserted, new Date());
      this.opts.onWritten?.(batch);
    } catch (err) {
      end();
      this.stats.dbErrors += 1;
      this.m.dbErrors.inc();
      this.backoffMs = Math.min(Math.max(this.backoffMs * 2, 250), 5000);
      this.opts.log.warn({ err: (err as Error).message, buffered: this.queue.length, retryInMs: this.backoffMs }, 'batch write failed; will retry');
      // Hold the flush slot during the backoff so nothing hammers a database that is down.
      await new Promise((r) => setTimeout(r, this.backoffMs));
    }
  }

  private wakeWaiters(): void {
    const ws = this.waiters;
    this.waiters = [];
    for (const w of ws) w();
  }
}
