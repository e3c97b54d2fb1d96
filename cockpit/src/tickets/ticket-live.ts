/** The workflow's live messages (`type: 'ticket'`) from the hub's WebSocket, as a React hook. */
import { useEffect, useRef, useState } from 'react';
import type { TicketLiveMessage } from '../../../protocol/workflow.schema.ts';
import { liveUrl } from '../api/api-client.ts';
import { reconnectDelayMs } from '../api/live-feed.ts';

/** Parses one text frame; null for anything that is not a well-formed ticket message. */
export function parseTicketMessage(data: unknown): TicketLiveMessage | null {
  if (typeof data !== 'string') return null;
  try {
    const m = JSON.parse(data) as Record<string, unknown>;
    if (m === null || typeof m !== 'object' || m.type !== 'ticket') return null;
    if (typeof m.ticketId !== 'number' || typeof m.stage !== 'string' || typeof m.version !== 'number') return null;
    return m as unknown as TicketLiveMessage;
  } catch {
    return null;
  }
}

/** Calls `onTicket` for every ticket change pushed by the hub; returns whether the socket is open. */
export function useTicketLive(token: string, onTicket: (m: TicketLiveMessage) => void): boolean {
  const [connected, setConnected] = useState(false);
  const handler = useRef(onTicket);
  useEffect(() => {
    handler.current = onTicket;
  }, [onTicket]);

  useEffect(() => {
    let closed = false;
    let socket: WebSocket | null = null;
    let timer: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;
    const connect = () => {
      if (closed) return;
      const s = new WebSocket(liveUrl(token));
      socket = s;
      s.onopen = () => {
        attempt = 0;
        setConnected(true);
      };
      s.onmessage = (e: MessageEvent) => {
        const m = parseTicketMessage(e.data);
        if (m) handler.current(m);
      };
      s.onclose = () => {
        if (closed || socket !== s) return;
        setConnected(false);
        timer = setTimeout(connect, reconnectDelayMs(attempt++));
      };
    };
    connect();
    return () => {
      closed = true;
      if (timer !== null) clearTimeout(timer);
      socket?.close(1000, 'client closed');
    };
  }, [token]);
  return connected;
}
