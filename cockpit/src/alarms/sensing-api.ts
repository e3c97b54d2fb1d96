/** Calls to the hub's sensing API (alarms, rain mode, time series), with outcomes as unions. */
import type { Static } from 'typebox';
import type { AlarmView, RainModeView, SeriesPointView } from '../../../protocol/sensing.schema.ts';

/** One point of a sensor's time series (`GET /api/v1/sensors/{sn}/series`). */
export type SeriesPoint = Static<typeof SeriesPointView>;

/** Outcome of a sensing API call returning `T`. */
export type SensingOutcome<T> =
  | { kind: 'ok'; value: T }
  | { kind: 'unauthorized' }
  | { kind: 'unreachable' }
  | { kind: 'failed'; status: number; code: string };

async function call<T>(token: string, url: string, init: RequestInit = {}): Promise<SensingOutcome<T>> {
  let res: Response;
  try {
    res = await fetch(url, {
      ...init,
      headers: { authorization: `Bearer ${token}`, ...(init.body ? { 'content-type': 'application/json' } : {}) },
    });
  } catch {
    return { kind: 'unreachable' };
  }
  if (res.ok) return { kind: 'ok', value: (await res.json()) as T };
  if (res.status === 401) return { kind: 'unauthorized' };
  let code = `HTTP_${res.status}`;
  try {
    const body = (await res.json()) as { code?: unknown };
    if (typeof body.code === 'string') code = body.code;
  } catch {
    // The body was not JSON: keep the status code.
  }
  return { kind: 'failed', status: res.status, code };
}

/** Open (or all) alarms in the user's area, `GET /api/v1/alarms`. */
export function fetchAlarms(token: string, state: 'open' | 'all' = 'open', limit = 200, signal?: AbortSignal): Promise<SensingOutcome<AlarmView[]>> {
  return call(token, `/api/v1/alarms?state=${state}&limit=${limit}`, { signal: signal ?? null });
}

/** Acknowledges an alarm, `POST /api/v1/alarms/{id}/acknowledge`. */
export function acknowledgeAlarm(token: string, id: number, note?: string): Promise<SensingOutcome<AlarmView>> {
  return call(token, `/api/v1/alarms/${id}/acknowledge`, { method: 'POST', body: JSON.stringify(note ? { note } : {}) });
}

/** Rain mode and rainstorm signal of every town, `GET /api/v1/rain-mode`. */
export function fetchRainModes(token: string, signal?: AbortSignal): Promise<SensingOutcome<RainModeView[]>> {
  return call(token, '/api/v1/rain-mode', { signal: signal ?? null });
}

/** Switches a town's rain mode by hand, `PUT /api/v1/rain-mode/{townCode}`. */
export function setRainMode(token: string, townCode: string, active: boolean): Promise<SensingOutcome<RainModeView>> {
  return call(token, `/api/v1/rain-mode/${encodeURIComponent(townCode)}`, { method: 'PUT', body: JSON.stringify({ active }) });
}

/** A sensor's series between `fromMs` and `toMs` (epoch milliseconds) at `bucket`. */
export function fetchSeries(
  token: string,
  sn: string,
  fromMs: number,
  toMs: number,
  bucket: 'raw' | '1m' | '1h' | '1d',
  signal?: AbortSignal,
): Promise<SensingOutcome<{ bucket: string; points: SeriesPoint[] }>> {
  const q = new URLSearchParams({ from: new Date(fromMs).toISOString(), to: new Date(toMs).toISOString(), bucket });
  return call(token, `/api/v1/sensors/${encodeURIComponent(sn)}/series?${q.toString()}`, { signal: signal ?? null });
}
