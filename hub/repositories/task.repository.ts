/** Patrol tasks, their runs and the sorties that fly them (`patrol_task`, `task_run`, `sortie`, `sortie_run`). */
import type { Pool } from '../db/pool.ts';
import { withTransaction } from '../db/transaction.ts';
import type { CameraSpec, Overlap, TaskGeometry } from '../../protocol/plan.schema.ts';
import type { SortieStatus, TaskSchedule, TaskStatus, TaskType } from '../../protocol/task.schema.ts';
import type { ImagePose } from '../../protocol/media.schema.ts';

/** A stored task. */
export interface TaskRow {
  id: string;
  title: string;
  type: TaskType;
  purpose: string;
  geometry: TaskGeometry;
  bbox: number[];
  altitudeM: number;
  overlap: Overlap;
  camera: CameraSpec;
  schedule: TaskSchedule;
  priority: number;
  models: string[];
  status: TaskStatus;
  orgUnit: string;
  submittedBy: string;
  decidedBy: string | null;
  rejectReason: string | null;
  notes: string[];
  nextRunAt: string | null;
  createdAt: string;
  updatedAt: string;
}

/** A new task. */
export type NewTask = Omit<TaskRow, 'id' | 'status' | 'decidedBy' | 'rejectReason' | 'notes' | 'nextRunAt' | 'createdAt' | 'updatedAt'>;

/** A stored run. */
export interface RunRow {
  id: string;
  taskId: string;
  dueAt: string;
  status: TaskStatus;
}

/** A stored sortie. */
export interface SortieRow {
  id: string;
  dockSn: string;
  status: SortieStatus;
  part: number;
  parts: number;
  path: Array<[number, number, number]>;
  mission: unknown[];
  estDurationS: number;
  reached: number;
  total: number;
  continues: string | null;
  flightId: number | null;
  reason: string | null;
  startedAt: string | null;
  endedAt: string | null;
  runIds: string[];
  taskIds: string[];
}

/** A sortie to store. */
export interface NewSortie {
  dockSn: string;
  part: number;
  parts: number;
  path: Array<[number, number, number]>;
  mission: unknown[];
  estDurationS: number;
  total: number;
  continues?: string;
  runIds: string[];
}

const iso = (v: Date | string | null): string | null => (v === null ? null : new Date(v).toISOString());

const TASK_COLUMNS = `id::text, title, type, purpose, geometry, bbox, altitude_m AS "altitudeM", overlap, camera, schedule, priority, models, status,
  org_unit AS "orgUnit", submitted_by AS "submittedBy", decided_by AS "decidedBy", reject_reason AS "rejectReason", notes,
  next_run_at AS "nextRunAt", created_at AS "createdAt", updated_at AS "updatedAt"`;

function task(r: TaskRow & { nextRunAt: Date | string | null; createdAt: Date | string; updatedAt: Date | string }): TaskRow {
  return { ...r, nextRunAt: iso(r.nextRunAt), createdAt: iso(r.createdAt)!, updatedAt: iso(r.updatedAt)! };
}

const SORTIE_COLUMNS = `s.id::text, s.dock_sn AS "dockSn", s.status, s.part, s.parts, s.path, s.mission, s.est_duration_s AS "estDurationS",
  s.reached, s.total, s.continues::text, s.flight_id::int AS "flightId", s.reason, s.started_at AS "startedAt", s.ended_at AS "endedAt",
  coalesce((SELECT array_agg(sr.run_id::text ORDER BY sr.run_id) FROM sortie_run sr WHERE sr.sortie_id = s.id), '{}') AS "runIds",
  coalesce((SELECT array_agg(DISTINCT r.task_id::text) FROM sortie_run sr JOIN task_run r ON r.id = sr.run_id WHERE sr.sortie_id = s.id), '{}') AS "taskIds"`;

function sortie(r: SortieRow & { startedAt: Date | string | null; endedAt: Date | string | null }): SortieRow {
  return { ...r, startedAt: iso(r.startedAt), endedAt: iso(r.endedAt) };
}

/** Reads and writes tasks, runs and sorties. */
export class TaskRepository {
  constructor(private readonly db: Pool) {}

  /** Stores a submitted task. */
  async insert(t: NewTask): Promise<TaskRow> {
    const r = await this.db.query(
      `INSERT INTO patrol_task (title, type, purpose, geometry, bbox, altitude_m, overlap, camera, schedule, priority, models, status, org_unit, submitted_by)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, 'submitted', $12, $13) RETURNING ${TASK_COLUMNS}`,
      [t.title, t.type, t.purpose, JSON.stringify(t.geometry), t.bbox, t.altitudeM, JSON.stringify(t.overlap), JSON.stringify(t.camera), JSON.stringify(t.schedule), t.priority, t.models, t.orgUnit, t.submittedBy],
    );
    return task(r.rows[0]);
  }

  /** One task, or null. */
  async find(id: string): Promise<TaskRow | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const r = await this.db.query(`SELECT ${TASK_COLUMNS} FROM patrol_task WHERE id = $1`, [id]);
    return r.rows[0] ? task(r.rows[0]) : null;
  }

  /** Tasks, newest first; `orgUnit` limits them to one department's. */
  async list(q: { orgUnit?: string; status?: TaskStatus; limit: number }): Promise<TaskRow[]> {
    const r = await this.db.query(
      `SELECT ${TASK_COLUMNS} FROM patrol_task WHERE ($1::text IS NULL OR org_unit = $1) AND ($2::text IS NULL OR status = $2) ORDER BY id DESC LIMIT $3`,
      [q.orgUnit ?? null, q.status ?? null, q.limit],
    );
    return r.rows.map(task);
  }

  /** Changes a task's status only from one of `from` (a compare-and-set); the row after, or null. */
  async transition(id: string, from: readonly TaskStatus[], to: TaskStatus, set: { decidedBy?: string; rejectReason?: string; nextRunAt?: string | null } = {}): Promise<TaskRow | null> {
    const r = await this.db.query(
      `UPDATE patrol_task SET status = $3, updated_at = now(),
              decided_by = coalesce($4, decided_by), reject_reason = coalesce($5, reject_reason),
              next_run_at = CASE WHEN $6::boolean THEN $7::timestamptz ELSE next_run_at END
        WHERE id = $1 AND status = ANY($2) RETURNING ${TASK_COLUMNS}`,
      [id, from, to, set.decidedBy ?? null, set.rejectReason ?? null, 'nextRunAt' in set, set.nextRunAt ?? null],
    );
    return r.rows[0] ? task(r.rows[0]) : null;
  }

  /** Sets a task's status (after its runs changed) and appends planner notes. */
  async setStatus(id: string, status: TaskStatus, notes: string[] = []): Promise<void> {
    await this.db.query(`UPDATE patrol_task SET status = $2, notes = notes || $3::text[], updated_at = now() WHERE id = $1`, [id, status, notes]);
  }

  /**
   * Creates the run due at `dueAt` and moves the task's next run to `nextRunAt`, in one
   * transaction; when another node already created it, returns null.
   */
  async createRun(taskId: string, dueAt: string, nextRunAt: string | null): Promise<RunRow | null> {
    return withTransaction(this.db, async (c) => {
      const r = await c.query(
        `INSERT INTO task_run (task_id, due_at, status) VALUES ($1, $2, 'approved') ON CONFLICT (task_id, due_at) DO NOTHING
         RETURNING id::text, task_id::text AS "taskId", due_at AS "dueAt", status`,
        [taskId, dueAt],
      );
      await c.query(`UPDATE patrol_task SET next_run_at = $2, updated_at = now() WHERE id = $1`, [taskId, nextRunAt]);
      const row = r.rows[0];
      return row ? { ...row, dueAt: iso(row.dueAt)! } : null;
    });
  }

  /** Approved tasks whose next run is due at `nowIso`. */
  async due(nowIso: string, limit = 100): Promise<TaskRow[]> {
    const r = await this.db.query(`SELECT ${TASK_COLUMNS} FROM patrol_task WHERE next_run_at <= $1 AND status NOT IN ('submitted', 'rejected', 'cancelled') ORDER BY next_run_at LIMIT $2`, [nowIso, limit]);
    return r.rows.map(task);
  }

  /** Runs of the given tasks, newest first. */
  async runs(taskIds: string[]): Promise<RunRow[]> {
    const r = await this.db.query(`SELECT id::text, task_id::text AS "taskId", due_at AS "dueAt", status FROM task_run WHERE task_id = ANY($1::bigint[]) ORDER BY due_at DESC, id DESC`, [taskIds]);
    return r.rows.map((x) => ({ ...x, dueAt: iso(x.dueAt)! }));
  }

  /** One run. */
  async findRun(id: string): Promise<RunRow | null> {
    const r = await this.db.query(`SELECT id::text, task_id::text AS "taskId", due_at AS "dueAt", status FROM task_run WHERE id = $1`, [id]);
    return r.rows[0] ? { ...r.rows[0], dueAt: iso(r.rows[0].dueAt)! } : null;
  }

  /** Sets a run's status. */
  async setRunStatus(id: string, status: TaskStatus): Promise<void> {
    await this.db.query(`UPDATE task_run SET status = $2, updated_at = now() WHERE id = $1`, [id, status]);
  }

  /** Runs waiting to be planned (approved, no sortie yet) that are due, oldest first. */
  async unplannedRuns(nowIso: string, limit = 50): Promise<RunRow[]> {
    const r = await this.db.query(
      `SELECT r.id::text, r.task_id::text AS "taskId", r.due_at AS "dueAt", r.status FROM task_run r
        WHERE r.status = 'approved' AND r.due_at <= $1 AND NOT EXISTS (SELECT 1 FROM sortie_run sr WHERE sr.run_id = r.id)
        ORDER BY r.due_at, r.id LIMIT $2`,
      [nowIso, limit],
    );
    return r.rows.map((x) => ({ ...x, dueAt: iso(x.dueAt)! }));
  }

  /** Stores sorties serving runs, and marks the runs sent; all or nothing. */
  async insertSorties(list: NewSortie[]): Promise<SortieRow[]> {
    const ids = await withTransaction(this.db, async (c) => {
      const out: string[] = [];
      for (const s of list) {
        const r = await c.query<{ id: string }>(
          `INSERT INTO sortie (dock_sn, status, part, parts, path, mission, est_duration_s, total, continues) VALUES ($1, 'queued', $2, $3, $4, $5, $6, $7, $8) RETURNING id::text`,
          [s.dockSn, s.part, s.parts, JSON.stringify(s.path), JSON.stringify(s.mission), s.estDurationS, s.total, s.continues ?? null],
        );
        const id = r.rows[0]!.id;
        await c.query(`INSERT INTO sortie_run (sortie_id, run_id) SELECT $1, unnest($2::bigint[]) ON CONFLICT DO NOTHING`, [id, s.runIds]);
        await c.query(`UPDATE task_run SET status = 'sent', updated_at = now() WHERE id = ANY($1::bigint[]) AND status = 'approved'`, [s.runIds]);
        out.push(id);
      }
      return out;
    });
    return Promise.all(ids.map(async (id) => (await this.findSortie(id))!));
  }

  /** One sortie. */
  async findSortie(id: string): Promise<SortieRow | null> {
    if (!/^\d{1,18}$/.test(id)) return null;
    const r = await this.db.query(`SELECT ${SORTIE_COLUMNS} FROM sortie s WHERE s.id = $1`, [id]);
    return r.rows[0] ? sortie(r.rows[0]) : null;
  }

  /** Sorties serving any of the runs. */
  async sortiesOfRuns(runIds: string[]): Promise<SortieRow[]> {
    const r = await this.db.query(`SELECT ${SORTIE_COLUMNS} FROM sortie s WHERE s.id IN (SELECT sortie_id FROM sortie_run WHERE run_id = ANY($1::bigint[])) ORDER BY s.id`, [runIds]);
    return r.rows.map(sortie);
  }

  /** Sorties not finished yet, oldest first (optionally of one dock). */
  async openSorties(dockSn?: string): Promise<SortieRow[]> {
    const r = await this.db.query(`SELECT ${SORTIE_COLUMNS} FROM sortie s WHERE s.status IN ('queued', 'sent', 'in-progress', 'paused') AND ($1::text IS NULL OR s.dock_sn = $1) ORDER BY s.id`, [dockSn ?? null]);
    return r.rows.map(sortie);
  }

  /** Updates a sortie's progress and status; `reached` never goes back. */
  async updateSortie(id: string, u: { status?: SortieStatus; reached?: number; reason?: string | null; started?: boolean; ended?: boolean; flightId?: number }): Promise<void> {
    await this.db.query(
      `UPDATE sortie SET status = coalesce($2, status), reached = greatest(reached, coalesce($3, reached)),
              reason = CASE WHEN $4::boolean THEN $5 ELSE reason END,
              started_at = CASE WHEN $6 AND started_at IS NULL THEN now() ELSE started_at END,
              ended_at = CASE WHEN $7 THEN now() ELSE ended_at END,
              flight_id = coalesce($8, flight_id), updated_at = now()
        WHERE id = $1`,
      [id, u.status ?? null, u.reached ?? null, 'reason' in u, u.reason ?? null, u.started ?? false, u.ended ?? false, u.flightId ?? null],
    );
  }

  /** Runs a sortie serves, with their sibling sorties' statuses (to settle a run). */
  async runSortieStatuses(runId: string): Promise<SortieStatus[]> {
    const r = await this.db.query<{ status: SortieStatus }>(
      `SELECT s.status FROM sortie s JOIN sortie_run sr ON sr.sortie_id = s.id WHERE sr.run_id = $1
         AND NOT EXISTS (SELECT 1 FROM sortie c WHERE c.continues = s.id)`,
      [runId],
    );
    return r.rows.map((x) => x.status);
  }

  /** Takes or renews the watch of open sorties for `owner` for `seconds`: its own, and those whose lease lapsed (SKIP LOCKED). */
  async lease(owner: string, seconds: number, ids?: string[]): Promise<string[]> {
    const r = await this.db.query<{ id: string }>(
      `WITH c AS (
         SELECT id FROM sortie
          WHERE status IN ('sent', 'in-progress', 'paused') AND ($3::bigint[] IS NULL OR id = ANY($3))
            AND (lease_owner = $1 OR lease_until IS NULL OR lease_until < now())
          FOR UPDATE SKIP LOCKED)
       UPDATE sortie s SET lease_owner = $1, lease_until = now() + make_interval(secs => $2) FROM c WHERE s.id = c.id RETURNING s.id::text`,
      [owner, seconds, ids ?? null],
    );
    return r.rows.map((x) => x.id);
  }

  /** Gives up the watch of a sortie. */
  async release(id: string, owner: string): Promise<void> {
    await this.db.query(`UPDATE sortie SET lease_owner = NULL, lease_until = NULL WHERE id = $1 AND lease_owner = $2`, [id, owner]);
  }

  /** Ids of a unit's tasks. */
  async idsOfUnit(orgUnit: string): Promise<string[]> {
    const r = await this.db.query<{ id: string }>(`SELECT id::text FROM patrol_task WHERE org_unit = $1`, [orgUnit]);
    return r.rows.map((x) => x.id);
  }

  /** Images filed under each task. */
  async mediaCountByTask(taskIds: string[]): Promise<Map<string, number>> {
    const r = await this.db.query<{ id: string; n: number }>(`SELECT task_id::text AS id, count(*)::int AS n FROM media_task WHERE task_id = ANY($1::bigint[]) GROUP BY task_id`, [taskIds]);
    return new Map(r.rows.map((x) => [x.id, x.n]));
  }

  /** Images taken on each sortie. */
  async mediaCountBySortie(sortieIds: string[]): Promise<Map<string, number>> {
    const r = await this.db.query<{ id: string; n: number }>(`SELECT sortie_id::text AS id, count(*)::int AS n FROM media WHERE sortie_id = ANY($1::bigint[]) GROUP BY sortie_id`, [sortieIds]);
    return new Map(r.rows.map((x) => [x.id, x.n]));
  }

  /** Images of sorties that are filed under no task yet, older than a few seconds (the listener had its chance). */
  async unfiledMedia(limit: number): Promise<Array<{ id: number; sortieId: number; pose: ImagePose }>> {
    const r = await this.db.query(
      `SELECT m.id::int, m.sortie_id::int AS "sortieId", m.pose FROM media m
        WHERE m.sortie_id IS NOT NULL AND m.created_at < now() - interval '5 seconds'
          AND NOT EXISTS (SELECT 1 FROM media_task mt WHERE mt.media_id = m.id)
          AND EXISTS (SELECT 1 FROM sortie_run sr WHERE sr.sortie_id = m.sortie_id)
        ORDER BY m.id LIMIT $1`,
      [limit],
    );
    return r.rows;
  }
}
