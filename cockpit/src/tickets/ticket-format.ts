/** Display helpers of the ticket views: labels, due-time countdowns, times. */
import { EVENT_TYPE_LABELS_ZH, STAGE_LABELS_ZH, TIER_LABELS_ZH, type EventType, type TicketStage, type TicketView } from '../../../protocol/workflow.schema.ts';

/** Chinese name of a stage (falls back to the code). */
export function stageLabel(stage: string): string {
  return STAGE_LABELS_ZH[stage as TicketStage] ?? stage;
}

/** Chinese name of an event type (falls back to the code). */
export function eventTypeLabel(type: string): string {
  return EVENT_TYPE_LABELS_ZH[type as EventType] ?? type;
}

/** Chinese name of a tier 1…8. */
export function tierLabel(tier: number): string {
  return TIER_LABELS_ZH[tier] ?? `第${tier}级`;
}

/** Stages in which the due time no longer runs. */
const FINISHED: ReadonlySet<string> = new Set(['closed', 'rated', 'cancelled']);

/** A due-time countdown: text and whether it is overdue. */
export interface DueState {
  text: string;
  overdue: boolean;
}

function span(ms: number): string {
  const m = Math.floor(ms / 60_000);
  const d = Math.floor(m / 1440);
  const h = Math.floor((m % 1440) / 60);
  const mm = m % 60;
  if (d > 0) return `${d}天${h}时`;
  if (h > 0) return `${h}时${mm}分`;
  return `${mm}分${Math.floor((ms % 60_000) / 1000)}秒`;
}

/** Countdown to the ticket's due time at `nowMs`: 剩余 … or 超期 …. */
export function dueState(t: Pick<TicketView, 'dueAt' | 'stage' | 'overdue' | 'closedOnTime'>, nowMs: number): DueState {
  if (FINISHED.has(t.stage)) return { text: t.closedOnTime === false ? '已结案（超期）' : t.stage === 'cancelled' ? '已作废' : '已结案', overdue: false };
  if (!t.dueAt) return { text: '未计时', overdue: t.overdue };
  const left = Date.parse(t.dueAt) - nowMs;
  if (left < 0 || t.overdue) return { text: `超期 ${span(Math.abs(left))}`, overdue: true };
  return { text: `剩余 ${span(left)}`, overdue: false };
}

/** A local date-time `MM-DD HH:mm`. */
export function shortTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}
