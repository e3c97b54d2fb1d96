import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ReadingSpool } from './reading-spool.ts';

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'yzg-spool-'));
const sample = (i: number) => ({ ts: new Date(1_800_000_000_000 + i * 1000).toISOString(), depthMm: i });

describe('ReadingSpool', () => {
  it('numbers readings and keeps them until acknowledged, across restarts', () => {
    const dir = tmp();
    const a = new ReadingSpool(dir, 'S1');
    for (let i = 0; i < 5; i++) a.append(sample(i));
    a.ack([[0, 1]]);
    const b = new ReadingSpool(dir, 'S1'); // a restart (or kill -9) reads the journal back
    expect(b.unacked().map((r) => r.seq)).toEqual([2, 3, 4]);
    expect(b.append(sample(5)).seq).toBe(5);
  });

  it('continues the sequence after everything was acknowledged', () => {
    const dir = tmp();
    const a = new ReadingSpool(dir, 'S1');
    a.append(sample(0));
    a.ack([[0, 0]]);
    expect(new ReadingSpool(dir, 'S1').append(sample(1)).seq).toBe(1);
  });

  it('ignores a line torn by a crash', () => {
    const dir = tmp();
    const a = new ReadingSpool(dir, 'S1');
    a.append(sample(0));
    fs.appendFileSync(path.join(dir, 'S1.spool.jsonl'), '{"seq":1,"ts":"20');
    expect(new ReadingSpool(dir, 'S1').unacked().map((r) => r.seq)).toEqual([0]);
  });

  it('after any interleaving of appends, acks and restarts, holds exactly the unacknowledged readings in order', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.constant({ op: 'append' as const }), fc.record({ op: fc.constant('ack' as const), from: fc.nat(40), len: fc.nat(5) }), fc.constant({ op: 'restart' as const })), { maxLength: 60 }),
        (ops) => {
          const dir = tmp();
          let spool = new ReadingSpool(dir, 'P');
          const model = new Set<number>();
          let next = 0;
          for (const o of ops) {
            if (o.op === 'append') model.add(spool.append(sample(next++)).seq);
            else if (o.op === 'ack') {
              spool.ack([[o.from, o.from + o.len]]);
              for (let s = o.from; s <= o.from + o.len; s++) model.delete(s);
            } else spool = new ReadingSpool(dir, 'P');
          }
          expect(spool.unacked().map((r) => r.seq)).toEqual([...model].sort((a, b) => a - b));
          expect(spool.nextSeq).toBe(next);
          fs.rmSync(dir, { recursive: true });
        },
      ),
      { numRuns: 150 },
    );
  });
});
