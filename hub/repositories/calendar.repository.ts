/** The working-day calendar file (data/calendar-cn.json): weekends, public holidays, 调休 make-up days. */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CalendarData } from '../workflow/work-calendar.ts';

/** Path of the default calendar file. */
export const CALENDAR_FILE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../data/calendar-cn.json');

/** Reads a calendar file (synchronously: once, at start). */
export function readCalendarFile(file = CALENDAR_FILE): CalendarData {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as CalendarData;
}
