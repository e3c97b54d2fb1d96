/**
 * The workflow's background job of a hub node: fires due SLA timers and delivers webhooks. The
 * state lives in the database (timer and delivery rows claimed with SKIP LOCKED), so a restarted
 * hub — or any number of hub nodes — picks up exactly where the last one left off.
 */
import type { Logger } from '../../common/logger.ts';

/** What the job drives (the ticket and notification services). */
export interface WorkflowJobTargets {
  tickets: { fireDueTimers(limit?: number): Promise<number> };
  notifications: { deliverDue(limit?: number): Promise<number> };
}

/** A running job. */
export interface WorkflowJobs {
  /** Runs one scan now (tests call this with a fake clock). */
  tick(): Promise<{ timers: number; deliveries: number }>;
  stop(): Promise<void>;
}

/** Starts scanning every `intervalMs` (default 2 s). */
export function startWorkflowJobs(targets: WorkflowJobTargets, log: Logger, intervalMs = 2000): WorkflowJobs {
  let running: Promise<unknown> | null = null;
  const tick = async () => {
    const timers = await targets.tickets.fireDueTimers();
    const deliveries = await targets.notifications.deliverDue();
    return { timers, deliveries };
  };
  const handle = setInterval(() => {
    if (running) return;
    running = tick()
      .catch((err: Error) => log.warn({ err: err.message }, 'workflow job scan failed'))
      .finally(() => {
        running = null;
      });
  }, intervalMs);
  handle.unref();
  return {
    tick,
    async stop() {
      clearInterval(handle);
      await running;
    },
  };
}
