/** The patrol-task API calls of the department portal (`/api/v1/tasks`, airspace, docks, media), as outcome unions. */
import type { DockView } from '../../../protocol/dock.schema.ts';
import type { MediaListReply, MediaView } from '../../../protocol/media.schema.ts';
import type { CreateTaskBody, TaskControlBody, TaskDecisionBody, TaskView } from '../../../protocol/task.schema.ts';
import { call as callOnce, type ApiOutcome } from '../tickets/ticket-api.ts';

export type { ApiOutcome };

/** One call; a request aborted while its body is read (the view changed) is an outcome, not a rejection. */
function call<T>(token: string, method: 'GET' | 'POST', url: string, body?: unknown, signal?: AbortSignal): Promise<ApiOutcome<T>> {
  return callOnce<T>(token, method, url, body, signal).catch((): ApiOutcome<T> => ({ kind: 'unreachable' }));
}

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
/** Images filed under task `id`, newest first. */
export async function listTaskMedia(token: string, id: string, signal?: AbortSignal): Promise<ApiOutcome<MediaView[]>> {
  const out = await call<MediaListReply>(token, 'GET', `/api/v1/media?taskId=${encodeURIComponent(id)}&limit=200`, undefined, signal);
  return out.kind === 'ok' ? { kind: 'ok', value: out.value.items } : out;
}

/** A media URL (`url` or `thumbUrl` of a MediaView) usable in an `<img>` tag. */
export function withToken(url: string, token: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}
