/** The hub's live WebSocket (`/api/v1/live`), reconnected with capped exponential backoff. */
import type { LiveMessage } from '../../../protocol/api.schema.ts';
import type { SensorReading } from '../../../protocol/sensor.schema.ts';

/** First reconnect delay, milliseconds. */
export const RECONNECT_BASE_MS = 500;
/** Longest reconnect delay, milliseconds. */
export const RECONNECT_MAX_MS = 15_000;

/** Delay before reconnect attempt `attempt` (0-based), milliseconds, with ±20 % jitter. */
export function reconnectDelayMs(attempt: number, random: () => number = Math.random): number {
  const capped = Math.min(RECONNECT_MAX_MS, RECONNECT_BASE_MS * 2 ** Math.min(attempt, 16));
  return Math.round(capped * (0.8 + 0.4 * random()));
}

/** One committed reading of a sensor, as the big screen applies it. */
export interface ReadingLiveMessage {
  type: 'reading';
  sn: string;
  reading: SensorReading & { receivedAt: string };
}

/**
 * The live messages the big screen acts on (a `readings` frame is unpacked into one `reading` per
 * reading); the feed carries others (docks, tickets…) too.
 */
export type SensorLiveMessage = Extract<LiveMessage, { type: 'hello' | 'status' }> | ReadingLiveMessage;

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

/**
 * Parses one text frame into the messages the big screen uses: a `readings` frame gives one
 * `reading` per well-formed reading in it; anything else gives none.
 */
export function parseLiveMessages(data: unknown): SensorLiveMessage[] {
  const m = parseFrameObject(data);
  if (!m) return [];
  switch (m.type) {
    case 'hello':
      return [m as unknown as SensorLiveMessage];
    case 'readings': {
      if (typeof m.receivedAt !== 'string' || !Array.isArray(m.readings)) return [];
      const receivedAt = m.receivedAt;
      const out: SensorLiveMessage[] = [];
      for (const item of m.readings as unknown[]) {
        if (typeof item !== 'object' || item === null) continue;
        const { sn, ...r } = item as Record<string, unknown>;
        if (typeof sn !== 'string' || typeof r.depthMm !== 'number' || typeof r.ts !== 'string' || typeof r.seq !== 'number') continue;
        out.push({ type: 'reading', sn, reading: { ...(r as unknown as SensorReading), receivedAt } });
      }
      return out;
    }
    case 'status':
      return typeof m.sn === 'string' && typeof m.online === 'boolean' ? [m as unknown as SensorLiveMessage] : [];
    default:
      return [];
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
      for (const message of parseLiveMessages(event.data)) this.handlers.onMessage(message);
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
