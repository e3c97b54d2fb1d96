import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { common, minimal } from 'node-mavlink';
import { MavlinkDecoder, MavlinkEncoder, type MavMessage } from './mavlink-codec.ts';

const enc = new MavlinkEncoder(1, 1);
const heartbeat = () => enc.encode(Object.assign(new minimal.Heartbeat(), { type: 2, autopilot: 3, baseMode: 1, customMode: 4, systemStatus: 3 }));
const position = () => enc.encode(Object.assign(new common.GlobalPositionInt(), { lat: 229450000, lon: 1133650000, alt: 68500, relativeAlt: 60000, hdg: 9000 }));

describe('MAVLink decoder', () => {
  it('decodes frames split at any byte boundary', () => {
    const frames = Buffer.concat([heartbeat(), position(), heartbeat()]);
    fc.assert(
      fc.property(fc.integer({ min: 1, max: frames.length - 1 }), (cut) => {
        const got: MavMessage[] = [];
        const d = new MavlinkDecoder((m) => got.push(m));
        d.push(frames.subarray(0, cut));
        d.push(frames.subarray(cut));
        expect(got.map((m) => m.msgId)).toEqual([0, 33, 0]);
      }),
    );
  });

  it('never throws on random bytes, and still decodes the good frame after them', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (junk) => {
        const got: MavMessage[] = [];
        const d = new MavlinkDecoder((m) => got.push(m));
        d.push(junk);
        d.push(Buffer.alloc(300)); // flush any half frame the junk started
        d.push(heartbeat());
        expect(got.some((m) => m.msgId === 0 && m.sysId === 1)).toBe(true);
      }),
      { numRuns: 300 },
    );
  });

  it('with datagram framing, a truncated frame does not swallow the next datagram', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: position().length - 1 }), (cut) => {
        const got: MavMessage[] = [];
        const d = new MavlinkDecoder((m) => got.push(m), 'datagram');
        d.push(position().subarray(0, cut));
        d.push(heartbeat());
        expect(got.map((m) => m.msgId)).toEqual([0]);
        expect(d.stats.malformed).toBe(1);
      }),
    );
    // The same bytes as a stream: the half frame waits for its rest and eats the heartbeat.
    const got: MavMessage[] = [];
    const s = new MavlinkDecoder((m) => got.push(m));
    s.push(position().subarray(0, 12));
    s.push(heartbeat());
    expect(got.filter((m) => m.msgId === 0)).toHaveLength(0);
  });

  it('drops frames with flipped bits (bad CRC) and counts them', () => {
    fc.assert(
      fc.property(fc.integer({ min: 10, max: 30 }), fc.integer({ min: 1, max: 255 }), (at, mask) => {
        const frame = Buffer.from(position());
        frame[at % frame.length]! ^= mask;
        const got: MavMessage[] = [];
        const d = new MavlinkDecoder((m) => got.push(m));
        d.push(frame);
        expect(got.filter((m) => m.msgId === 33 && (m.data as common.GlobalPositionInt).lat === 229450000)).toHaveLength(0);
      }),
      { numRuns: 200 },
    );
  });
});
