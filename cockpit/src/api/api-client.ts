/** Calls to the hub's HTTP API (`/api/v1`), with outcomes as unions rather than exceptions. */
import type { ErrorReply, LoginReply, SensorView } from '../../../protocol/api.schema.ts';

/** Outcome of a login. */
export type LoginOutcome =
  | { kind: 'ok'; reply: LoginReply }
  | { kind: 'bad-credentials' }
  | { kind: 'invalid' }
  | { kind: 'rate-limited' }
  | { kind: 'unreachable' }
  | { kind: 'failed'; status: number; code: string };

/** Outcome of listing the sensors. */
export type SensorsOutcome =
  | { kind: 'ok'; sensors: SensorView[] }
  | { kind: 'unauthorized' }
  | { kind: 'unreachable' }
  | { kind: 'failed'; status: number; code: string };

async function errorCode(res: Response): Promise<string> {
  try {
    const body = (await res.json()) as Partial<ErrorReply>;
    return typeof body.code === 'string' ? body.code : `HTTP_${res.status}`;
  } catch {
    return `HTTP_${res.status}`;
  }
}

/** Signs in with `POST /api/v1/auth/login`. */
export async function login(username: string, password: string): Promise<LoginOutcome> {
  let res: Response;
  try {
    res = await fetch('/api/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username, password }),
    });
  } catch {
    return { kind: 'unreachable' };
  }
  if (res.ok) return { kind: 'ok', reply: (await res.json()) as LoginReply };
  const code = await errorCode(res);
  if (res.status === 401) return { kind: 'bad-credentials' };
  if (res.status === 400) return { kind: 'invalid' };
  if (res.status === 429) return { kind: 'rate-limited' };
  if (res.status >= 502 && res.status <= 504) return { kind: 'unreachable' };
  return { kind: 'failed', status: res.status, code };
}

/** Lists the sensors the user may see with `GET /api/v1/sensors`. */
export async function listSensors(token: string, signal?: AbortSignal): Promise<SensorsOutcome> {
  let res: Response;
  try {
    res = await fetch('/api/v1/sensors', { headers: { authorization: `Bearer ${token}` }, signal: signal ?? null });
  } catch {
    return { kind: 'unreachable' };
  }
  if (res.ok) {
    // Reading the body can fail too (the request aborted as the page changes, the connection dropped).
    try {
      return { kind: 'ok', sensors: (await res.json()) as SensorView[] };
    } catch {
      return { kind: 'unreachable' };
    }
  }
  if (res.status === 401) return { kind: 'unauthorized' };
  return { kind: 'failed', status: res.status, code: await errorCode(res) };
}

/** URL of the live WebSocket for `token`, on the same host as the page. */
export function liveUrl(token: string, location: Location = window.location): string {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/api/v1/live?token=${encodeURIComponent(token)}`;
}
