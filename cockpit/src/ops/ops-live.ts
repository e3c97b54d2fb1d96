/** The live WebSocket as the operator console uses it: dock, drone and flight messages, reconnected with backoff. */
import type { DockLiveMessage } from '../../../protocol/dock.schema.ts';
import { liveUrl } from '../api/api-client.ts';
import { parseFrameObject, reconnectDelayMs } from '../api/live-feed.ts';

const DOCK_TYPES = new Set(['vehicle', 'dock-state', 'dock-osd', 'dock-alarms', 'vehicle-alarm', 'flight', 'dock-command']);

/** Parses one text frame; null for anything that is not a dock, drone or flight message. */
export function parseDockLiveMessage(data: unknown): DockLiveMessage | null {
  const m = parseFrameObject(data);
  if (!m) return null;
  if (typeof m.type !== 'string' || !DOCK_TYPES.has(m.type)) return null;
  if (m.type === 'vehicle') {
    const t = m.telemetry as Record<string, unknown> | undefined;
    if (typeof t !== 'object' || t === null || typeof t.lat !== 'number' || typeof t.lon !== 'number' || typeof t.altAmslM !== 'number') return null;
  }
  return m as unknown as DockLiveMessage;
}

/** What the feed reports to its owner. */
export interface OpsLiveHandlers {
  onOpen(): void;
  onClose(): void;
  onMessage(message: DockLiveMessage): void;
}

/** Opens the live feed for `token`; returns a function that closes it for good. */
export function openOpsLive(token: string, handlers: OpsLiveHandlers): () => void {
  let socket: WebSocket | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  let attempt = 0;
  let closed = false;
  const connect = () => {
    if (closed) return;
    const s = new WebSocket(liveUrl(token));
    socket = s;
    s.onopen = () => {
      attempt = 0;
      handlers.onOpen();
    };
    s.onmessage = (event: MessageEvent) => {
      const message = parseDockLiveMessage(event.data);
      if (message) handlers.onMessage(message);
    };
    s.onclose = () => {
      if (closed || socket !== s) return;
      socket = null;
      handlers.onClose();
      timer = setTimeout(connect, reconnectDelayMs(attempt++));
    };
  };
  connect();
  return () => {
    closed = true;
    if (timer !== null) clearTimeout(timer);
    socket?.close(1000, 'client closed');
    socket = null;
  };
}
