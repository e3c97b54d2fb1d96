/** The big-screen view: header, globe with live sensor markers, sensor panel and legend. */
import { useCallback, useMemo, useState } from 'react';
import { GlobeView, type FocusRequest } from '../globe/globe-view.tsx';
import type { Session } from '../session/session-store.ts';
import { countSensors, sortWorstFirst } from '../sensors/sensor-state.ts';
import { useLiveSensors } from '../sensors/use-live-sensors.ts';
import { BandLegend } from './band-legend.tsx';
import { ScreenHeader } from './screen-header.tsx';
import { SensorPanel } from './sensor-panel.tsx';
import { AlarmPanel } from '../alarms/alarm-panel.tsx';
import { useSensing } from '../alarms/use-sensing.ts';
import { SensorChart } from '../charts/sensor-chart.tsx';
import { RainBanner } from '../rain/rain-banner.tsx';
import { RainLegend } from '../rain/rain-legend.tsx';

/** Props of the big screen. */
export interface BigScreenPageProps {
  session: Session;
  onLogout(): void;
  /** The API refused the session's token (expired or revoked). */
  onSessionExpired(): void;
}

/** The cockpit's main view. */
export default function BigScreenPage({ session, onLogout, onSessionExpired }: BigScreenPageProps) {
  const { sensors, live, listFailed, listed } = useLiveSensors(session.token, onSessionExpired);
  const rows = useMemo(() => sortWorstFirst(sensors), [sensors]);
  const counts = useMemo(() => countSensors(rows), [rows]);
  const [selectedSn, setSelectedSn] = useState<string | null>(null);
  const [focus, setFocus] = useState<FocusRequest | null>(null);
  const sensing = useSensing(session.token, onSessionExpired);
  const selectedSensor = selectedSn === null ? undefined : sensors.get(selectedSn);

  const selectAndFly = useCallback((sn: string) => {
    setSelectedSn(sn);
    setFocus((f) => ({ sn, nonce: (f?.nonce ?? 0) + 1 }));
  }, []);
  const showOverview = useCallback(() => {
    setSelectedSn(null);
    setFocus((f) => ({ sn: null, nonce: (f?.nonce ?? 0) + 1 }));
  }, []);

  return (
    <div className="big-screen">
      <ScreenHeader user={session.user} counts={counts} live={live} onLogout={onLogout} />
      <main className="stage">
        <GlobeView rows={rows} selectedSn={selectedSn} focus={focus} onPick={setSelectedSn} />
        <BandLegend />
        <button type="button" className="overview-button" onClick={showOverview}>
          全区视图<small>Overview</small>
        </button>
        <SensorPanel rows={rows} selectedSn={selectedSn} loading={!listed} stale={listFailed} onSelect={selectAndFly} />
        <RainLegend />
        <AlarmPanel token={session.token} role={session.user.role} alarms={sensing.alarms} onAlarm={sensing.applyAlarm} onSelectSensor={selectAndFly} />
        <RainBanner token={session.token} role={session.user.role} rainModes={sensing.rainModes} onRainMode={sensing.applyRainMode} />
        {selectedSensor && (
          <SensorChart key={selectedSensor.sn} token={session.token} sensor={selectedSensor} alarms={sensing.alarms} onClose={() => setSelectedSn(null)} />
        )}
      </main>
    </div>
  );
}
