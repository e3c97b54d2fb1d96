/** React hook: the console's state from the dock list and the live feed, re-listed after every reconnect. */
import { useEffect, useLayoutEffect, useReducer, useRef, useState } from 'react';
import type { DockLiveMessage } from '../../../protocol/dock.schema.ts';
import { listDocks } from './ops-api.ts';
import { openOpsLive } from './ops-live.ts';
import { emptyOpsState, opsReducer, type OpsState } from './ops-state.ts';

/** A command outcome announced on the live feed (by anyone, including automatic follow-ups). */
export type LiveCommandMessage = Extract<DockLiveMessage, { type: 'dock-command' }>;

/** The console's state and the live feed's health. */
export interface OpsStateView {
  state: OpsState;
  live: boolean;
  listFailed: boolean;
}

/** Loads the docks and follows the live feed for `token`. */
export function useOpsState(token: string, onExpired: () => void, onCommandMessage: (m: LiveCommandMessage) => void): OpsStateView {
  const [state, dispatch] = useReducer(opsReducer, undefined, emptyOpsState);
  const [live, setLive] = useState(false);
  const [listFailed, setListFailed] = useState(false);
  const callbacks = useRef({ onExpired, onCommandMessage });
  useLayoutEffect(() => {
    callbacks.current = { onExpired, onCommandMessage };
  });

  useEffect(() => {
    const abort = new AbortController();
    const load = async () => {
      const out = await listDocks(token, abort.signal);
      if (abort.signal.aborted) return;
      if (out.kind === 'ok') {
        dispatch({ type: 'list', docks: out.docks, nowMs: Date.now() });
        setListFailed(false);
      } else if (out.kind === 'unauthorized') callbacks.current.onExpired();
      else setListFailed(true);
    };
    const close = openOpsLive(token, {
      onOpen: () => {
        setLive(true);
        void load();
      },
      onClose: () => setLive(false),
      onMessage: (message) => {
        dispatch({ type: 'live', message, nowMs: Date.now() });
        if (message.type === 'dock-command') callbacks.current.onCommandMessage(message);
      },
    });
    void load();
    return () => {
      abort.abort();
      close();
    };
  }, [token]);

  return { state, live, listFailed };
}
