/** The big screen's alarm list: open alarms by urgency, coloured by level, with acknowledge. */
import { useMemo, useState } from 'react';
import type { Role } from '../../../protocol/roles.ts';
import { ALARM_KIND_NAMES_ZH, type AlarmView } from '../../../protocol/sensing.schema.ts';
import { formatReadingTime } from '../sensors/sensor-state.ts';
import { ACK_ROLES, LEVEL_COLORS, LEVEL_NAMES_ZH, sortAlarms, STATE_NAMES_ZH, type AlarmMap } from './alarm-state.ts';
import { acknowledgeAlarm } from './sensing-api.ts';

/** Props of the alarm panel. */
export interface AlarmPanelProps {
  token: string;
  role: Role;
  alarms: AlarmMap;
  /** Applies the alarm the API returned after acknowledging. */
  onAlarm(alarm: AlarmView): void;
  /** An alarm row was clicked: select its sensor. */
  onSelectSensor(sn: string): void;
}

const ACK_ERRORS: Record<string, string> = {
  ALARM_NOT_ACTIVE: '该告警已被确认或已解除',
  FORBIDDEN: '无权确认告警',
};

/** The alarm list panel. */
export function AlarmPanel({ token, role, alarms, onAlarm, onSelectSensor }: AlarmPanelProps) {
  const rows = useMemo(() => sortAlarms(alarms), [alarms]);
  const [pending, setPending] = useState<ReadonlySet<number>>(new Set());
  const [error, setError] = useState<string | null>(null);
  const canAck = ACK_ROLES.includes(role);
  const activeCount = rows.filter((a) => a.state === 'active').length;

  const acknowledge = async (id: number): Promise<void> => {
    setPending((p) => new Set(p).add(id));
    setError(null);
    const outcome = await acknowledgeAlarm(token, id);
    setPending((p) => {
      const next = new Set(p);
      next.delete(id);
      return next;
    });
    if (outcome.kind === 'ok') onAlarm(outcome.value);
    else if (outcome.kind === 'failed') setError(ACK_ERRORS[outcome.code] ?? `确认失败（${outcome.code}）`);
    else setError('确认失败，请重试');
  };

  return (
    <section className="alarm-panel" aria-label="告警列表">
      <h2>
        告警<small>Alarms</small>
        <span className={`alarm-badge${activeCount > 0 ? ' hot' : ''}`} data-testid="alarm-count" title="未确认 / 全部">
          {activeCount}
          <span className="alarm-badge-total">/{rows.length}</span>
        </span>
      </h2>
      {error && (
        <p className="panel-note" role="alert">
          {error}
        </p>
      )}
      {rows.length === 0 && <p className="alarm-empty">暂无告警<small>No open alarms</small></p>}
      <ol className="alarm-list">
        {rows.map((a) => (
          <li
            key={a.id}
            className={`alarm-row alarm-${a.state}`}
            data-alarm-id={a.id}
            data-state={a.state}
            data-level={a.level}
            style={{ borderLeftColor: LEVEL_COLORS[a.level] ?? '#90a4ae' }}
          >
            <button type="button" className="alarm-main" onClick={() => onSelectSensor(a.sourceSn)}>
              <span className="alarm-head">
                <span className="alarm-level" style={{ background: LEVEL_COLORS[a.level] ?? '#90a4ae', color: a.level === 2 ? '#1b1b1b' : '#fff' }}>
                  {LEVEL_NAMES_ZH[a.level] ?? a.level}
                </span>
                <span className="alarm-kind">{ALARM_KIND_NAMES_ZH[a.kind] ?? a.kind}</span>
                <time dateTime={a.raisedAt}>{formatReadingTime(a.raisedAt)}</time>
              </span>
              <span className="alarm-title">{a.title}</span>
              <span className="alarm-sub">
                {a.sourceSn}
                {a.ackedBy && ` · ${a.ackedBy} 已确认`}
              </span>
            </button>
            {a.state === 'active' && canAck ? (
              <button type="button" className="alarm-ack" disabled={pending.has(a.id)} onClick={() => void acknowledge(a.id)}>
                确认<small>Ack</small>
              </button>
            ) : (
              <span className="alarm-state">{STATE_NAMES_ZH[a.state]}</span>
            )}
          </li>
        ))}
      </ol>
    </section>
  );
}
