/**
 * Working-time arithmetic on a configurable calendar (weekends, public holidays, 调休 make-up
 * working days). Pure: the calendar data is passed in (data/calendar-cn.json).
 */

/** One day in milliseconds. */
export const DAY_MS = 86_400_000;

/** Calendar data as stored in `data/calendar-cn.json`. */
export interface CalendarData {
  utcOffsetMin: number;
  weekendDays: number[];
  years: Record<string, { status: string; holidays: string[]; workdays: string[] }>;
}

/** A time limit: working days on the calendar, or natural hours. */
export interface TimeLimit {
  value: number;
  unit: 'working_days' | 'hours';
}

/** Working-day calendar: whole local days are working or not. */
export class WorkCalendar {
  private readonly offsetMs: number;
  private readonly holidays: Set<string>;
  private readonly workdays: Set<string>;
  private readonly weekend: Set<number>;
  /** Years the calendar has no data for (weekends only); the caller may warn. */
  readonly knownYears: Set<number>;

  constructor(data: CalendarData) {
    this.offsetMs = data.utcOffsetMin * 60_000;
    this.holidays = new Set(Object.values(data.years).flatMap((y) => y.holidays));
    this.workdays = new Set(Object.values(data.years).flatMap((y) => y.workdays));
    this.weekend = new Set(data.weekendDays);
    this.knownYears = new Set(Object.keys(data.years).map(Number));
  }

  /** Local date `YYYY-MM-DD` of an instant. */
  dateKey(ms: number): string {
    return new Date(ms + this.offsetMs).toISOString().slice(0, 10);
  }

  /** Whether the local day containing `ms` is a working day. */
  isWorkingDay(ms: number): boolean {
    const key = this.dateKey(ms);
    if (this.workdays.has(key)) return true;
    if (this.holidays.has(key)) return false;
    return !this.weekend.has(new Date(ms + this.offsetMs).getUTCDay());
  }

  /** Start (ms) of the local day containing `ms`. */
  dayStartMs(ms: number): number {
    return Math.floor((ms + this.offsetMs) / DAY_MS) * DAY_MS - this.offsetMs;
  }

  /**
   * The instant when `workingMs` of working time has accrued after `startMs`, counting only
   * working days (whole local days). Friday 10:00 + 1 working day = Monday 10:00.
   */
  addWorkingMs(startMs: number, workingMs: number): number {
    let cursor = startMs;
    let remaining = workingMs;
    for (let guard = 0; guard < 3660; guard += 1) {
      const dayEnd = this.dayStartMs(cursor) + DAY_MS;
      if (this.isWorkingDay(cursor)) {
        const available = dayEnd - cursor;
        if (remaining <= available) return cursor + remaining;
        remaining -= available;
      }
      cursor = dayEnd;
    }
    throw new Error('working time beyond ten years');
  }

  /** The instant at which `fraction` (0…n) of `limit` has elapsed since `startMs`. */
  limitPoint(startMs: number, limit: TimeLimit, fraction: number): number {
    if (limit.unit === 'hours') return startMs + Math.round(limit.value * fraction * 3_600_000);
    return this.addWorkingMs(startMs, Math.round(limit.value * fraction * DAY_MS));
  }
}
