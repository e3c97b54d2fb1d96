/**
 * The sensor's store-and-forward queue on disk: every reading is appended to a journal before it
 * is sent, and leaves it only when the hub acknowledges that it is in the database. A broker
 * restart, a hub restart or the agent being killed (-9) loses nothing: on start the journal is
 * read back and its readings are sent again, in order (the hub stores each one once).
 */
import fs from 'node:fs';
import path from 'node:path';
import type { SensorReading } from '../../protocol/sensor.schema.ts';

/** Journal of one sensor's unacknowledged readings. */
export class ReadingSpool {
  private pending: SensorReading[] = [];
  private readonly journal: string;
  private readonly stateFile: string;
  private nextSeqValue = 0;

  constructor(dir: string, sn: string) {
    fs.mkdirSync(dir, { recursive: true });
    this.journal = path.join(dir, `${sn}.spool.jsonl`);
    this.stateFile = path.join(dir, `${sn}.json`);
    this.load();
  }

  private load(): void {
    try {
      const s = JSON.parse(fs.readFileSync(this.stateFile, 'utf8')) as { nextSeq?: unknown };
      if (typeof s.nextSeq === 'number' && Number.isSafeInteger(s.nextSeq)) this.nextSeqValue = s.nextSeq;
    } catch {
      // first start
    }
    let text = '';
    try {
      text = fs.readFileSync(this.journal, 'utf8');
    } catch {
      return;
    }
    const bySeq = new Map<number, SensorReading>();
    for (const line of text.split('\n')) {
      if (!line) continue;
      try {
        const r = JSON.parse(line) as SensorReading;
        if (Number.isSafeInteger(r.seq)) bySeq.set(r.seq, r);
      } catch {
        // a line torn by a crash mid-write: the reading was never sent, drop it
      }
    }
    this.pending = [...bySeq.values()].sort((a, b) => a.seq - b.seq);
    const last = this.pending[this.pending.length - 1];
    if (last) this.nextSeqValue = Math.max(this.nextSeqValue, last.seq + 1);
  }

  /** The sequence number the next reading gets. */
  get nextSeq(): number {
    return this.nextSeqValue;
  }

  /** Readings not yet acknowledged, oldest first. */
  unacked(): readonly SensorReading[] {
    return this.pending;
  }

  /** Numbers the reading, journals it, and returns it. */
  append(sample: Omit<SensorReading, 'seq'>): SensorReading {
    const reading = { seq: this.nextSeqValue, ...sample } as SensorReading;
    this.nextSeqValue += 1;
    // appendFileSync: the line is in the kernel before we publish, so a killed process keeps it.
    fs.appendFileSync(this.journal, `${JSON.stringify(reading)}\n`);
    this.writeState();
    this.pending.push(reading);
    return reading;
  }

  /** Drops acknowledged readings (inclusive ranges); returns how many were removed. */
  ack(ranges: ReadonlyArray<readonly [number, number]>): number {
    const before = this.pending.length;
    this.pending = this.pending.filter((r) => !ranges.some(([from, to]) => r.seq >= from && r.seq <= to));
    const removed = before - this.pending.length;
    if (removed > 0) this.compact();
    return removed;
  }

  private compact(): void {
    const tmp = `${this.journal}.tmp`;
    fs.writeFileSync(tmp, this.pending.map((r) => `${JSON.stringify(r)}\n`).join(''));
    fs.renameSync(tmp, this.journal);
  }

  private writeState(): void {
    const tmp = `${this.stateFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify({ nextSeq: this.nextSeqValue }));
    fs.renameSync(tmp, this.stateFile);
  }
}
