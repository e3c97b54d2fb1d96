/** The patrol-task API calls of the department portal (`/api/v1/tasks`, airspace, docks), as outcome unions. */
import type { DockView } from '../../../protocol/dock.schema.ts';
import type { CreateTaskBody, TaskControlBody, TaskDecisionBody, TaskView } from '../../../protocol/task.schema.ts';
import { call, type ApiOutcome } from '../tickets/ticket-api.ts';

export type { ApiOutcome };

/** One airspace zone as `GET /api/v1/airspace` returns it. */
export interface AirspaceZoneView {
  id: string;
  nameZh: string;
  nameEn: string;
  kind: 'keep-out' | 'keep-in';
  synthetic: boolean;
  ring: Array<[number, number]>;
}

/** The caller's tasks (a department sees its own; the duty officer all). */
export const listTasks = (token: string, signal?: AbortSignal) => call<TaskView[]>(token, 'GET', '/api/v1/tasks?limit=200', undefined, signal);
/** One task with its runs and sorties. */
export const getTask = (token: string, id: string, signal?: AbortSignal) => call<TaskView>(token, 'GET', `/api/v1/tasks/${encodeURIComponent(id)}`, undefined, signal);
/** Submits a task. */
export const createTask = (token: string, body: CreateTaskBody) => call<TaskView>(token, 'POST', '/api/v1/tasks', body);
/** The duty officer's approval or rejection. */
export const decideTask = (token: string, id: string, body: TaskDecisionBody) => call<TaskView>(token, 'POST', `/api/v1/tasks/${encodeURIComponent(id)}/decision`, body);
/** Pause, resume or cancel. */
export const controlTask = (token: string, id: string, body: TaskControlBody) => call<TaskView>(token, 'POST', `/api/v1/tasks/${encodeURIComponent(id)}/control`, body);
/** Keep-out and keep-in zones. */
export const listAirspace = (token: string, signal?: AbortSignal) => call<{ zones: AirspaceZoneView[] }>(token, 'GET', '/api/v1/airspace', undefined, signal);
/** The docks (to show them and to jump the map to one). */
export const listDockViews = (token: string, signal?: AbortSignal) => call<DockView[]>(token, 'GET', '/api/v1/docks', undefined, signal);
