/** Loads one ticket's detail and takes actions on it, surfacing 409 version conflicts for a reload. */
import { useCallback, useEffect, useRef, useState } from 'react';
import type { TicketAction, TicketActionBody, TicketDetailView } from '../../../protocol/workflow.schema.ts';
import { actOnTicket, getTicket, outcomeMessage, VERSION_CONFLICT } from './ticket-api.ts';

/** State and operations of an open ticket. */
export interface TicketDetailState {
  detail: TicketDetailView | null;
  loading: boolean;
  busy: boolean;
  /** A failure to show (Chinese first). */
  error: string | null;
  /** True after a 409 TICKET_VERSION_CONFLICT: the shown ticket is stale. */
  conflict: boolean;
  reload(): Promise<void>;
  /** Takes an action at the shown version; true when the hub accepted it. */
  act(action: TicketAction, body: TicketActionBody): Promise<boolean>;
}

/** The open ticket `id` (null: none). */
export function useTicketDetail(token: string, id: number | null, onUnauthorized: () => void): TicketDetailState {
  const [detail, setDetail] = useState<TicketDetailView | null>(null);
  const [loading, setLoading] = useState(false);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const seq = useRef(0);

  const reload = useCallback(async () => {
    if (id === null) return;
    const mySeq = ++seq.current;
    setLoading(true);
    const out = await getTicket(token, id);
    if (mySeq !== seq.current) return;
    setLoading(false);
    if (out.kind === 'ok') {
      setDetail(out.value);
      setError(null);
      setConflict(false);
    } else if (out.kind === 'unauthorized') onUnauthorized();
    else setError(outcomeMessage(out));
  }, [token, id, onUnauthorized]);

  useEffect(() => {
    setDetail(null);
    setError(null);
    setConflict(false);
    void reload();
  }, [reload]);

  const act = useCallback(
    async (action: TicketAction, body: TicketActionBody) => {
      if (id === null) return false;
      setBusy(true);
      const out = await actOnTicket(token, id, action, body);
      setBusy(false);
      if (out.kind === 'ok') {
        setError(null);
        await reload();
        return true;
      }
      if (out.kind === 'unauthorized') onUnauthorized();
      else {
        setError(outcomeMessage(out));
        setConflict(out.kind === 'conflict' && out.code === VERSION_CONFLICT);
      }
      return false;
    },
    [token, id, reload, onUnauthorized],
  );

  return { detail, loading, busy, error, conflict, reload, act };
}
