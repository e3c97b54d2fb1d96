import { describe, expect, it } from 'vitest';
import { parseLiveMessage, reconnectDelayMs, RECONNECT_BASE_MS, RECONNECT_MAX_MS } from './live-feed.ts';

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

  it('parses reading, status and hello frames', () => {
    const reading = { type: 'reading', sn: 'WL-1', reading: { seq: 1, ts: '2025-06-01T08:00:00Z', depthMm: 320, receivedAt: '2025-06-01T08:00:01Z' } };
    expect(parseLiveMessage(JSON.stringify(reading))).toEqual(reading);
    expect(parseLiveMessage('{"type":"status","sn":"WL-1","online":false,"ts":"2025-06-01T08:00:00Z"}')).toMatchObject({ online: false });
    expect(parseLiveMessage('{"type":"hello","user":"duty","serverTime":"2025-06-01T08:00:00Z"}')).toMatchObject({ type: 'hello' });
  });

  it('ignores malformed frames and message types the big screen does not use', () => {
    expect(parseLiveMessage('not json')).toBeNull();
    expect(parseLiveMessage('null')).toBeNull();
    expect(parseLiveMessage('{"type":"reading","sn":"WL-1","reading":{"depthMm":"deep"}}')).toBeNull();
    expect(parseLiveMessage('{"type":"ticket","ticketId":1}')).toBeNull();
    expect(parseLiveMessage(new ArrayBuffer(4))).toBeNull();
  });
});
