/**
 * Patrol tasks (部门任务需求): what a department asks the docks to fly, the duty officer's
 * decision, and the sorties that fly it. Task statuses follow the DJI dock task lifecycle
 * (sent → in progress → paused → done | partially done | failed | cancelled | rejected), preceded
 * by the approval step.
 */
import Type, { type Static } from 'typebox';
import { CameraSpec, Overlap, TaskGeometry } from './plan.schema.ts';

/** Purposes of a patrol task. */
export const TASK_TYPES = ['river-patrol', 'city-appearance', 'waterlogging-check', 'construction-check', 'other'] as const;
/** A patrol task's purpose. */
export type TaskType = (typeof TASK_TYPES)[number];
/** Chinese names of the task types. */
export const TASK_TYPE_LABELS_ZH: Record<TaskType, string> = {
  'river-patrol': '河涌巡查',
  'city-appearance': '市容巡查',
  'waterlogging-check': '积水排查',
  'construction-check': '工地巡查',
  other: '其他',
};

/** Statuses of a task. `submitted` waits for the duty officer; `approved` waits for its (next) run. */
export const TASK_STATUSES = ['submitted', 'approved', 'rejected', 'sent', 'in-progress', 'paused', 'done', 'partially-done', 'failed', 'cancelled'] as const;
/** A task's status. */
export type TaskStatus = (typeof TASK_STATUSES)[number];
/** Chinese names of the task statuses. */
export const TASK_STATUS_LABELS_ZH: Record<TaskStatus, string> = {
  submitted: '待审批',
  approved: '已排期',
  rejected: '已驳回',
  sent: '已下发',
  'in-progress': '执行中',
  paused: '已暂停',
  done: '已完成',
  'partially-done': '部分完成',
  failed: '失败',
  cancelled: '已取消',
};
/** Statuses after which a task changes no more. */
export const TASK_FINAL_STATUSES: readonly TaskStatus[] = ['rejected', 'done', 'partially-done', 'failed', 'cancelled'];

/** Statuses of one sortie (one flight of one dock). */
export const SORTIE_STATUSES = ['queued', 'sent', 'in-progress', 'paused', 'done', 'partially-done', 'failed', 'cancelled'] as const;
/** A sortie's status. */
export type SortieStatus = (typeof SORTIE_STATUSES)[number];

/** Detection models a department may ask to run on its imagery (ids of the model registry). */
export const TaskModelId = Type.String({ pattern: '^[a-z0-9][a-z0-9._-]{0,63}$' });

const Ts = Type.String({ format: 'date-time', maxLength: 40 });
const HhMm = Type.String({ pattern: '^([01][0-9]|2[0-3]):[0-5][0-9]$' });

/**
 * When a task flies: once (as soon as possible, or at `at`), or recurring by a five-field cron
 * rule (minute hour day-of-month month day-of-week, Asia/Shanghai) between `from` and `until`.
 * `window` limits launches to a time of day (e.g. 08:00–18:00).
 */
export const TaskSchedule = Type.Union([
  Type.Object({ kind: Type.Literal('once'), at: Type.Optional(Ts), window: Type.Optional(Type.Object({ start: HhMm, end: HhMm }, { additionalProperties: false })) }, { additionalProperties: false }),
  Type.Object(
    {
      kind: Type.Literal('recurring'),
      cron: Type.String({ minLength: 9, maxLength: 100 }),
      from: Type.Optional(Ts),
      until: Type.Optional(Ts),
      window: Type.Optional(Type.Object({ start: HhMm, end: HhMm }, { additionalProperties: false })),
    },
    { additionalProperties: false },
  ),
]);
/** When a task flies. */
export type TaskSchedule = Static<typeof TaskSchedule>;

/** Body of `POST /api/v1/tasks` (a department submits). */
export const CreateTaskBody = Type.Object(
  {
    title: Type.String({ minLength: 2, maxLength: 80 }),
    type: Type.Unsafe<TaskType>({ type: 'string', enum: [...TASK_TYPES] }),
    purpose: Type.String({ minLength: 2, maxLength: 500 }),
    geometry: TaskGeometry,
    /** True height above the dock, metres; the planner refuses above 120 m. */
    altitudeM: Type.Number({ minimum: 1, maximum: 1000 }),
    overlap: Type.Optional(Overlap),
    camera: Type.Optional(CameraSpec),
    schedule: TaskSchedule,
    /** 1 = urgent, 2 = normal, 3 = low. */
    priority: Type.Integer({ minimum: 1, maximum: 3 }),
    models: Type.Array(TaskModelId, { maxItems: 8, uniqueItems: true }),
  },
  { additionalProperties: false },
);
/** A department's task request. */
export type CreateTaskBody = Static<typeof CreateTaskBody>;

/** Body of `POST /api/v1/tasks/:id/decision` (the duty officer). */
export const TaskDecisionBody = Type.Union([
  Type.Object({ decision: Type.Literal('approve') }, { additionalProperties: false }),
  Type.Object({ decision: Type.Literal('reject'), reason: Type.String({ minLength: 2, maxLength: 500 }) }, { additionalProperties: false }),
]);
/** The duty officer's decision. */
export type TaskDecisionBody = Static<typeof TaskDecisionBody>;

/** Body of `POST /api/v1/tasks/:id/control` (pause, resume or cancel from the cockpit). */
export const TaskControlBody = Type.Object(
  {
    action: Type.Unsafe<'pause' | 'resume' | 'cancel'>({ type: 'string', enum: ['pause', 'resume', 'cancel'] }),
    reason: Type.Optional(Type.String({ maxLength: 500 })),
  },
  { additionalProperties: false },
);
/** A control action on a running task. */
export type TaskControlBody = Static<typeof TaskControlBody>;

/** Query of `GET /api/v1/tasks`. */
export const TaskListQuery = Type.Object(
  {
    status: Type.Optional(Type.Unsafe<TaskStatus>({ type: 'string', enum: [...TASK_STATUSES] })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500 })),
  },
  { additionalProperties: false },
);
/** Query of the task list. */
export type TaskListQuery = Static<typeof TaskListQuery>;

/** A sortie as the task pages show it. */
export interface SortieView {
  id: string;
  dockSn: string;
  status: SortieStatus;
  /** Index of this sortie among the run's sorties (1-based) and how many there are. */
  part: number;
  parts: number;
  /** Mission items reached / total. */
  progress: { reached: number; total: number };
  estDurationS: number;
  startedAt: string | null;
  endedAt: string | null;
  reason: string | null;
  /** The planned path, [lon, lat, altRelM]. */
  path: Array<[number, number, number]>;
  /** Other departments' tasks flown in the same sortie (一飞多采). */
  taskIds: string[];
  photos: number;
}

/** One run of a task (a recurring task has one per occurrence). */
export interface TaskRunView {
  id: string;
  dueAt: string;
  status: TaskStatus;
  sorties: SortieView[];
}

/** A task as its department and the duty officer see it. */
export interface TaskView {
  id: string;
  title: string;
  type: TaskType;
  purpose: string;
  geometry: TaskGeometry;
  altitudeM: number;
  overlap: Static<typeof Overlap>;
  schedule: TaskSchedule;
  priority: number;
  models: string[];
  status: TaskStatus;
  orgUnit: string;
  submittedBy: string;
  decidedBy: string | null;
  rejectReason: string | null;
  createdAt: string;
  updatedAt: string;
  nextRunAt: string | null;
  runs: TaskRunView[];
  mediaCount: number;
  /** Planner notes for people (dock chosen and why, detours, sorties). */
  notes: string[];
}

/** Live messages of patrol tasks (progress of their sorties), on the WebSocket. */
export type TaskLiveMessage = {
  type: 'task';
  taskIds: string[];
  sortieId: string | null;
  dockSn: string | null;
  status: TaskStatus | SortieStatus;
  reached: number;
  total: number;
  message: string;
  ts: string;
};
