/** The dock API calls of the operator console, with outcomes as unions rather than exceptions. */
import type { DockAction, DockCommandReply, DockView } from '../../../protocol/dock.schema.ts';
import type { ErrorReply } from '../../../protocol/api.schema.ts';

/** Outcome of listing the docks. */
export type DocksOutcome = { kind: 'ok'; docks: DockView[] } | { kind: 'unauthorized' } | { kind: 'unreachable' } | { kind: 'failed'; status: number; code: string };

/** Outcome of an operator command: the dock's reply, or why the hub did not run it. */
export type CommandOutcomeView =
  | { kind: 'reply'; reply: DockCommandReply }
  | { kind: 'refused'; status: number; code: string; message: string }
  | { kind: 'unauthorized' }
  | { kind: 'unreachable' };

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  try {
    const body = (await res.json()) as Partial<ErrorReply>;
    return { code: typeof body.code === 'string' ? body.code : `HTTP_${res.status}`, message: typeof body.message === 'string' ? body.message : '' };
  } catch {
    return { code: `HTTP_${res.status}`, message: '' };
  }
}

/** Lists the docks with `GET /api/v1/docks`. */
export async function listDocks(token: string, signal?: AbortSignal): Promise<DocksOutcome> {
  let res: Response;
  try {
    res = await fetch('/api/v1/docks', { headers: { authorization: `Bearer ${token}` }, signal: signal ?? null });
  } catch {
    return { kind: 'unreachable' };
  }
  if (res.ok) {
    // Reading the body can fail too (the request aborted as the page changes, the connection dropped).
    try {
      return { kind: 'ok', docks: (await res.json()) as DockView[] };
    } catch {
      return { kind: 'unreachable' };
    }
  }
  if (res.status === 401) return { kind: 'unauthorized' };
  return { kind: 'failed', status: res.status, code: (await errorOf(res)).code };
}

/** Sends `action` to dock `sn` with `POST /api/v1/docks/{sn}/{action}`. */
export async function sendDockCommand(token: string, sn: string, action: DockAction, body: object = {}): Promise<CommandOutcomeView> {
  let res: Response;
  try {
    res = await fetch(`/api/v1/docks/${encodeURIComponent(sn)}/${action}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
  } catch {
    return { kind: 'unreachable' };
  }
  if (res.ok) return { kind: 'reply', reply: (await res.json()) as DockCommandReply };
  if (res.status === 401) return { kind: 'unauthorized' };
  if (res.status >= 502 && res.status <= 504 && res.headers.get('content-type')?.includes('json') !== true) return { kind: 'unreachable' };
  const { code, message } = await errorOf(res);
  return { kind: 'refused', status: res.status, code, message };
}
