/** Pure helpers of the department portal: form → request body, cron presets, status tones, live progress. */
import type { LonLat, TaskGeometryKind } from '../../../protocol/plan.schema.ts';
import { DEFAULT_OVERLAP, MAX_TRUE_HEIGHT_M } from '../../../protocol/plan.schema.ts';
import type { CreateTaskBody, SortieView, TaskLiveMessage, TaskStatus, TaskType, TaskView } from '../../../protocol/task.schema.ts';

/** Recurring schedules a department picks from (five-field cron, China time). */
export const CRON_PRESETS = [
  { cron: '0 9 * * *', label: '每天 09:00', en: 'daily 09:00' },
  { cron: '0 9 * * 1-5', label: '工作日 09:00', en: 'weekdays 09:00' },
  { cron: '0 14 * * *', label: '每天 14:00', en: 'daily 14:00' },
  { cron: '0 9 * * 1', label: '每周一 09:00', en: 'Mondays 09:00' },
  { cron: '0 8-18/2 * * *', label: '白天每 2 小时', en: 'every 2 h, 08–18' },
] as const;

/** Detection models a department may ask for (ids of the hub's model registry). */
export const MODEL_OPTIONS = [
  { id: 'ppocr-v4-det', label: '文字检测（违规广告、横幅）', en: 'text detection (banners, ads)' },
  { id: 'yzg-city-events', label: '城市事件识别（垃圾、漂浮物、积水）', en: 'city events (garbage, debris, water)' },
] as const;

/** Kinds of geometry and how to draw each. */
export const GEOMETRY_KINDS: Record<TaskGeometryKind, { label: string; hint: string; min: number }> = {
  polygon: { label: '区域', hint: '在地图上依次点击区域顶点，双击或点「完成绘制」闭合', min: 3 },
  route: { label: '航线', hint: '依次点击航线上的点，双击或点「完成绘制」结束', min: 2 },
  points: { label: '兴趣点', hint: '点击地图添加兴趣点（每点环绕拍摄）', min: 1 },
};

/** Priorities 1–3. */
export const PRIORITY_LABELS: Record<number, string> = { 1: '紧急', 2: '普通', 3: '低' };

/** What the new-task form holds. */
export interface TaskFormState {
  title: string;
  type: TaskType;
  purpose: string;
  altitudeM: number;
  frontPct: number;
  sidePct: number;
  scheduleKind: 'once' | 'recurring';
  /** Once: when (datetime-local text, China time) or '' for as soon as possible. */
  onceAt: string;
  cron: string;
  windowOn: boolean;
  windowStart: string;
  windowEnd: string;
  priority: number;
  models: string[];
}

/** The form's starting values. */
export function initialForm(): TaskFormState {
  return {
    title: '',
    type: 'river-patrol',
    purpose: '',
    altitudeM: 60,
    frontPct: DEFAULT_OVERLAP.frontPct,
    sidePct: DEFAULT_OVERLAP.sidePct,
    scheduleKind: 'once',
    onceAt: '',
    cron: CRON_PRESETS[1].cron,
    windowOn: false,
    windowStart: '08:00',
    windowEnd: '18:00',
    priority: 2,
    models: [MODEL_OPTIONS[0].id],
  };
}

/** A `datetime-local` value read as China time (UTC+8), as RFC 3339. */
export function chinaLocalToIso(local: string): string | null {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})$/.exec(local);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]) - 8, Number(m[5]));
  return new Date(ms).toISOString();
}

/** The request body, or the first thing wrong with the form (Chinese first). */
export function buildTaskBody(form: TaskFormState, kind: TaskGeometryKind, points: LonLat[]): { ok: true; body: CreateTaskBody } | { ok: false; message: string } {
  const title = form.title.trim();
  const purpose = form.purpose.trim();
  if (title.length < 2) return { ok: false, message: '请填写任务名称（至少 2 个字）/ title needed' };
  if (purpose.length < 2) return { ok: false, message: '请填写任务目的（至少 2 个字）/ purpose needed' };
  const need = GEOMETRY_KINDS[kind].min;
  if (points.length < need) return { ok: false, message: `请在地图上绘制${GEOMETRY_KINDS[kind].label}（至少 ${need} 个点）/ draw at least ${need} point(s) on the map` };
  if (!(form.altitudeM > 0 && form.altitudeM <= MAX_TRUE_HEIGHT_M)) return { ok: false, message: `飞行高度须在 1–${MAX_TRUE_HEIGHT_M} 米之间 / altitude 1–${MAX_TRUE_HEIGHT_M} m` };
  const window = form.windowOn ? { window: { start: form.windowStart, end: form.windowEnd } } : {};
  let schedule: CreateTaskBody['schedule'];
  if (form.scheduleKind === 'once') {
    const at = form.onceAt ? chinaLocalToIso(form.onceAt) : null;
    if (form.onceAt && !at) return { ok: false, message: '执行时间格式不正确 / bad time' };
    schedule = { kind: 'once', ...(at ? { at } : {}), ...window };
  } else {
    schedule = { kind: 'recurring', cron: form.cron.trim(), ...window };
  }
  return {
    ok: true,
    body: {
      title,
      type: form.type,
      purpose,
      geometry: { kind, coordinates: points } as CreateTaskBody['geometry'],
      altitudeM: form.altitudeM,
      overlap: { frontPct: form.frontPct, sidePct: form.sidePct },
      schedule,
      priority: form.priority,
      models: form.models,
    },
  };
}

/** Colour family of a status chip. */
export function statusTone(status: TaskStatus | SortieView['status']): 'wait' | 'run' | 'ok' | 'bad' | 'muted' {
  switch (status) {
    case 'submitted':
    case 'approved':
    case 'queued':
    case 'sent':
      return 'wait';
    case 'in-progress':
    case 'paused':
      return 'run';
    case 'done':
      return 'ok';
    case 'partially-done':
    case 'failed':
    case 'rejected':
      return 'bad';
    default:
      return 'muted';
  }
}

/** Progress of a sortie, percent (0–100). */
export function progressPct(p: { reached: number; total: number }): number {
  return p.total > 0 ? Math.max(0, Math.min(100, Math.round((100 * p.reached) / p.total))) : 0;
}

/** The sorties of a task's latest run (the one people follow). */
export function currentSorties(task: TaskView): SortieView[] {
  return task.runs.at(-1)?.sorties ?? [];
}

/** A time as people in Guangzhou read it (`11-22 14:05`). */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  return d.toLocaleString('zh-CN', { timeZone: 'Asia/Shanghai', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hour12: false });
}

/** How a schedule reads for people. */
export function scheduleText(s: TaskView['schedule']): string {
  const window = s.window ? `（${s.window.start}–${s.window.end}）` : '';
  if (s.kind === 'once') return `单次 ${s.at ? formatTime(s.at) : '尽快执行'}${window}`;
  const preset = CRON_PRESETS.find((p) => p.cron === s.cron);
  return `周期 ${preset ? preset.label : s.cron}${window}`;
}

/** Applies a live progress message to a task (its sortie's status and progress); the same task when it does not apply. */
export function applyTaskLive(task: TaskView, m: TaskLiveMessage): TaskView {
  if (!m.taskIds.map(String).includes(String(task.id)) || m.sortieId === null) return task;
  let changed = false;
  const runs = task.runs.map((run) => ({
    ...run,
    sorties: run.sorties.map((s) => {
      if (String(s.id) !== String(m.sortieId)) return s;
      changed = true;
      const status = (m.status as SortieView['status']) ?? s.status;
      return { ...s, status, progress: { reached: Math.max(s.progress.reached, m.reached), total: m.total || s.progress.total } };
    }),
  }));
  return changed ? { ...task, runs } : task;
}
