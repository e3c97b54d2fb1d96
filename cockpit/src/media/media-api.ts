/** The media API calls of the cockpit (`GET /api/v1/media`), as outcome unions. */
import type { MediaListReply, MediaView } from '../../../protocol/media.schema.ts';
import type { MediaDetectionsReply } from '../../../protocol/detection.schema.ts';
import { call, type ApiOutcome } from '../tickets/ticket-api.ts';

/** Filters of a media list (all optional; newest first). */
export interface MediaQuery {
  sortieId?: string | number;
  flightId?: string | number;
  taskId?: string | number;
  dockSn?: string;
  /** [minLon, minLat, maxLon, maxLat] of the camera position. */
  bbox?: [number, number, number, number];
  from?: string;
  to?: string;
  limit?: number;
}

/** The query string of a media query (stable order, so it can key effects). */
export function mediaQueryString(q: MediaQuery): string {
  const p = new URLSearchParams();
  for (const k of ['sortieId', 'flightId', 'taskId', 'dockSn', 'from', 'to', 'limit'] as const) {
    const v = q[k];
    if (v !== undefined && v !== '') p.set(k, String(v));
  }
  if (q.bbox) p.set('bbox', q.bbox.join(','));
  return p.toString();
}

/** Images matching a query, newest first. */
export async function listMedia(token: string, q: MediaQuery, signal?: AbortSignal): Promise<ApiOutcome<MediaView[]>> {
  const out = await call<MediaListReply>(token, 'GET', `/api/v1/media?${mediaQueryString(q)}`, undefined, signal);
  return out.kind === 'ok' ? { kind: 'ok', value: out.value.items } : out;
}

/** A media URL (`url` or `thumbUrl`) usable in an `<img>` tag (the token rides in the query). */
export function mediaSrc(url: string, token: string): string {
  return `${url}${url.includes('?') ? '&' : '?'}token=${encodeURIComponent(token)}`;
}

/**
 * The images of a dock's latest flight: of the dock's newest images, those of the same flight
 * (or, before the hub has matched a flight, the same sortie; else the newest run of images
 * taken less than `gapMs` apart).
 */
export function latestFlightOf(items: readonly MediaView[], gapMs = 10 * 60_000): MediaView[] {
  const newest = items[0];
  if (!newest) return [];
  if (newest.flightId !== null) return items.filter((m) => m.flightId === newest.flightId);
  if (newest.sortieId !== null) return items.filter((m) => m.sortieId === newest.sortieId);
  const out = [newest];
  for (const m of items.slice(1)) {
    if (Date.parse(out[out.length - 1]!.takenAt) - Date.parse(m.takenAt) > gapMs) break;
    out.push(m);
  }
  return out;
}

/** The detections of an image (boxes, scores, places, events) and whether it has been processed. */
export async function getDetections(token: string, mediaId: number, signal?: AbortSignal): Promise<ApiOutcome<MediaDetectionsReply>> {
  return call<MediaDetectionsReply>(token, 'GET', `/api/v1/media/${mediaId}/detections`, undefined, signal);
}
