/**
 * When a task's runs fall due: once (at a time, or now), or by a five-field cron rule in China
 * time (Asia/Shanghai, UTC+8, no daylight saving) between `from` and `until`, each run moved
 * into the task's time-of-day window when it has one.
 */
import cronParser from 'cron-parser';
import { defineErrors } from '../../common/errors.ts';
import type { TaskSchedule } from '../../protocol/task.schema.ts';

/** Errors of task schedules. */
export const ScheduleErrors = defineErrors({
  SCHEDULE_BAD_CRON: { status: 400, message: '周期规则无效（应为五段 cron：分 时 日 月 周）/ invalid recurring rule (five-field cron: minute hour day month weekday)' },
  SCHEDULE_EMPTY: { status: 400, message: '时间范围内没有可执行的时刻 / the schedule has no run in its time range' },
  SCHEDULE_BAD_WINDOW: { status: 400, message: '时间窗无效：开始须早于结束 / invalid time window: start must be before end' },
});

const CHINA_OFFSET_MS = 8 * 3600_000;
const DAY_MS = 86_400_000;
/** Runs further out than this are not looked for (a rule that never fires in a year is refused). */
const HORIZON_MS = 366 * DAY_MS;

const minutesOf = (hhmm: string): number => Number(hhmm.slice(0, 2)) * 60 + Number(hhmm.slice(3, 5));

/** Moves `ms` into the daily window (China time): unchanged inside it, else to the window's next start. */
function intoWindow(ms: number, window: { start: string; end: string } | undefined): number {
  if (!window) return ms;
  const start = minutesOf(window.start) * 60_000;
  const end = minutesOf(window.end) * 60_000;
  const local = ms + CHINA_OFFSET_MS;
  const dayStart = Math.floor(local / DAY_MS) * DAY_MS;
  const tod = local - dayStart;
  if (tod >= start && tod < end) return ms;
  const next = tod < start ? dayStart + start : dayStart + DAY_MS + start;
  return next - CHINA_OFFSET_MS;
}

/** Checks a schedule; throws a catalogue error when it is malformed or can never run. */
export function checkSchedule(s: TaskSchedule, nowMs: number): void {
  if (s.window && minutesOf(s.window.start) >= minutesOf(s.window.end)) throw ScheduleErrors.SCHEDULE_BAD_WINDOW();
  if (s.kind === 'recurring') {
    try {
      cronParser.parseExpression(s.cron, { currentDate: new Date(nowMs), tz: 'Asia/Shanghai' });
    } catch (err) {
      throw ScheduleErrors.SCHEDULE_BAD_CRON(undefined, { cron: s.cron, reason: (err as Error).message });
    }
    if (s.cron.trim().split(/\s+/).length !== 5) throw ScheduleErrors.SCHEDULE_BAD_CRON(undefined, { cron: s.cron });
  }
  if (firstRun(s, nowMs) === null) throw ScheduleErrors.SCHEDULE_EMPTY();
}

/** The first run at or after `nowMs`, ms, or null when there is none. */
export function firstRun(s: TaskSchedule, nowMs: number): number | null {
  if (s.kind === 'once') return intoWindow(Math.max(nowMs, s.at ? Date.parse(s.at) : nowMs), s.window);
  const from = Math.max(nowMs, s.from ? Date.parse(s.from) : nowMs);
  return nextRecurring(s, from - 1);
}

/** The run after the one due at `dueMs`, ms, or null (a one-off task has none). */
export function nextRun(s: TaskSchedule, dueMs: number): number | null {
  return s.kind === 'once' ? null : nextRecurring(s, dueMs);
}

function nextRecurring(s: Extract<TaskSchedule, { kind: 'recurring' }>, afterMs: number): number | null {
  const until = s.until ? Date.parse(s.until) : afterMs + HORIZON_MS;
  const it = cronParser.parseExpression(s.cron, { currentDate: new Date(afterMs), tz: 'Asia/Shanghai' });
  for (let i = 0; i < 10_000; i++) {
    let t: number;
    try {
      t = it.next().getTime();
    } catch {
      return null;
    }
    if (t > until || t > afterMs + HORIZON_MS) return null;
    // A fire time outside the window is skipped, not moved: "every hour, 08:00–18:00" means the hours inside.
    if (intoWindow(t, s.window) === t) return t;
  }
  return null;
}
