/**
 * Batching writer of sensor readings: readings are accepted into a bounded buffer and written in
 * multi-row statements of up to `batchMax` rows at most `flushMs` after they arrive. When the
 * database fails, the batch stays at the head of the buffer and is retried with backoff; when the
 * buffer is full, `enqueue` waits (backpressure up to the MQTT session, which then holds the
 * messages in the broker). Duplicates (same sensor, time and sequence) are counted and skipped.
 */
import type { Logger } from '../../common/logger.ts';
import { Counter, Gauge, Histogram, metricOnce, type Registry } from '../../common/metrics.ts';
import type { ReadingRepository, SensorReadingRow } from '../repositories/reading.repository.ts';

/** Options of the writer. */
export interface ReadingWriterOptions {
  repo: Pick<ReadingRepository, 'insertBatch'>;
  log: Logger;
  registry: Registry;
  /** Largest batch, rows. */
  batchMax: number;
  /** Longest wait before a partial batch is written, milliseconds. */
  flushMs: number;
  /** Readings held in memory before `enqueue` waits. */
  maxBuffered?: number;
  /** Called with the rows a batch actually inserted (not the duplicates), after commit. */
  onCommitted?: (rows: SensorReadingRow[], receivedAt: Date) => void;
}

/** Counters of the writer since it started. */
export interface WriterStats {
  accepted: number;
  committed: number;
  duplicate: number;
  buffered: number;
  dbErrors: number;
}

/** Writes readings to the database in batches. */
export class ReadingWriter {
  private buffer: SensorReadingRow[] = [];
  private timer: NodeJS.Timeout | undefined;
  private flushing: Promise<void> | undefined;
  private waiters: Array<() => void> = [];
  private closed = false;
  private backoffMs = 0;
  private readonly maxBuffered: number;
  readonly stats: WriterStats = { accepted: 0, committed: 0, duplicate: 0, buffered: 0, dbErrors: 0 };
  private readonly m;

  constructor(private readonly opts: ReadingWriterOptions) {
    this.maxBuffered = opts.maxBuffered ?? Math.max(opts.batchMax * 20, 20_000);
    const r = opts.registry;
    this.m = {
      readings: metricOnce(r, 'yzg_ingest_readings_total', () => new Counter({ name: 'yzg_ingest_readings_total', help: 'Sensor readings by outcome (accepted, committed, duplicate)', labelNames: ['outcome'], registers: [r] })),
      buffered: metricOnce(r, 'yzg_ingest_buffered', () => new Gauge({ name: 'yzg_ingest_buffered', help: 'Readings accepted and not yet committed', registers: [r] })),
      dbErrors: metricOnce(r, 'yzg_ingest_db_errors_total', () => new Counter({ name: 'yzg_ingest_db_errors_total', help: 'Failed batch writes (retried)', registers: [r] })),
      batchSeconds: metricOnce(r, 'yzg_ingest_batch_seconds', () => new Histogram({ name: 'yzg_ingest_batch_seconds', help: 'Time to write one batch', buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [r] })),
    };
  }

  /** Accepts readings; resolves once they are buffered (waits while the buffer is full). */
  async enqueue(rows: SensorReadingRow[]): Promise<void> {
    if (this.closed) throw new Error('reading writer is closed');
    while (this.buffer.length >= this.maxBuffered) {
      await new Promise<void>((resolve) => this.waiters.push(resolve));
    }
    for (const row of rows) this.buffer.push(row);
    this.stats.accepted += rows.length;
    this.m.readings.inc({ outcome: 'accepted' }, rows.length);
    this.updateBuffered();
    this.schedule();
  }

  /** Writes everything buffered now; resolves when the buffer is empty. */
  async flush(): Promise<void> {
    while (this.buffer.length > 0 || this.flushing) {
      if (this.flushing) await this.flushing;
      else await this.runFlush();
    }
  }

  /** Stops accepting, writes what is buffered (tries until `timeoutMs`), and stops. */
  async close(timeoutMs = 10_000): Promise<void> {
    this.closed = true;
    if (this.timer) clearTimeout(this.timer);
    await Promise.race([this.flush(), new Promise((r) => setTimeout(r, timeoutMs).unref())]);
    if (this.buffer.length > 0) this.opts.log.error({ lost: this.buffer.length }, 'reading writer closed with unwritten readings');
  }

  private updateBuffered(): void {
    this.stats.buffered = this.buffer.length;
    this.m.buffered.set(this.buffer.length);
  }

  private schedule(): void {
    if (this.flushing || this.timer) return;
    const delay = this.buffer.length >= this.opts.batchMax ? 0 : this.opts.flushMs;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.runFlush();
    }, delay);
  }

  private runFlush(): Promise<void> {
    if (this.flushing) return this.flushing;
    this.flushing = this.writeOne().finally(() => {
      this.flushing = undefined;
      if (this.buffer.length > 0 && !this.closed) this.schedule();
    });
    return this.flushing;
  }

  private async writeOne(): Promise<void> {
    const batch = this.buffer.slice(0, this.opts.batchMax);
    if (batch.length === 0) return;
    const end = this.m.batchSeconds.startTimer();
    try {
      const inserted = await this.opts.repo.insertBatch(batch);
      end();
      this.buffer.splice(0, batch.length);
      this.backoffMs = 0;
      this.stats.committed += inserted.length;
      this.stats.duplicate += batch.length - inserted.length;
      this.m.readings.inc({ outcome: 'committed' }, inserted.length);
      if (batch.length > inserted.length) this.m.readings.inc({ outcome: 'duplicate' }, batch.length - inserted.length);
      this.updateBuffered();
      this.wakeWaiters();
      if (inserted.length > 0) this.opts.onCommitted?.(inserted, new Date());
    } catch (err) {
      end();
      this.stats.dbErrors += 1;
      this.m.dbErrors.inc();
      this.backoffMs = Math.min(Math.max(this.backoffMs * 2, 250), 5000);
      this.opts.log.warn({ err: (err as Error).message, buffered: this.buffer.length, retryInMs: this.backoffMs }, 'batch write failed; will retry');
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
