/** React hook: the sensor list from the API, kept live by the WebSocket feed. */
import { useEffect, useReducer, useState } from 'react';
import { listSensors, liveUrl } from '../api/api-client.ts';
import { LiveFeed, type SensorLiveMessage } from '../api/live-feed.ts';
import { updateTestHooks } from '../test-hooks/test-hooks.ts';
import { reduceSensors, type SensorMap } from './sensor-state.ts';

/** State of the live feed: first connect, open, or waiting to reconnect. */
export type LiveStatus = 'connecting' | 'open' | 'reconnecting';

/** What the hook returns. */
export interface LiveSensors {
  sensors: SensorMap;
  live: LiveStatus;
  /** True when the last attempt to list the sensors failed (data may be stale). */
  listFailed: boolean;
  /** True once the sensors have been listed at least once. */
  listed: boolean;
}

const EMPTY: SensorMap = new Map();
/** Live messages are applied in batches at most this often, milliseconds, to spare re-renders. */
const LIVE_BATCH_MS = 100;

/**
 * Lists the sensors, opens the live feed and re-lists on every (re)connect so nothing published
 * while the socket was down is missed. Calls `onUnauthorized` when the API refuses the token.
 */
export function useLiveSensors(token: string, onUnauthorized: () => void): LiveSensors {
  const [sensors, dispatch] = useReducer(reduceSensors, EMPTY);
  const [live, setLive] = useState<LiveStatus>('connecting');
  const [listFailed, setListFailed] = useState(false);
  const [listed, setListed] = useState(false);

  useEffect(() => {
    const abort = new AbortController();
    let unauthorized = false;
    let known = new Set<string>();
    let refreshing = false;
    let refreshAgain = false;
    let batch: SensorLiveMessage[] = [];
    let batchTimer: ReturnType<typeof setTimeout> | null = null;
    const flushBatch = (): void => {
      batchTimer = null;
      const messages = batch;
      batch = [];
      dispatch({ type: 'live', messages });
    };

    const refresh = async (): Promise<void> => {
      if (refreshing) {
        refreshAgain = true;
        return;
      }
      refreshing = true;
      try {
        do {
          refreshAgain = false;
          const outcome = await listSensors(token, abort.signal);
          if (abort.signal.aborted) return;
          if (outcome.kind === 'unauthorized') {
            unauthorized = true;
            feed.close();
            onUnauthorized();
            return;
          }
          setListFailed(outcome.kind !== 'ok');
          if (outcome.kind === 'ok') {
            known = new Set(outcome.sensors.map((s) => s.sn));
            dispatch({ type: 'snapshot', sensors: outcome.sensors });
            setListed(true);
          }
        } while (refreshAgain);
      } finally {
        refreshing = false;
      }
    };

    const feed = new LiveFeed(() => liveUrl(token), {
      onOpen() {
        setLive('open');
        updateTestHooks({ liveConnected: true });
        void refresh();
      },
      onClose() {
        setLive('reconnecting');
        updateTestHooks({ liveConnected: false });
        // A refused upgrade looks like any other drop; listing tells whether the token still works.
        if (!unauthorized) void refresh();
      },
      onMessage(message) {
        // A sensor registered after the last listing: list again to learn its name and place.
        if (message.type === 'reading' && !known.has(message.sn)) void refresh();
        batch.push(message);
        batchTimer ??= setTimeout(flushBatch, LIVE_BATCH_MS);
      },
    });
    void refresh();

    return () => {
      abort.abort();
      feed.close();
      if (batchTimer !== null) clearTimeout(batchTimer);
      updateTestHooks({ liveConnected: false });
      dispatch({ type: 'clear' });
      setListed(false);
    };
  }, [token, onUnauthorized]);

  return { sensors, live, listFailed, listed };
}
