/** Telemetry of the selected dock's drone (mode, armed, height, speed, battery, link) and the dock's health alarms. */
import { COPTER_MODE_LABELS_ZH, type CopterMode, type VehicleAlarm } from '../../../protocol/vehicle.schema.ts';
import { DOCK_STATE_LABELS_ZH, type DockView } from '../../../protocol/dock.schema.ts';

/** Battery at or below this is shown as low, percent. */
const BATTERY_LOW_PCT = 30;
/** Battery at or below this is shown as critical, percent. */
const BATTERY_CRITICAL_PCT = 15;
/** A drone silent for longer than this is shown as stale, milliseconds. */
const HEARTBEAT_STALE_MS = 5_000;

const HMS_LEVEL_ZH = { notice: '提示', caution: '注意', warning: '警告' } as const;

/** Chinese label of a flight mode name. */
export function modeLabel(mode: string): string {
  return COPTER_MODE_LABELS_ZH[mode as CopterMode] ?? mode;
}

/** Props of the telemetry panel. */
export interface TelemetryPanelProps {
  dock: DockView;
  vehicleAlarms: readonly VehicleAlarm[];
  linkLost: boolean;
  lastHeartbeatMs: number | undefined;
  nowMs: number;
}

/** A small battery gauge. */
export function BatteryGauge({ pct }: { pct: number }) {
  const level = pct <= BATTERY_CRITICAL_PCT ? 'critical' : pct <= BATTERY_LOW_PCT ? 'low' : 'ok';
  const clamped = Math.max(0, Math.min(100, pct));
  return (
    <span className={`battery-gauge battery-${level}`} role="meter" aria-label="电量 / battery" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(clamped)}>
      <span className="battery-fill" style={{ width: `${clamped}%` }} />
    </span>
  );
}

/** The telemetry panel. */
export function TelemetryPanel({ dock, vehicleAlarms, linkLost, lastHeartbeatMs, nowMs }: TelemetryPanelProps) {
  const t = dock.drone;
  const ageMs = lastHeartbeatMs === undefined ? null : Math.max(0, nowMs - lastHeartbeatMs);
  const stale = ageMs === null || ageMs > HEARTBEAT_STALE_MS;
  return (
    <section
      className="ops-telemetry"
      aria-label="遥测 / telemetry"
      data-testid="telemetry"
      data-sn={dock.sn}
      data-has-drone={t !== null}
      data-mode={t?.mode ?? ''}
      data-armed={t?.armed ?? false}
      data-lat={t?.lat ?? ''}
      data-lon={t?.lon ?? ''}
      data-alt-m={t?.altAmslM ?? ''}
      data-alt-rel-m={t?.altRelM ?? ''}
      data-battery-pct={t?.batteryPct ?? ''}
      data-link-lost={linkLost}
    >
      <h2>
        {dock.name} 无人机<small>{dock.sn} · 机库 {dock.online ? (dock.state ? DOCK_STATE_LABELS_ZH[dock.state] : '未知') : '离线'}</small>
      </h2>
      {linkLost && (
        <p className="ops-critical" role="alert">
          链路中断 / link lost
        </p>
      )}
      {t === null ? (
        <p className="ops-note">暂无遥测 / no telemetry yet</p>
      ) : (
        <dl className="ops-readings">
          <div>
            <dt>模式</dt>
            <dd data-testid="mode">{modeLabel(t.mode)}</dd>
          </div>
          <div>
            <dt>解锁</dt>
            <dd data-testid="armed" className={t.armed ? 'armed' : ''}>
              {t.armed ? '已解锁' : '未解锁'}
            </dd>
          </div>
          <div>
            <dt>相对高度</dt>
            <dd data-testid="alt-rel">{t.altRelM.toFixed(1)} m</dd>
          </div>
          <div>
            <dt>海拔高度</dt>
            <dd data-testid="alt-amsl">{t.altAmslM.toFixed(1)} m</dd>
          </div>
          <div>
            <dt>地速</dt>
            <dd data-testid="speed">{t.groundSpeedMps.toFixed(1)} m/s</dd>
          </div>
          <div>
            <dt>爬升</dt>
            <dd>{t.climbMps.toFixed(1)} m/s</dd>
          </div>
          <div className="ops-battery">
            <dt>电量</dt>
            <dd>
              <BatteryGauge pct={t.batteryPct} />
              <span data-testid="battery">{t.batteryPct.toFixed(0)}%</span>
              <small>{t.voltageV.toFixed(1)} V</small>
            </dd>
          </div>
          <div>
            <dt>链路</dt>
            <dd data-testid="link" className={stale || linkLost ? 'stale' : ''}>
              {t.linkQualityPct.toFixed(0)}%<small>{ageMs === null ? '无心跳' : `${(ageMs / 1000).toFixed(0)} 秒前`}</small>
            </dd>
          </div>
        </dl>
      )}
      <h3>
        健康告警<small>HMS alarms</small>
      </h3>
      {dock.alarms.length === 0 && vehicleAlarms.length === 0 ? (
        <p className="ops-note" data-testid="no-alarms">
          无告警 / none
        </p>
      ) : (
        <ul className="ops-alarms" data-testid="alarms">
          {dock.alarms.map((a) => (
            <li key={a.code} className={`hms-${a.level}`} data-code={a.code}>
              <b>{HMS_LEVEL_ZH[a.level]}</b> {a.message}
              <time dateTime={a.since}>{new Date(a.since).toLocaleTimeString('zh-CN', { hour12: false })}</time>
            </li>
          ))}
          {vehicleAlarms.slice(0, 5).map((a) => (
            <li key={`${a.ts}-${a.kind}`} className={`vehicle-${a.level}`} data-kind={a.kind}>
              <b>{a.level === 'critical' ? '严重' : a.level === 'warning' ? '警告' : '信息'}</b> {a.message}
              <time dateTime={a.ts}>{new Date(a.ts).toLocaleTimeString('zh-CN', { hour12: false })}</time>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}
