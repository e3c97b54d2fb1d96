/**
 * Patrol tasks of one hub node, composed: the task service, the planner behind its adapter, the
 * durable jobs (scheduler, planning, launches) and the sortie executor. The ground station is
 * attached once the dock operations run.
 */
import { systemClock, type Clock } from '../../common/clock.ts';
import type { Logger } from '../../common/logger.ts';
import type { Pool } from '../db/pool.ts';
import type { DockOperationsPort } from '../docks/dock-operations.ts';
import type { LiveBus } from '../live/live-bus.ts';
import { TaskRepository } from '../repositories/task.repository.ts';
import type { HubServices } from '../services/index.ts';
import { TaskService } from '../services/task.service.ts';
import { PatrolPlanner } from './patrol-planner.ts';
import { SortieExecutor } from './sortie-executor.ts';
import { startTaskJobs, type TaskJobs } from './task-jobs.ts';
import { fileUnfiledMedia, mediaAccess, mediaFiler } from './media-filing.ts';
import type { MediaService } from '../services/media.service.ts';

/** Timings of the patrol machinery (tests shorten them). */
export interface PatrolOptions {
  clock?: Clock;
  /** Scheduler tick, ms (default 5 s). */
  tickMs?: number;
  /** Sortie watch tick, ms (default 1 s). */
  watchMs?: number;
  /** Lease of a watched sortie, s (default 20). */
  leaseS?: number;
  /** Seconds between launch attempts while a dock is busy or held (default 10). */
  launchRetryS?: number;
  /** Wait before a continuation sortie launches, s (default 60). */
  rechargeS?: number;
  /** How often images stored but not yet filed under tasks are filed, ms (default 30 s). */
  reconcileMs?: number;
}

/** The running patrol machinery. */
export interface Patrol {
  tasks: TaskService;
  repo: TaskRepository;
  executor: SortieExecutor;
  jobs: TaskJobs;
  /** Connects the running ground station and dock channels. */
  attach(ops: DockOperationsPort): void;
  close(): Promise<void>;
}

/** Starts the patrol machinery on the hub's pool. */
export async function startPatrol(pool: Pool, services: HubServices, live: LiveBus, log: Logger, o: PatrolOptions = {}, media?: MediaService): Promise<Patrol> {
  const plog = log.child({ module: 'patrol' });
  const clock = o.clock ?? systemClock;
  const repo = new TaskRepository(pool);
  const planner = new PatrolPlanner(services.docks.repos.docks, repo);
  await planner.refreshDocks();
  const tasks = new TaskService(repo, planner, services.repos.audit, clock, plog);
  let ops: DockOperationsPort | undefined;
  const settle = async (runIds: string[]) => {
    for (const id of runIds) await tasks.settleRun(id);
  };
  // The executor queues continuations through the jobs; the jobs launch through the executor.
  const late: { jobs?: TaskJobs } = {};
  const executor = new SortieExecutor({
    tasks: repo,
    docks: services.docks.repos.docks,
    audit: services.repos.audit,
    live,
    log: plog,
    ops: () => ops,
    settle,
    enqueueLaunch: (id, delayS) => late.jobs!.enqueueLaunch(id, delayS),
    keepOutFence: (c, r) => planner.keepOutFence(c, r),
    ...(o.watchMs ? { tickMs: o.watchMs } : {}),
    ...(o.leaseS ? { leaseS: o.leaseS } : {}),
    ...(o.rechargeS !== undefined ? { rechargeS: o.rechargeS } : {}),
  });
  const jobs = await startTaskJobs({ pool, tasks: repo, planner, executor, settle, note: (ids, n) => tasks.note(ids, n), clock, log: plog, ...(o.tickMs ? { tickMs: o.tickMs } : {}), ...(o.launchRetryS ? { launchRetryS: o.launchRetryS } : {}) });
  late.jobs = jobs;
  executor.start();
  tasks.attach({ sorties: executor, media: { countByTask: (ids) => repo.mediaCountByTask(ids), countBySortie: (ids) => repo.mediaCountBySortie(ids) } });
  let reconcileTimer: NodeJS.Timeout | undefined;
  if (media) {
    // Each image of a sortie is filed under the tasks it serves; a department sees its own.
    const filer = mediaFiler(repo, media, plog);
    media.onStored(filer);
    const reconcile = () => void fileUnfiledMedia(repo, filer).catch((err: Error) => plog.warn({ err: err.message }, 'filing unfiled media failed'));
    reconcile();
    reconcileTimer = setInterval(reconcile, o.reconcileMs ?? 30_000);
    const unitOf = async (username: string) => {
      const u = await services.repos.users.findByUsername(username);
      return u ? ((await services.workflow.org.actor(u.id)).unit?.code ?? null) : null;
    };
    media.setAccess(mediaAccess(repo, unitOf));
  }
  return {
    tasks,
    repo,
    executor,
    jobs,
    attach(p) {
      ops = p;
    },
    async close() {
      clearInterval(reconcileTimer);
      executor.stop();
      await jobs.stop();
    },
  };
}
