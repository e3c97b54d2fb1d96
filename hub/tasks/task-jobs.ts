/**
 * Durable jobs of patrol tasks on pg-boss (PostgreSQL, claimed with SKIP LOCKED, so any number of
 * hub nodes may run them and none is lost on a restart):
 * - the scheduler's tick creates each task's due run (one per occurrence: a unique key decides
 *   between nodes) and asks for planning;
 * - `task-plan` (one at a time across nodes) plans every run waiting for a sortie, merging
 *   compatible tasks into shared sorties (一飞多采), and queues their launches;
 * - `sortie-launch` launches a sortie, retried every few seconds while its dock is busy or held
 *   by the weather or the battery.
 */
import PgBoss from 'pg-boss';
import type { Clock } from '../../common/clock.ts';
import type { Logger } from '../../common/logger.ts';
import type { Pool } from '../db/pool.ts';
import type { NewSortie, RunRow, TaskRepository, TaskRow } from '../repositories/task.repository.ts';
import { LaunchDeferred, type SortieExecutor } from './sortie-executor.ts';
import { nextRun } from './task-schedule.ts';

const PLAN_QUEUE = 'task-plan';
const LAUNCH_QUEUE = 'sortie-launch';

/** Plans runs into sorties (hub/planning/ behind an adapter). */
export interface RunPlannerPort {
  /**
   * Plans the tasks of waiting runs: sorties to store (with the runs each serves), notes per task,
   * and the tasks that cannot be planned now with the reason.
   */
  planRuns(items: Array<{ run: RunRow; task: TaskRow }>): Promise<{ sorties: NewSortie[]; notes: Map<string, string[]>; failed: Map<string, string> }>;
}

/** Options of the task jobs. */
export interface TaskJobsOptions {
  pool: Pool;
  tasks: TaskRepository;
  planner: RunPlannerPort;
  executor: SortieExecutor;
  /** Task statuses may have changed. */
  settle: (runIds: string[]) => Promise<void>;
  note: (taskIds: string[], notes: string[]) => Promise<void>;
  clock: Clock;
  log: Logger;
  /** Scheduler tick, ms. */
  tickMs?: number;
  /** Seconds between launch attempts of a waiting sortie. */
  launchRetryS?: number;
}

/** Running task jobs. */
export interface TaskJobs {
  /** Queues the launch of a sortie. */
  enqueueLaunch(sortieId: string, delayS?: number): Promise<void>;
  /** One scheduler pass now (tests with a fake clock call it after moving the clock). */
  tick(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts pg-boss on the hub's pool, the workers and the scheduler tick. */
export async function startTaskJobs(o: TaskJobsOptions): Promise<TaskJobs> {
  const log = o.log.child({ module: 'task-jobs' });
  const boss = new PgBoss({ db: { executeSql: (text: string, values: unknown[]) => o.pool.query(text, values) }, schedule: false, supervise: true, migrate: true });
  boss.on('error', (err: Error) => log.warn({ err: err.message }, 'job queue error'));
  await boss.start();
  await boss.createQueue(PLAN_QUEUE, { name: PLAN_QUEUE, policy: 'stately', retryLimit: 20, retryDelay: 5 });
  await boss.createQueue(LAUNCH_QUEUE, { name: LAUNCH_QUEUE, retryLimit: 100_000, retryDelay: o.launchRetryS ?? 10, expireInSeconds: 300 });

  const enqueueLaunch = async (sortieId: string, delayS = 0) => {
    await boss.send(LAUNCH_QUEUE, { sortieId }, { singletonKey: `sortie-${sortieId}`, ...(delayS > 0 ? { startAfter: delayS } : {}) });
  };

  await boss.work<{ sortieId: string }>(LAUNCH_QUEUE, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async ([job]) => {
    try {
      await o.executor.launch(job!.data.sortieId);
    } catch (err) {
      if (err instanceof LaunchDeferred) log.info({ sortieId: job!.data.sortieId, reason: err.message }, 'launch deferred');
      else log.error({ sortieId: job!.data.sortieId, err: (err as Error).message }, 'launch failed');
      throw err; // pg-boss retries after the queue's delay
    }
  });

  await boss.work(PLAN_QUEUE, { pollingIntervalSeconds: 0.5, batchSize: 1 }, async () => {
    const waiting = await o.tasks.unplannedRuns(new Date(o.clock.nowMs()).toISOString());
    if (waiting.length === 0) return;
    const items: Array<{ run: RunRow; task: TaskRow }> = [];
    for (const run of waiting) {
      const task = await o.tasks.find(run.taskId);
      if (task) items.push({ run, task });
    }
    const { sorties, notes, failed } = await o.planner.planRuns(items);
    for (const [taskId, n] of notes) await o.note([taskId], n);
    for (const { run, task } of items) {
      const why = failed.get(task.id);
      if (!why) continue;
      await o.tasks.setRunStatus(run.id, 'failed');
      await o.note([task.id], [`规划失败：${why}`]);
      await o.settle([run.id]);
    }
    const stored = await o.tasks.insertSorties(sorties);
    for (const s of stored) await enqueueLaunch(s.id);
    await o.settle([...new Set(stored.flatMap((s) => s.runIds))]);
    log.info({ runs: items.length, sorties: stored.length }, 'runs planned');
  });

  const tick = async () => {
    const nowMs = o.clock.nowMs();
    let created = 0;
    for (const t of await o.tasks.due(new Date(nowMs).toISOString())) {
      const dueMs = Date.parse(t.nextRunAt!);
      const next = nextRun(t.schedule, dueMs);
      if (await o.tasks.createRun(t.id, t.nextRunAt!, next === null ? null : new Date(next).toISOString())) created += 1;
    }
    if (created > 0 || (await o.tasks.unplannedRuns(new Date(nowMs).toISOString(), 1)).length > 0) await boss.send(PLAN_QUEUE, {});
  };
  let ticking = false;
  const timer = setInterval(() => {
    if (ticking) return;
    ticking = true;
    tick()
      .catch((err: Error) => log.warn({ err: err.message }, 'scheduler tick failed'))
      .finally(() => (ticking = false));
  }, o.tickMs ?? 5000);

  return {
    enqueueLaunch,
    tick,
    async stop() {
      clearInterval(timer);
      await boss.stop({ graceful: true, wait: true, timeout: 5000 }).catch(() => undefined);
    },
  };
}
