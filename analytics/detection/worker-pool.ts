/**
 * A fixed-size pool of worker threads with a task queue: each worker runs one task at a time, the
 * next queued task goes to the first idle worker, and a worker that dies (crash, exit, uncaught
 * error) fails only the task it was running and is replaced.
 */
import { Worker } from 'node:worker_threads';
import type { Logger } from '../../common/logger.ts';
import { DetectionErrors } from './detection.errors.ts';

/** Counters of a pool. */
export interface PoolStats {
  size: number;
  busy: number;
  queued: number;
  /** Workers replaced after dying. */
  replaced: number;
  /** Tasks finished (answered or failed). */
  done: number;
}

/** A pool running requests of type `Req` answered with `Res`. */
export interface WorkerPool<Req, Res> {
  /** Queues a task; resolves with the worker's answer, rejects with DETECTOR_WORKER_CRASHED or DETECTOR_CLOSED. */
  run(req: Req): Promise<Res>;
  stats(): PoolStats;
  /** Fails queued tasks with DETECTOR_CLOSED and terminates the workers. */
  close(): Promise<void>;
}

interface Task<Req, Res> {
  taskId: number;
  req: Req;
  resolve(res: Res): void;
  reject(err: Error): void;
}

interface Slot<Req, Res> {
  worker: Worker;
  task?: Task<Req, Res>;
  timer?: NodeJS.Timeout;
  timedOut?: boolean;
  dead: boolean;
}

/**
 * Starts `size` workers of the script `url` with `workerData`. A task running longer than
 * `taskTimeoutMs` (default 120 s) fails with DETECTION_TIMEOUT and its worker is replaced.
 */
export function createWorkerPool<Req, Res>(opts: { url: URL; size: number; workerData: unknown; log: Logger; taskTimeoutMs?: number }): WorkerPool<Req, Res> {
  const queue: Task<Req, Res>[] = [];
  const slots: Slot<Req, Res>[] = [];
  let nextId = 1;
  let closed = false;
  let replaced = 0;
  let done = 0;
  const timeoutMs = opts.taskTimeoutMs ?? 120_000;

  const spawn = (): Slot<Req, Res> => {
    const slot: Slot<Req, Res> = { worker: new Worker(opts.url, { workerData: opts.workerData }), dead: false };
    slot.worker.on('message', (msg: { taskId: number; res: Res }) => {
      const task = slot.task;
      if (!task || task.taskId !== msg.taskId) return;
      clearTimeout(slot.timer);
      slot.task = undefined;
      done++;
      task.resolve(msg.res);
      pump();
    });
    const die = (reason: string) => {
      if (slot.dead) return;
      slot.dead = true;
      clearTimeout(slot.timer);
      const task = slot.task;
      slot.task = undefined;
      if (task) {
        done++;
        if (closed) task.reject(DetectionErrors.DETECTOR_CLOSED());
        else if (slot.timedOut) task.reject(DetectionErrors.DETECTION_TIMEOUT(undefined, { timeoutMs }));
        else task.reject(DetectionErrors.DETECTOR_WORKER_CRASHED(undefined, { reason }));
      }
      const i = slots.indexOf(slot);
      if (i >= 0) slots.splice(i, 1);
      if (closed) return;
      opts.log.warn({ reason }, 'detection worker died; replacing it');
      replaced++;
      slots.push(spawn());
      pump();
    };
    slot.worker.on('error', (err) => die(err.message));
    slot.worker.on('exit', (code) => die(`exit code ${code}`));
    return slot;
  };

  const pump = () => {
    for (const slot of slots) {
      if (slot.dead || slot.task) continue;
      const task = queue.shift();
      if (!task) return;
      slot.task = task;
      slot.timer = setTimeout(() => {
        slot.timedOut = true;
        void slot.worker.terminate();
      }, timeoutMs);
      slot.worker.postMessage({ taskId: task.taskId, req: task.req });
    }
  };

  for (let i = 0; i < opts.size; i++) slots.push(spawn());

  return {
    run(req) {
      if (closed) return Promise.reject(DetectionErrors.DETECTOR_CLOSED());
      return new Promise<Res>((resolve, reject) => {
        queue.push({ taskId: nextId++, req, resolve, reject });
        pump();
      });
    },
    stats: () => ({ size: slots.length, busy: slots.filter((s) => s.task).length, queued: queue.length, replaced, done }),
    async close() {
      if (closed) return;
      closed = true;
      for (const t of queue.splice(0)) t.reject(DetectionErrors.DETECTOR_CLOSED());
      await Promise.all(slots.map((s) => s.worker.terminate()));
    },
  };
}
