/** The live WebSocket as the department portal uses it: task progress and the drones' positions. */
import { useEffect, useRef, useState } from 'react';
import type { DockLiveMessage } from '../../../protocol/dock.schema.ts';
import type { TaskLiveMessage } from '../../../protocol/task.schema.ts';
import { liveUrl } from '../api/api-client.ts';
import { parseFrameObject, reconnectDelayMs } from '../api/live-feed.ts';

/** A drone position message. */
export type VehicleLiveMessage = Extract<DockLiveMessage, { type: 'vehicle' }>;
/** What the portal acts on. */
export type PortalLiveMessage = TaskLiveMessage | VehicleLiveMessage;

/** Parses one text frame; null for anything that is not a task or a well-formed drone position. */
export function parsePortalMessage(data: unknown): PortalLiveMessage | null {
  const m = parseFrameObject(data);
  if (!m) return null;
  if (m.type === 'task') return Array.isArray(m.taskIds) && typeof m.reached === 'number' && typeof m.total === 'number' ? (m as unknown as TaskLiveMessage) : null;
  if (m.type === 'vehicle') {
    const t = m.telemetry as Record<string, unknown> | undefined;
    return t && typeof t.lat === 'number' && typeof t.lon === 'number' ? (m as unknown as VehicleLiveMessage) : null;
  }
  return null;
}

/** Calls `onMessage` for each task or drone message; returns whether the socket is open. Reconnects with backoff. */
export function usePortalLive(token: string, onMessage: (m: PortalLiveMessage) => void): boolean {
  const [open, setOpen] = useState(false);
  const handler = useRef(onMessage);
  useEffect(() => {
    handler.current = onMessage;
  }, [onMessage]);
  useEffect(() => {
    let stopped = false;
    let socket: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let failures = 0;
    const connect = () => {
      if (stopped) return;
      const ws = new WebSocket(liveUrl(token));
      socket = ws;
      ws.onopen = () => {
        failures = 0;
        setOpen(true);
      };
      ws.onmessage = (e: MessageEvent) => {
        const m = parsePortalMessage(e.data);
        if (m) handler.current(m);
      };
      ws.onclose = () => {
        if (stopped || socket !== ws) return;
        setOpen(false);
        retry = setTimeout(connect, reconnectDelayMs(failures++));
      };
    };
    connect();
    return () => {
      stopped = true;
      if (retry !== null) clearTimeout(retry);
      socket?.close(1000, 'client closed');
    };
  }, [token]);
  return open;
}
