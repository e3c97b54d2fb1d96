/** The big screen's header: title, counts, live-feed indicator, user and logout. */
import { ROLE_LABELS_ZH } from '../../../protocol/roles.ts';
import type { UserView } from '../../../protocol/api.schema.ts';
import type { SensorCounts } from '../sensors/sensor-state.ts';
import type { LiveStatus } from '../sensors/use-live-sensors.ts';

/** Props of the header. */
export interface ScreenHeaderProps {
  user: UserView;
  counts: SensorCounts;
  live: LiveStatus;
  onLogout(): void;
}

const LIVE_LABELS: Record<LiveStatus, string> = {
  connecting: '连接中',
  open: '实时连接',
  reconnecting: '重连中',
};

/** Title bar of the cockpit. */
export function ScreenHeader({ user, counts, live, onLogout }: ScreenHeaderProps) {
  return (
    <header className="screen-header">
      <div className="brand">
        <h1>禺智管 · 城市运行驾驶舱</h1>
        <p>Yuzhiguan · Panyu City Operations Cockpit</p>
      </div>
      <dl className="counts">
        <div>
          <dt>传感器总数</dt>
          <dd data-testid="count-total">{counts.total}</dd>
        </div>
        <div>
          <dt>在线</dt>
          <dd data-testid="count-online">{counts.online}</dd>
        </div>
        <div className={counts.warningOrWorse > 0 ? 'alarm' : undefined}>
          <dt>预警及以上</dt>
          <dd data-testid="count-warning">{counts.warningOrWorse}</dd>
        </div>
      </dl>
      <div className="session">
        <span className={`live live-${live}`} data-testid="live-status" data-live={live} role="status">
          <span className="live-dot" aria-hidden="true" />
          {LIVE_LABELS[live]}
        </span>
        <span className="user" data-testid="user">
          {user.displayName}
          <small>{ROLE_LABELS_ZH[user.role]}</small>
        </span>
        <button type="button" className="logout" onClick={onLogout}>
          退出登录
        </button>
      </div>
    </header>
  );
}
