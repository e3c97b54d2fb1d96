/** React hook: open alarms and rain mode from the API, kept live by `alarm` and `rain-mode` messages. */
import { useCallback, useEffect, useState } from 'react';
import type { AlarmView, RainModeView } from '../../../protocol/sensing.schema.ts';
import { liveUrl } from '../api/api-client.ts';
import { reconnectDelayMs } from '../api/live-feed.ts';
import { testHooks, type YzgTestHooks } from '../test-hooks/test-hooks.ts';
import { applyAlarm, applyAlarmSnapshot, sortAlarms, type AlarmMap, type RainModeMap } from './alarm-state.ts';
import { fetchAlarms, fetchRainModes } from './sensing-api.ts';

/** One alarm as the list shows it, for browser tests. */
export interface YzgAlarmHook {
  id: number;
  kind: string;
  level: number;
  state: string;
  sourceSn: string;
  title: string;
}

declare module '../test-hooks/test-hooks.ts' {
  interface YzgTestHooks {
    /** Open alarms in list order. */
    alarms?: YzgAlarmHook[];
    /** Rain mode by town code: active, source and signal. */
    rainModes?: Record<string, { active: boolean; source: string; signal: string }>;
  }
}

/** What the hook returns. */
export interface Sensing {
  alarms: AlarmMap;
  rainModes: RainModeMap;
  /** Applies an alarm the API returned (e.g. after acknowledging it). */
  applyAlarm(alarm: AlarmView): void;
  /** Applies a rain mode the API returned (e.g. after switching it). */
  applyRainMode(mode: RainModeView): void;
}

const EMPTY_ALARMS: AlarmMap = new Map();
const EMPTY_MODES: RainModeMap = new Map();

function publishHooks(patch: Partial<YzgTestHooks>): void {
  Object.assign(testHooks(), patch);
}

/** Lists alarms and rain modes, and keeps them live over a WebSocket of its own (re-listing on reconnect). */
export function useSensing(token: string, onUnauthorized: () => void): Sensing {
  const [alarms, setAlarms] = useState<AlarmMap>(EMPTY_ALARMS);
  const [rainModes, setRainModes] = useState<RainModeMap>(EMPTY_MODES);

  const onAlarm = useCallback((alarm: AlarmView) => setAlarms((s) => applyAlarm(s, alarm)), []);
  const onRainMode = useCallback(
    (mode: RainModeView) => setRainModes((s) => new Map(s).set(mode.regionCode, mode)),
    [],
  );

  useEffect(() => {
    const abort = new AbortController();
    let socket: WebSocket | null = null;
    let retry: ReturnType<typeof setTimeout> | null = null;
    let attempt = 0;

    const refresh = async (): Promise<void> => {
      const [a, r] = await Promise.all([fetchAlarms(token, 'open', 200, abort.signal), fetchRainModes(token, abort.signal)]);
      if (abort.signal.aborted) return;
      if (a.kind === 'unauthorized' || r.kind === 'unauthorized') {
        onUnauthorized();
        return;
      }
      if (a.kind === 'ok') setAlarms((s) => applyAlarmSnapshot(s, a.value));
      if (r.kind === 'ok') setRainModes(new Map(r.value.map((m) => [m.regionCode, m])));
    };

    const connect = (): void => {
      if (abort.signal.aborted) return;
      const ws = new WebSocket(liveUrl(token));
      socket = ws;
      ws.onopen = () => {
        attempt = 0;
        void refresh().catch(() => undefined);
      };
      ws.onmessage = (event: MessageEvent) => {
        if (typeof event.data !== 'string') return;
        let m: { type?: unknown; alarm?: AlarmView; rainMode?: RainModeView };
        try {
          m = JSON.parse(event.data) as typeof m;
        } catch {
          return;
        }
        if (m.type === 'alarm' && m.alarm && typeof m.alarm.id === 'number') onAlarm(m.alarm);
        else if (m.type === 'rain-mode' && m.rainMode && typeof m.rainMode.regionCode === 'string') onRainMode(m.rainMode);
      };
      ws.onclose = () => {
        if (abort.signal.aborted || socket !== ws) return;
        socket = null;
        retry = setTimeout(connect, reconnectDelayMs(attempt++));
      };
    };
    void refresh().catch(() => undefined);
    connect();

    return () => {
      abort.abort();
      if (retry !== null) clearTimeout(retry);
      socket?.close(1000, 'client closed');
      setAlarms(EMPTY_ALARMS);
      setRainModes(EMPTY_MODES);
    };
  }, [token, onUnauthorized, onAlarm, onRainMode]);

  useEffect(() => {
    publishHooks({
      alarms: sortAlarms(alarms).map((a) => ({ id: a.id, kind: a.kind, level: a.level, state: a.state, sourceSn: a.sourceSn, title: a.title })),
    });
  }, [alarms]);
  useEffect(() => {
    publishHooks({
      rainModes: Object.fromEntries([...rainModes.values()].map((m) => [m.regionCode, { active: m.active, source: m.source, signal: m.signal }])),
    });
  }, [rainModes]);

  return { alarms, rainModes, applyAlarm: onAlarm, applyRainMode: onRainMode };
}
