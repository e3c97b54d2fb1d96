import { describe, expect, it } from 'vitest';
import { readCalendarFile } from '../repositories/calendar.repository.ts';
import { DAY_MS, WorkCalendar } from './work-calendar.ts';

const cal = new WorkCalendar(readCalendarFile());
const at = (local: string) => Date.parse(`${local}+08:00`);
const iso = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);

describe('working-day calendar (data/calendar-cn.json)', () => {
  it('knows weekends, public holidays and 调休 make-up working days', () => {
    expect(cal.isWorkingDay(at('2026-09-18T12:00'))).toBe(true); // Friday
    expect(cal.isWorkingDay(at('2026-09-19T12:00'))).toBe(false); // Saturday
    expect(cal.isWorkingDay(at('2026-09-20T12:00'))).toBe(true); // Sunday, make-up day for National Day
    expect(cal.isWorkingDay(at('2026-09-25T12:00'))).toBe(false); // Friday, Mid-Autumn
    expect(cal.isWorkingDay(at('2026-10-10T12:00'))).toBe(true); // Saturday, make-up day
    expect(cal.isWorkingDay(at('2026-02-14T12:00'))).toBe(true); // Saturday before Spring Festival
    expect(cal.isWorkingDay(at('2026-02-16T12:00'))).toBe(false); // Spring Festival
  });

  it('counts a working day over a weekend: Friday 10:00 + 1 working day = Monday 10:00', () => {
    expect(iso(cal.addWorkingMs(at('2026-03-06T10:00'), DAY_MS))).toBe('2026-03-09T10:00');
  });

  it('skips a public holiday and counts a make-up Sunday', () => {
    // Tue 22 Sep + 5 working days: Wed, Thu, (Mid-Autumn Fri–Sun), Mon, Tue, → Wed 30 Sep 10:00.
    expect(iso(cal.limitPoint(at('2026-09-22T10:00'), { value: 5, unit: 'working_days' }, 1))).toBe('2026-09-30T10:00');
    expect(iso(cal.limitPoint(at('2026-09-22T10:00'), { value: 5, unit: 'working_days' }, 0.8))).toBe('2026-09-29T10:00');
    // Fri 18 Sep + 2 working days: the make-up Sunday 20 Sep counts, so Mon 21 10:00 (not Tue 22).
    expect(iso(cal.addWorkingMs(at('2026-09-18T10:00'), 2 * DAY_MS))).toBe('2026-09-21T10:00');
  });

  it('starts counting at the next working day when dispatched on a holiday', () => {
    expect(iso(cal.addWorkingMs(at('2026-10-03T15:00'), DAY_MS))).toBe('2026-10-09T00:00');
  });

  it('counts natural hours for hour limits', () => {
    expect(iso(cal.limitPoint(at('2026-10-03T15:00'), { value: 4, unit: 'hours' }, 1))).toBe('2026-10-03T19:00');
  });
});
