import { describe, expect, it } from 'vitest';
import { parseLiveMessages, reconnectDelayMs, RECONNECT_BASE_MS, RECONNECT_MAX_MS } from './live-feed.ts';

describe('live feed', () => {
  it('backs off exponentially from 0.5 s up to a 15 s cap', () => {
    const mid = () => 0.5;
    expect(reconnectDelayMs(0, mid)).toBe(RECONNECT_BASE_MS);
    expect(reconnectDelayMs(1, mid)).toBe(2 * RECONNECT_BASE_MS);
    expect(reconnectDelayMs(3, mid)).toBe(8 * RECONNECT_BASE_MS);
    expect(reconnectDelayMs(50, mid)).toBe(RECONNECT_MAX_MS);
  });

  it('jitters each delay by at most 20 %', () => {
    expect(reconnectDelayMs(2, () => 0)).toBe(0.8 * 4 * RECONNECT_BASE_MS);
    expect(reconnectDelayMs(2, () => 1)).toBe(1.2 * 4 * RECONNECT_BASE_MS);
  });

  it('unpacks a readings frame into one reading each, and parses status and hello frames', () => {
    const frame = {
      type: 'readings',
      receivedAt: '2025-06-01T08:00:01Z',
      readings: [
        { sn: 'WL-1', seq: 1, ts: '2025-06-01T08:00:00Z', depthMm: 320 },
        { sn: 'WL-2', seq: 7, ts: '2025-06-01T07:59:59Z', depthMm: 0, rainMmPerH: 12 },
      ],
    };
    expect(parseLiveMessages(JSON.stringify(frame))).toEqual([
      { type: 'reading', sn: 'WL-1', reading: { seq: 1, ts: '2025-06-01T08:00:00Z', depthMm: 320, receivedAt: '2025-06-01T08:00:01Z' } },
      { type: 'reading', sn: 'WL-2', reading: { seq: 7, ts: '2025-06-01T07:59:59Z', depthMm: 0, rainMmPerH: 12, receivedAt: '2025-06-01T08:00:01Z' } },
    ]);
    expect(parseLiveMessages('{"type":"status","sn":"WL-1","online":false,"ts":"2025-06-01T08:00:00Z"}')).toMatchObject([{ online: false }]);
    expect(parseLiveMessages('{"type":"hello","user":"duty","serverTime":"2025-06-01T08:00:00Z"}')).toMatchObject([{ type: 'hello' }]);
  });

  it('ignores malformed frames, malformed readings in a frame, and message types the big screen does not use', () => {
    expect(parseLiveMessages('not json')).toEqual([]);
    expect(parseLiveMessages('null')).toEqual([]);
    expect(parseLiveMessages('{"type":"readings","receivedAt":"2025-06-01T08:00:01Z","readings":{"sn":"WL-1"}}')).toEqual([]);
    const mixed = parseLiveMessages(
      JSON.stringify({ type: 'readings', receivedAt: '2025-06-01T08:00:01Z', readings: [{ sn: 'WL-1', seq: 1, ts: 'x', depthMm: 'deep' }, null, { sn: 'WL-3', seq: 2, ts: '2025-06-01T08:00:00Z', depthMm: 5 }] }),
    );
    expect(mixed.map((m) => (m.type === 'reading' ? m.sn : m.type))).toEqual(['WL-3']);
    expect(parseLiveMessages('{"type":"ticket","ticketId":1}')).toEqual([]);
    expect(parseLiveMessages(new ArrayBuffer(4))).toEqual([]);
  });
});
