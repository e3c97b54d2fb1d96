import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SensorTelemetry } from './sensor.schema.ts';
import { parseJsonPayload, validator } from './validate.ts';

const v = validator(SensorTelemetry);

describe('payload validation', () => {
  it('accepts a well-formed telemetry batch', () => {
    const r = parseJsonPayload(JSON.stringify({ readings: [{ seq: 0, ts: '2026-11-22T01:00:00Z', depthMm: 120, rainMmPerH: 30 }] }), v);
    expect(r.ok).toBe(true);
  });

  it('rejects malformed readings with a readable reason', () => {
    const cases: Array<[unknown, RegExp]> = [
      [{ readings: [] }, /readings/],
      [{ readings: [{ seq: -1, ts: '2026-11-22T01:00:00Z', depthMm: 1 }] }, /seq/],
      [{ readings: [{ seq: 1, ts: 'yesterday', depthMm: 1 }] }, /ts/],
      [{ readings: [{ seq: 1, ts: '2026-11-22T01:00:00Z', depthMm: 'deep' }] }, /depthMm/],
      [{ readings: [{ seq: 1, ts: '2026-11-22T01:00:00Z', depthMm: 1, extra: true }] }, /additional/],
    ];
    for (const [payload, why] of cases) {
      const r = parseJsonPayload(JSON.stringify(payload), v);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.errors.join(' ')).toMatch(why);
    }
  });

  it('never throws on arbitrary bytes and accepts none of them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (bytes) => {
        expect(parseJsonPayload(bytes, v).ok).toBe(false);
      }),
      { numRuns: 2000 },
    );
    fc.assert(
      fc.property(fc.anything(), (value) => {
        const text = JSON.stringify(value) ?? 'undefined';
        const r = parseJsonPayload(text, v);
        if (r.ok) expect(Array.isArray(r.value.readings)).toBe(true);
      }),
      { numRuns: 2000 },
    );
  });
});
