/** Ticket state exposed on `window.__yzg.tickets` so browser tests can wait on it. */
import { testHooks } from '../test-hooks/test-hooks.ts';

/** What the workbench or the phone view shows of the tickets. */
export interface YzgTicketsHook {
  /** Which view publishes: `workbench` or `mobile`. */
  view: 'workbench' | 'mobile';
  /** True while the live WebSocket is open. */
  liveConnected: boolean;
  /** Stage of every listed ticket, by id. */
  stages: Record<number, string>;
  /** The open ticket, or null. */
  selectedId: number | null;
  /** Version of the open ticket as last loaded. */
  selectedVersion: number | null;
  /** Live ticket messages received so far. */
  liveMessages: number;
}

declare module '../test-hooks/test-hooks.ts' {
  interface YzgTestHooks {
    /** The ticket views' state. */
    tickets?: YzgTicketsHook;
  }
}

/** Merges `patch` into `window.__yzg.tickets`. */
export function updateTicketsHook(view: YzgTicketsHook['view'], patch: Partial<YzgTicketsHook>): void {
  const hooks = testHooks();
  hooks.tickets ??= { view, liveConnected: false, stages: {}, selectedId: null, selectedVersion: null, liveMessages: 0 };
  Object.assign(hooks.tickets, { view }, patch);
}
