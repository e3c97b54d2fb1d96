/**
 * Keeps the minute and hour rollups current on plain PostgreSQL: remembers the time span that new
 * readings touched and recomputes those buckets every few seconds (exact and idempotent, also for
 * late readings). On TimescaleDB the continuous aggregates' policies do this instead.
 */
import type { Logger } from '../../common/logger.ts';
import type { RollupRepository } from '../repositories/rollup.repository.ts';

/** Recomputes the rollup buckets touched by new readings. */
export class RollupMaintainer {
  private dirty: { from: number; to: number } | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> | undefined;

  constructor(
    private readonly repo: RollupRepository,
    private readonly log: Logger,
    private readonly everyMs = 5000,
  ) {}

  /** Notes readings at these times (ms). */
  touched(tsMs: readonly number[]): void {
    if (tsMs.length === 0) return;
    const from = Math.min(...tsMs);
    const to = Math.max(...tsMs);
    this.dirty = this.dirty ? { from: Math.min(this.dirty.from, from), to: Math.max(this.dirty.to, to) } : { from, to };
  }

  /** Starts the periodic refresh. */
  start(): void {
    this.timer = setInterval(() => void this.refresh(), this.everyMs);
  }

  /** Recomputes what is dirty now. */
  async refresh(): Promise<void> {
    if (this.running) return this.running;
    const span = this.dirty;
    if (!span) return;
    this.dirty = undefined;
    this.running = this.repo
      .refresh(span.from, span.to)
      .catch((err: Error) => {
        this.touched([span.from, span.to]); // try again next time
        this.log.warn({ err: err.message }, 'rollup refresh failed');
      })
      .finally(() => {
        this.running = undefined;
      });
    return this.running;
  }

  /** Stops, after a last refresh. */
  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await this.refresh();
  }
}
