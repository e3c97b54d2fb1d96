/** Side panel listing the sensors worst first; a click focuses the sensor on the map. */
import { useEffect, useRef } from 'react';
import {
  formatDepthCm,
  formatReadingTime,
  SENSOR_BAND_COLORS,
  SENSOR_BAND_LABELS_ZH,
  type SensorRow,
} from '../sensors/sensor-state.ts';

/** Props of the sensor panel. */
export interface SensorPanelProps {
  rows: readonly SensorRow[];
  selectedSn: string | null;
  /** True while the first listing is still on its way. */
  loading: boolean;
  /** True when the last listing failed, so the figures may be stale. */
  stale: boolean;
  onSelect(sn: string): void;
}

/** The list of waterlogging sensors. */
export function SensorPanel({ rows, selectedSn, loading, stale, onSelect }: SensorPanelProps) {
  const listRef = useRef<HTMLOListElement>(null);

  useEffect(() => {
    if (selectedSn === null) return;
    listRef.current?.querySelector(`[data-sn="${CSS.escape(selectedSn)}"]`)?.scrollIntoView({ block: 'nearest' });
  }, [selectedSn]);

  return (
    <aside className="sensor-panel" aria-label="积水监测点">
      <h2>
        积水监测点<small>Waterlogging sensors</small>
      </h2>
      {stale && (
        <p className="panel-note" role="alert">
          数据刷新失败，正在重试
        </p>
      )}
      {loading && <p className="panel-note">加载中…</p>}
      {!loading && rows.length === 0 && <p className="panel-note">暂无传感器</p>}
      <ol ref={listRef} className="sensor-list">
        {rows.map(({ sensor, band }) => (
          <li key={sensor.sn}>
            <button
              type="button"
              className={`sensor-row${sensor.sn === selectedSn ? ' selected' : ''}${sensor.online ? '' : ' offline'}`}
              data-sn={sensor.sn}
              data-band={band}
              aria-pressed={sensor.sn === selectedSn}
              onClick={() => onSelect(sensor.sn)}
            >
              <span className="band-bar" style={{ background: SENSOR_BAND_COLORS[band] }} aria-hidden="true" />
              <span className="sensor-main">
                <span className="sensor-name">{sensor.name}</span>
                <span className="sensor-town">
                  {sensor.regionName} · {sensor.sn}
                </span>
              </span>
              <span className="sensor-depth" data-testid="depth">
                {formatDepthCm(sensor.latest?.depthMm)}
              </span>
              <span className="sensor-meta">
                <span className="band-chip" style={{ background: SENSOR_BAND_COLORS[band], color: band === 'notice' ? '#1b1b1b' : '#fff' }}>
                  {SENSOR_BAND_LABELS_ZH[band]}
                </span>
                <span className={sensor.online ? 'online' : 'offline-text'}>{sensor.online ? '在线' : '离线'}</span>
                <time dateTime={sensor.latest?.ts}>{formatReadingTime(sensor.latest?.ts)}</time>
              </span>
            </button>
          </li>
        ))}
      </ol>
    </aside>
  );
}
