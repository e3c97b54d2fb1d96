import { describe, expect, it } from 'vitest';
import { RetransmitTimer } from './retransmit-timer.ts';

describe('retransmit timer', () => {
  it('starts at the initial timeout and settles near a fast link\'s round trip, not below the floor', () => {
    const t = new RetransmitTimer(300);
    expect(t.rtoMs).toBe(300);
    for (let i = 0; i < 50; i++) t.sample(0.5);
    expect(t.rtoMs).toBe(20);
  });

  it('follows a slow radio and backs off on loss up to the ceiling', () => {
    const t = new RetransmitTimer(300);
    for (let i = 0; i < 50; i++) t.sample(180 + (i % 2) * 40);
    expect(t.rtoMs).toBeGreaterThan(200);
    expect(t.rtoMs).toBeLessThan(400);
    for (let i = 0; i < 10; i++) t.backoff();
    expect(t.rtoMs).toBe(3000);
  });
});
