/** The hub's live WebSocket (`/api/v1/live`), reconnected with capped exponential backoff. */
import type { LiveMessage } from '../../../protocol/api.schema.ts';

/** First reconnect delay, milliseconds. */
export const RECONNECT_BASE_MS = 500;
/** Longest reconnect delay, milliseconds. */
export const RECONNECT_MAX_MS = 15_000;

/** Delay before reconnect attempt `attempt` (0-based), milliseconds, with ±20 % jitter. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const capped = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(capped * (0.8 + 0.4 * random()));
}

/** The live messages the big screen acts on; the feed carries others (docks, tickets…) too. */
export type SensorLiveMessage = Extract<LiveMessage, { type: 'hello' | 'reading' | 'status' }>;

/** Parses one text frame into a JSON object; null for anything else. */
export function parseFrameObject(data: unknown): Record<string, unknown> | null {
  if (typeof data !== 'string') return null;
  try {
    const value: unknown = JSON.parse(data);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
  } catch {
    return null;
  }
}

/** Parses one text frame; null for anything that is not a well-formed message the big screen uses. */
export function parseLiveMessage(data: unknown): SensorLiveMessage | null {
  const m = parseFrameObject(data);
  if (!m) return null;
  switch (m.type) {
    case 'hello':
      return m as unknown as SensorLiveMessage;
    case 'reading': {
      const r = m.reading as Record<string, unknown> | undefined;
      if (typeof m.sn !== 'string' || typeof r !== 'object' || r === null) return null;
      if (typeof r.depthMm !== 'number' || typeof r.ts !== 'string' || typeof r.seq !== 'number') return null;
      return m as unknown as SensorLiveMessage;
    }
    case 'status':
      return typeof m.sn === 'string' && typeof m.online === 'boolean' ? (m as unknown as SensorLiveMessage) : null;
    default:
      return null;
  }
}

/** What a live feed reports to its owner. */
export interface LiveFeedHandlers {
  /** The socket opened (first time or after a reconnect). */
  onOpen(): void;
  /** The socket closed; a reconnect is scheduled after `retryInMs`. */
  onClose(retryInMs: number): void;
  onMessage(message: SensorLiveMessage): void;
}

/** A self-reconnecting live feed; call `close()` to stop it for good. */
export class LiveFeed {
  private socket: WebSocket | null = null;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private attempt = 0;
  private closed = false;

  constructor(
    private readonly url: () => string,
    private readonly handlers: LiveFeedHandlers,
  ) {
    this.connect();
  }

  /** Stops the feed and closes the socket. */
  close(): void {
    this.closed = true;
    if (this.retryTimer !== null) clearTimeout(this.retryTimer);
    this.socket?.close(1000, 'client closed');
    this.socket = null;
  }

  private connect(): void {
    if (this.closed) return;
    const socket = new WebSocket(this.url());
    this.socket = socket;
    socket.onopen = () => {
      this.attempt = 0;
      this.handlers.onOpen();
    };
    socket.onmessage = (event: MessageEvent) => {
      const message = parseLiveMessage(event.data);
      if (message) this.handlers.onMessage(message);
    };
    socket.onclose = () => {
      if (this.closed || this.socket !== socket) return;
      this.socket = null;
      const delayMs = reconnectDelayMs(this.attempt++);
      this.handlers.onClose(delayMs);
      this.retryTimer = setTimeout(() => this.connect(), delayMs);
    };
  }
}
