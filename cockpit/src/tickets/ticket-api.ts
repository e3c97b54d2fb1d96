/** Calls to the workflow API (`/api/v1/tickets`, `/api/v1/org`), with outcomes as unions rather than exceptions. */
import type { ErrorReply } from '../../../protocol/api.schema.ts';
import type { OrgUnitView, TicketAction, TicketActionBody, TicketDetailView, TicketStage, TicketView } from '../../../protocol/workflow.schema.ts';

/** Outcome of an API call returning `T`. */
export type ApiOutcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'unauthorized' }
  | { kind: 'conflict'; code: string; message: string }
  | { kind: 'refused'; status: number; code: string; message: string }
  | { kind: 'unreachable' };

/** Filters of a ticket queue (`GET /api/v1/tickets`). */
export interface TicketQuery {
  stage?: TicketStage[];
  overdue?: boolean;
  tier?: number;
  mine?: boolean;
  limit?: number;
}

/** A person of a unit, as the dispatch picker lists them. */
export interface UnitMember {
  userId: number;
  username: string;
  displayName: string;
  role: string;
}

/** The caller's unit and chain (`GET /api/v1/org/me`). */
export interface OrgMe {
  userId: number;
  username: string;
  role: string;
  unit: OrgUnitView | null;
  chain: string[];
}

/** The 409 code of a stale `version`: someone else changed the ticket first. */
export const VERSION_CONFLICT = 'TICKET_VERSION_CONFLICT';

/** One JSON call to the hub's API with the bearer token; the outcome as a union (also used by the task portal). */
export async function call<T>(token: string, method: 'GET' | 'POST', url: string, body?: unknown, signal?: AbortSignal): Promise<ApiOutcome<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      signal: signal ?? null,
    });
  } catch {
    return { kind: 'unreachable' };
  }
  if (res.ok) {
    // Reading the body can fail too (the request aborted as the view changes, the connection dropped).
    try {
      return { kind: 'ok', value: (res.status === 204 ? null : await res.json()) as T };
    } catch {
      return { kind: 'unreachable' };
    }
  }
  if (res.status === 401) return { kind: 'unauthorized' };
  if (res.status >= 502 && res.status <= 504) return { kind: 'unreachable' };
  let code = `HTTP_${res.status}`;
  let message = '';
  try {
    const e = (await res.json()) as Partial<ErrorReply>;
    if (typeof e.code === 'string') code = e.code;
    if (typeof e.message === 'string') message = e.message;
  } catch {
    // A body that is not JSON keeps the HTTP status as its code.
  }
  if (res.status === 409) return { kind: 'conflict', code, message };
  return { kind: 'refused', status: res.status, code, message };
}

/** Query string of a ticket queue. */
export function ticketQueryString(q: TicketQuery): string {
  const p = new URLSearchParams();
  for (const s of q.stage ?? []) p.append('stage', s);
  if (q.overdue) p.set('overdue', 'true');
  if (q.tier !== undefined) p.set('tier', String(q.tier));
  if (q.mine) p.set('mine', 'true');
  p.set('limit', String(q.limit ?? 200));
  return p.toString();
}

/** Lists the tickets of a queue in the caller's area. */
export function listTickets(token: string, q: TicketQuery, signal?: AbortSignal): Promise<ApiOutcome<TicketView[]>> {
  return call(token, 'GET', `/api/v1/tickets?${ticketQueryString(q)}`, undefined, signal);
}

/** One ticket with its history and the actions the caller may take now. */
export function getTicket(token: string, id: number, signal?: AbortSignal): Promise<ApiOutcome<TicketDetailView>> {
  return call(token, 'GET', `/api/v1/tickets/${id}`, undefined, signal);
}

/** Takes `action` on ticket `id`; `body.version` is the version the caller saw (409 when stale). */
export function actOnTicket(token: string, id: number, action: TicketAction, body: TicketActionBody): Promise<ApiOutcome<TicketView>> {
  return call(token, 'POST', `/api/v1/tickets/${id}/${action.replaceAll('_', '-')}`, body);
}

/** The caller's unit. */
export function getOrgMe(token: string): Promise<ApiOutcome<OrgMe>> {
  return call(token, 'GET', '/api/v1/org/me');
}

/** Organisation units of one tier (1 province … 8 grid). */
export function listUnits(token: string, tier: number): Promise<ApiOutcome<OrgUnitView[]>> {
  return call(token, 'GET', `/api/v1/org/units?tier=${tier}`);
}

/** One unit with its people. */
export function getUnit(token: string, code: string): Promise<ApiOutcome<{ unit: OrgUnitView; chain: string[]; members: UnitMember[] }>> {
  return call(token, 'GET', `/api/v1/org/units/${encodeURIComponent(code)}`);
}

/** Fetches a ticket photo (it needs the bearer token, so an `<img src>` cannot load it directly). */
export async function fetchPhoto(token: string, ticketId: number, photoId: number, signal?: AbortSignal): Promise<Blob | null> {
  try {
    const res = await fetch(`/api/v1/tickets/${ticketId}/photos/${photoId}`, { headers: { authorization: `Bearer ${token}` }, signal: signal ?? null });
    return res.ok ? await res.blob() : null;
  } catch {
    return null;
  }
}

/** Uploads one photo (base64 JPEG/PNG/WebP ≤ 700 kB), reporting upload progress 0…1; resolves to its attachment id. */
export function uploadPhoto(
  token: string,
  ticketId: number,
  contentType: 'image/jpeg' | 'image/png' | 'image/webp',
  dataBase64: string,
  onProgress: (fraction: number) => void,
): Promise<ApiOutcome<{ id: number }>> {
  // XMLHttpRequest, not fetch: only it reports upload progress.
  return new Promise((resolve) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/tickets/${ticketId}/photos`);
    xhr.setRequestHeader('authorization', `Bearer ${token}`);
    xhr.setRequestHeader('content-type', 'application/json');
    xhr.upload.onprogress = (e) => {
      if (e.lengthComputable && e.total > 0) onProgress(e.loaded / e.total);
    };
    xhr.onerror = () => resolve({ kind: 'unreachable' });
    xhr.onload = () => {
      let body: Partial<ErrorReply> & { id?: number } = {};
      try {
        body = JSON.parse(xhr.responseText) as typeof body;
      } catch {
        // Keep the empty body: the status decides.
      }
      if (xhr.status === 201 && typeof body.id === 'number') {
        onProgress(1);
        resolve({ kind: 'ok', value: { id: body.id } });
      } else if (xhr.status === 401) resolve({ kind: 'unauthorized' });
      else resolve({ kind: 'refused', status: xhr.status, code: body.code ?? `HTTP_${xhr.status}`, message: body.message ?? '' });
    };
    xhr.send(JSON.stringify({ contentType, dataBase64 }));
  });
}

/** A Chinese-first message for a failed outcome. */
export function outcomeMessage(o: Exclude<ApiOutcome<unknown>, { kind: 'ok' }>): string {
  switch (o.kind) {
    case 'unauthorized':
      return '登录已过期 / Session expired';
    case 'unreachable':
      return '无法连接服务器 / Server unreachable';
    case 'conflict':
      return o.code === VERSION_CONFLICT ? '工单已被他人更新，请重新加载 / Ticket changed by someone else — reload' : `操作冲突 / Conflict: ${o.message || o.code}`;
    case 'refused':
      return o.code === 'TICKET_FORBIDDEN' ? `无权执行此操作 / Not allowed${o.message ? `: ${o.message}` : ''}` : `操作失败 / Failed: ${o.message || o.code}`;
  }
}
