/**
 * Patrol tasks (部门任务需求): a department submits; the planner checks the request at once (a
 * self-intersecting area, 300 m, a route that cannot avoid a keep-out zone are refused with the
 * reason); the duty officer approves or rejects with a reason; the scheduler creates runs; the
 * department follows the status of its runs and sorties and sees its media. Every change is audited.
 */
import { defineErrors } from '../../common/errors.ts';
import type { Clock } from '../../common/clock.ts';
import type { Logger } from '../../common/logger.ts';
import { DEFAULT_CAMERA, DEFAULT_OVERLAP, type PlanRequest, type TaskGeometry } from '../../protocol/plan.schema.ts';
import {
  TASK_FINAL_STATUSES,
  TASK_STATUS_LABELS_ZH,
  type CreateTaskBody,
  type SortieStatus,
  type SortieView,
  type TaskControlBody,
  type TaskDecisionBody,
  type TaskListQuery,
  type TaskStatus,
  type TaskView,
} from '../../protocol/task.schema.ts';
import type { Role } from '../../protocol/roles.ts';
import type { AuditRepository } from '../repositories/audit.repository.ts';
import type { RunRow, SortieRow, TaskRepository, TaskRow } from '../repositories/task.repository.ts';
import { checkSchedule, firstRun } from '../tasks/task-schedule.ts';

/** Errors of patrol tasks. */
export const TaskErrors = defineErrors({
  TASK_NOT_FOUND: { status: 404, message: '任务不存在 / no such task' },
  TASK_FORBIDDEN: { status: 403, message: '无权查看或操作该任务 / not allowed for this task' },
  TASK_NOT_PENDING: { status: 409, message: '任务不在待审批状态 / the task is not waiting for a decision' },
  TASK_NOT_ACTIVE: { status: 409, message: '任务当前不可暂停、继续或取消 / the task cannot be paused, resumed or cancelled now' },
});

/** Who acts on a task. */
export interface TaskActor {
  username: string;
  role: Role;
  /** The person's organisation unit code (a department's, e.g. `dept:water`). */
  unit: string | null;
  ip?: string;
}

/** The planner as the task service needs it (hub/planning/ behind an adapter). */
export interface TaskPlannerPort {
  /** Throws a catalogue error when the task can never be flown as drawn. */
  check(req: PlanRequest): void;
}

/** Pause, resume and cancel of running sorties (the sortie executor). */
export interface SortieControlPort {
  control(sortie: SortieRow, action: TaskControlBody['action'], by: string): Promise<{ ok: boolean; message: string }>;
}

/** Counts of media per task (the media service), when it runs. */
export interface TaskMediaPort {
  countByTask(taskIds: string[]): Promise<Map<string, number>>;
  countBySortie(sortieIds: string[]): Promise<Map<string, number>>;
}

/** Roles that see every task; a department sees its own unit's. */
const SEE_ALL: readonly Role[] = ['admin', 'duty_officer', 'operator', 'leader'];
/** Roles that decide on tasks and control running ones. */
export const TASK_DECIDERS = ['duty_officer', 'admin'] as const;
/** Roles that may submit tasks. */
export const TASK_SUBMITTERS = ['department', 'duty_officer', 'admin'] as const;

/** The bounding box [minLon, minLat, maxLon, maxLat] of a geometry. */
export function geometryBbox(g: TaskGeometry): number[] {
  const xs = g.coordinates.map((c) => c[0]);
  const ys = g.coordinates.map((c) => c[1]);
  return [Math.min(...xs), Math.min(...ys), Math.max(...xs), Math.max(...ys)];
}

/** The planner's request for a stored task. */
export function planRequestOf(t: TaskRow): PlanRequest {
  return { taskId: t.id, geometry: t.geometry, altitudeM: t.altitudeM, overlap: t.overlap, camera: t.camera };
}

/** The task service. */
export class TaskService {
  private sorties: SortieControlPort | undefined;
  private media: TaskMediaPort | undefined;

  constructor(
    private readonly repo: TaskRepository,
    private readonly planner: TaskPlannerPort,
    private readonly audit: AuditRepository,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  /** Connects the sortie executor and the media service (the composition root, after start). */
  attach(p: { sorties?: SortieControlPort; media?: TaskMediaPort }): void {
    if (p.sorties) this.sorties = p.sorties;
    if (p.media) this.media = p.media;
  }

  /** A department submits a task; refused at once when it can never be flown. */
  async submit(body: CreateTaskBody, actor: TaskActor): Promise<TaskView> {
    const overlap = body.overlap ?? DEFAULT_OVERLAP;
    const camera = body.camera ?? DEFAULT_CAMERA;
    this.planner.check({ taskId: 'new', geometry: body.geometry, altitudeM: body.altitudeM, overlap, camera });
    checkSchedule(body.schedule, this.clock.nowMs());
    const t = await this.repo.insert({
      title: body.title,
      type: body.type,
      purpose: body.purpose,
      geometry: body.geometry,
      bbox: geometryBbox(body.geometry),
      altitudeM: body.altitudeM,
      overlap,
      camera,
      schedule: body.schedule,
      priority: body.priority,
      models: body.models,
      orgUnit: actor.unit ?? 'district:ops',
      submittedBy: actor.username,
    });
    await this.audit.append({ actorKind: 'user', actor: actor.username, action: 'task.submit', target: `task:${t.id}`, outcome: 'ok', details: { title: t.title, type: t.type, geometry: t.geometry.kind }, ip: actor.ip });
    this.log.info({ taskId: t.id, by: actor.username }, 'task submitted');
    return this.view(t);
  }

  /** Tasks the person may see, newest first. */
  async list(q: TaskListQuery, actor: TaskActor): Promise<TaskView[]> {
    const orgUnit = SEE_ALL.includes(actor.role) ? undefined : (actor.unit ?? '-');
    const rows = await this.repo.list({ ...(orgUnit ? { orgUnit } : {}), ...(q.status ? { status: q.status } : {}), limit: q.limit ?? 100 });
    return this.views(rows);
  }

  /** One task with its runs, sorties and media count. */
  async get(id: string, actor: TaskActor): Promise<TaskView> {
    return (await this.views([await this.visible(id, actor)]))[0]!;
  }

  /** The duty officer approves (the first run is scheduled) or rejects with a reason. */
  async decide(id: string, body: TaskDecisionBody, actor: TaskActor): Promise<TaskView> {
    const t = await this.visible(id, actor);
    let after: TaskRow | null;
    if (body.decision === 'approve') {
      const first = firstRun(t.schedule, this.clock.nowMs());
      after = await this.repo.transition(t.id, ['submitted'], 'approved', { decidedBy: actor.username, nextRunAt: first === null ? null : new Date(first).toISOString() });
    } else {
      after = await this.repo.transition(t.id, ['submitted'], 'rejected', { decidedBy: actor.username, rejectReason: body.reason, nextRunAt: null });
    }
    if (!after) throw TaskErrors.TASK_NOT_PENDING(`任务当前状态为「${TASK_STATUS_LABELS_ZH[t.status]}」/ the task is ${t.status}`);
    await this.audit.append({ actorKind: 'user', actor: actor.username, action: `task.${body.decision}`, target: `task:${t.id}`, outcome: 'ok', details: body.decision === 'reject' ? { reason: body.reason } : { nextRunAt: after.nextRunAt }, ip: actor.ip });
    return this.get(id, actor);
  }

  /** Pauses, resumes or cancels a task: its open sorties, and for cancel its future runs. */
  async control(id: string, body: TaskControlBody, actor: TaskActor): Promise<TaskView> {
    const t = await this.visible(id, actor);
    if (TASK_FINAL_STATUSES.includes(t.status) || t.status === 'submitted') throw TaskErrors.TASK_NOT_ACTIVE(`任务当前状态为「${TASK_STATUS_LABELS_ZH[t.status]}」/ the task is ${t.status}`);
    const runs = await this.repo.runs([t.id]);
    const open = (await this.repo.sortiesOfRuns(runs.map((r) => r.id))).filter((s) => ['queued', 'sent', 'in-progress', 'paused'].includes(s.status));
    const results: string[] = [];
    for (const s of open) {
      const r = this.sorties ? await this.sorties.control(s, body.action, actor.username) : { ok: false, message: '执行器未运行 / the executor is not running' };
      results.push(`#${s.id} ${r.message}`);
    }
    if (body.action === 'cancel') {
      for (const r of runs) if (!TASK_FINAL_STATUSES.includes(r.status)) await this.repo.setRunStatus(r.id, 'cancelled');
      await this.repo.transition(t.id, [t.status], 'cancelled', { nextRunAt: null });
    } else if (open.length === 0) {
      throw TaskErrors.TASK_NOT_ACTIVE('没有正在执行的架次 / no sortie is flying for this task');
    }
    await this.audit.append({ actorKind: 'user', actor: actor.username, action: `task.${body.action}`, target: `task:${t.id}`, outcome: 'ok', details: { reason: body.reason, sorties: results }, ip: actor.ip });
    return this.get(id, actor);
  }

  /** Settles a run's status from its sorties' (the latest of each chain), then the task's from its runs. */
  async settleRun(runId: string): Promise<void> {
    const run = await this.repo.findRun(runId);
    if (!run) return;
    const statuses = await this.repo.runSortieStatuses(runId);
    const status = runStatusOf(statuses);
    if (status && status !== run.status && !(run.status === 'cancelled')) await this.repo.setRunStatus(runId, status);
    const t = await this.repo.find(run.taskId);
    if (!t || t.status === 'cancelled' || t.status === 'rejected') return;
    const runs = await this.repo.runs([t.id]);
    const latest = runs[0];
    if (!latest) return;
    // A recurring task with runs to come goes back to `approved` between runs.
    const taskStatus: TaskStatus = TASK_FINAL_STATUSES.includes(latest.status) && t.nextRunAt !== null ? 'approved' : latest.status;
    if (taskStatus !== t.status) await this.repo.setStatus(t.id, taskStatus);
  }

  /** Adds notes for people (planner decisions) to tasks. */
  async note(taskIds: string[], notes: string[]): Promise<void> {
    for (const id of taskIds) {
      const t = await this.repo.find(id);
      if (t) await this.repo.setStatus(id, t.status, notes);
    }
  }

  private async visible(id: string, actor: TaskActor): Promise<TaskRow> {
    const t = await this.repo.find(id);
    if (!t) throw TaskErrors.TASK_NOT_FOUND(undefined, { id });
    if (!SEE_ALL.includes(actor.role) && t.orgUnit !== actor.unit) throw TaskErrors.TASK_FORBIDDEN();
    return t;
  }

  private async views(rows: TaskRow[]): Promise<TaskView[]> {
    if (rows.length === 0) return [];
    const runs = await this.repo.runs(rows.map((t) => t.id));
    const sorties = await this.repo.sortiesOfRuns(runs.map((r) => r.id));
    const mediaByTask = (await this.media?.countByTask(rows.map((t) => t.id))) ?? new Map<string, number>();
    const mediaBySortie = (await this.media?.countBySortie(sorties.map((s) => s.id))) ?? new Map<string, number>();
    return rows.map((t) => this.view(t, runs.filter((r) => r.taskId === t.id), sorties, mediaByTask.get(t.id) ?? 0, mediaBySortie));
  }

  private view(t: TaskRow, runs: RunRow[] = [], sorties: SortieRow[] = [], mediaCount = 0, mediaBySortie = new Map<string, number>()): TaskView {
    return {
      id: t.id,
      title: t.title,
      type: t.type,
      purpose: t.purpose,
      geometry: t.geometry,
      altitudeM: t.altitudeM,
      overlap: t.overlap,
      schedule: t.schedule,
      priority: t.priority,
      models: t.models,
      status: t.status,
      orgUnit: t.orgUnit,
      submittedBy: t.submittedBy,
      decidedBy: t.decidedBy,
      rejectReason: t.rejectReason,
      createdAt: t.createdAt,
      updatedAt: t.updatedAt,
      nextRunAt: t.nextRunAt,
      notes: t.notes,
      mediaCount,
      runs: runs.map((r) => ({ id: r.id, dueAt: r.dueAt, status: r.status, sorties: sorties.filter((s) => s.runIds.includes(r.id)).map((s) => sortieView(s, t.id, mediaBySortie.get(s.id) ?? 0)) })),
    };
  }
}

/** A sortie for the task pages. */
function sortieView(s: SortieRow, taskId: string, photos: number): SortieView {
  return {
    id: s.id,
    dockSn: s.dockSn,
    status: s.status,
    part: s.part,
    parts: s.parts,
    progress: { reached: s.reached, total: s.total },
    estDurationS: s.estDurationS,
    startedAt: s.startedAt,
    endedAt: s.endedAt,
    reason: s.reason,
    path: s.path,
    taskIds: s.taskIds.filter((id) => id !== taskId),
    photos,
  };
}

/** A run's status from the statuses of its sorties (the latest of each continuation chain). */
export function runStatusOf(statuses: SortieStatus[]): TaskStatus | null {
  if (statuses.length === 0) return null;
  if (statuses.some((s) => s === 'in-progress')) return 'in-progress';
  if (statuses.some((s) => s === 'paused')) return 'paused';
  if (statuses.some((s) => s === 'queued' || s === 'sent')) return statuses.some((s) => s === 'done' || s === 'partially-done') ? 'in-progress' : 'sent';
  if (statuses.every((s) => s === 'done')) return 'done';
  if (statuses.every((s) => s === 'cancelled')) return 'cancelled';
  if (statuses.every((s) => s === 'failed')) return 'failed';
  return statuses.some((s) => s === 'done' || s === 'partially-done') ? 'partially-done' : 'failed';
}
