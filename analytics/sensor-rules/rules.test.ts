import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { DepthBandRule } from './depth-band.rule.ts';
import { FlatlineRule } from './flatline.rule.ts';
import { RainAccumulator } from './rainstorm.rule.ts';
import { DEFAULT_RULES } from './rules.config.ts';

const MIN = 60_000;

describe('depth bands', () => {
  it('raises warning after the depth has stayed ≥ 15 cm for the minimum duration', () => {
    const r = new DepthBandRule(DEFAULT_RULES);
    expect(r.update(0, 160)).toBeUndefined();
    expect(r.update(20_000, 160)).toBeUndefined();
    expect(r.update(40_000, 160)).toMatchObject({ level: 2, band: 2 });
  });

  it('opens one level higher when depth rises 2 cm in 5 min', () => {
    const r = new DepthBandRule(DEFAULT_RULES);
    r.update(0, 60);
    r.update(2 * MIN, 75);
    r.update(3 * MIN, 82); // 60 → 82: +22 mm in 3 min, band notice → level warning
    expect(r.update(4 * MIN, 84)).toMatchObject({ level: 2, band: 1, risingFast: true });
  });

  it('does not flap around a threshold (hysteresis and minimum duration)', () => {
    const r = new DepthBandRule(DEFAULT_RULES);
    let changes = 0;
    for (let t = 0; t < 60 * MIN; t += 10_000) if (r.update(t, 150 + (t % 20_000 === 0 ? 4 : -4))) changes += 1;
    expect(changes).toBe(1);
    expect(r.current).toBe(1); // it never stayed above 15 cm for 30 s: notice, not warning
  });

  it('clears only after the water stayed below the bands for 5 min', () => {
    const r = new DepthBandRule(DEFAULT_RULES);
    for (let t = 0; t <= MIN; t += 10_000) r.update(t, 300);
    expect(r.current).toBe(3);
    let cleared: number | undefined;
    for (let t = 2 * MIN; t <= 20 * MIN; t += 10_000) if (r.update(t, 0)?.level === 0) cleared ??= t;
    expect(cleared).toBe(7 * MIN);
  });

  it('never leaves levels 0–4, whatever the depths', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2000 }), { maxLength: 200 }), (depths) => {
        const r = new DepthBandRule(DEFAULT_RULES);
        depths.forEach((d, i) => r.update(i * 10_000, d));
        expect(r.current).toBeGreaterThanOrEqual(0);
        expect(r.current).toBeLessThanOrEqual(4);
      }),
    );
  });
});

describe('flat line under heavy rain', () => {
  it('suspects a blocked sensor after 30 min of flat depth under heavy rain, and clears when it moves', () => {
    const r = new FlatlineRule(DEFAULT_RULES);
    let flagged: number | undefined;
    for (let t = 0; t <= 40 * MIN; t += MIN) if (r.update(t, 12, 60)) flagged ??= t;
    expect(flagged).toBe(29 * MIN);
    expect(r.update(41 * MIN, 40, 60)).toBe(false);
  });

  it('does not suspect a dry road in light rain', () => {
    const r = new FlatlineRule(DEFAULT_RULES);
    for (let t = 0; t <= 60 * MIN; t += MIN) expect(r.update(t, 0, 5)).toBeUndefined();
  });
});

describe('rainstorm signals', () => {
  const feed = (rate: (h: number) => number, hours: number) => {
    const acc = new RainAccumulator();
    for (let t = 0; t <= hours * 3_600_000; t += MIN) acc.add(t, rate(t / 3_600_000));
    return { acc, end: hours * 3_600_000 };
  };

  it('is red for 120 mm/h over an hour (≥ 100 mm in 3 h)', () => {
    const { acc, end } = feed(() => 120, 1);
    expect(acc.totalMm(end, 3)).toBeCloseTo(120, 0);
    expect(acc.signal(end)).toBe('red');
  });

  it('is orange for 60 mm in 3 h, yellow for 55 mm in 6 h, none for drizzle', () => {
    expect(feed(() => 20, 3).acc.signal(3 * 3_600_000)).toBe('orange');
    const y = feed(() => 9.2, 6);
    expect(y.acc.signal(6 * 3_600_000)).toBe('yellow');
    expect(feed(() => 2, 6).acc.signal(6 * 3_600_000)).toBe('none');
  });
});
