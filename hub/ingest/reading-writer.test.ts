import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ReadingWriter } from './reading-writer.ts';
import { createRegistry } from '../../common/metrics.ts';
import { silentLogger } from '../../common/logger.ts';
import type { SensorReadingRow } from '../repositories/reading.repository.ts';

function rows(n: number, sn = 'S1', from = 0): SensorReadingRow[] {
  return Array.from({ length: n }, (_, i) => ({ sn, seq: from + i, ts: new Date(1_800_000_000_000 + (from + i) * 1000).toISOString(), depthMm: i }));
}

/** An in-memory table with the same idempotency rule as sensor_reading, that can be made to fail. */
class FakeRepo {
  stored = new Map<string, SensorReadingRow>();
  batches: number[] = [];
  failNext = 0;
  async insertBatch(batch: SensorReadingRow[]): Promise<SensorReadingRow[]> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('connection refused');
    }
    this.batches.push(batch.length);
    const fresh = batch.filter((r) => !this.stored.has(`${r.sn}/${r.ts}/${r.seq}`));
    for (const r of fresh) this.stored.set(`${r.sn}/${r.ts}/${r.seq}`, r);
    return fresh;
  }
}

let writer: ReadingWriter | undefined;
afterEach(async () => writer?.close(100));

describe('ReadingWriter', () => {
  it('writes readings in batches no larger than batchMax', async () => {
    const repo = new FakeRepo();
    writer = new ReadingWriter({ repo, log: silentLogger(), registry: createRegistry(), batchMax: 100, flushMs: 5 });
    await writer.enqueue(rows(250));
    await writer.flush();
    expect(repo.stored.size).toBe(250);
    expect(Math.max(...repo.batches)).toBeLessThanOrEqual(100);
    expect(writer.stats).toMatchObject({ accepted: 250, committed: 250, duplicate: 0, buffered: 0 });
  });

  it('counts a replayed reading as a duplicate and stores it once', async () => {
    const repo = new FakeRepo();
    const committed: number[] = [];
    writer = new ReadingWriter({ repo, log: silentLogger(), registry: createRegistry(), batchMax: 50, flushMs: 5, onCommitted: (r) => committed.push(r.length) });
    await writer.enqueue(rows(10));
    await writer.flush();
    await writer.enqueue(rows(10));
    await writer.flush();
    expect(repo.stored.size).toBe(10);
    expect(writer.stats.duplicate).toBe(10);
    expect(committed.reduce((a, b) => a + b, 0)).toBe(10);
  });

  it('keeps a failed batch and writes it once the database answers again', async () => {
    const repo = new FakeRepo();
    repo.failNext = 2;
    writer = new ReadingWriter({ repo, log: silentLogger(), registry: createRegistry(), batchMax: 20, flushMs: 5 });
    await writer.enqueue(rows(30));
    await writer.flush();
    expect(repo.stored.size).toBe(30);
    expect(writer.stats.dbErrors).toBe(2);
  });

  it('makes enqueue wait while the buffer is full (backpressure), then lets it through', async () => {
    const repo = new FakeRepo();
    repo.failNext = 1;
    writer = new ReadingWriter({ repo, log: silentLogger(), registry: createRegistry(), batchMax: 10, flushMs: 5, memoryMax: 10 });
    await writer.enqueue(rows(10));
    let done = false;
    const pending = writer.enqueue(rows(5, 'S2')).then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false); // the first batch is still failing; the buffer is full
    await pending;
    await writer.flush();
    expect(repo.stored.size).toBe(15);
  });

  it('spills to disk while the database is down and writes everything, in order, when it returns', async () => {
    const repo = new FakeRepo();
    repo.failNext = 3;
    const spillDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-spill-'));
    const order: number[] = [];
    writer = new ReadingWriter({ repo, log: silentLogger(), registry: createRegistry(), batchMax: 25, flushMs: 5, memoryMax: 10, spillDir, onWritten: (r) => order.push(...r.map((x) => x.seq)) });
    await writer.enqueue(rows(100));
    expect(writer.stats.spilled).toBe(90);
    expect(fs.readdirSync(spillDir).length).toBeGreaterThan(0);
    await writer.flush();
    expect(repo.stored.size).toBe(100);
    expect(order).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(fs.readdirSync(spillDir)).toEqual([]);
  });

  it('replays readings that an earlier run left spilled on disk', async () => {
    const spillDir = fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-spill-'));
    const down = new FakeRepo();
    down.failNext = 1_000_000;
    const first = new ReadingWriter({ repo: down, log: silentLogger(), registry: createRegistry(), batchMax: 25, flushMs: 5, memoryMax: 5, spillDir });
    await first.enqueue(rows(40));
    await first.close(50); // the hub stops while the database is still down
    const repo = new FakeRepo();
    writer = new ReadingWriter({ repo, log: silentLogger(), registry: createRegistry(), batchMax: 25, flushMs: 5, memoryMax: 5, spillDir });
    await writer.flush();
    expect(repo.stored.size).toBe(40);
    expect(fs.readdirSync(spillDir)).toEqual([]);
  });
});
