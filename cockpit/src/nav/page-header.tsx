/** The header of a full-screen view: title, links between the views, live status, the signed-in person and 退出登录. */
import type { ReactNode } from 'react';
import type { Session } from '../session/session-store.ts';
import { AppNav } from './routes.tsx';

/** Props of the header. */
export interface PageHeaderProps {
  /** Chinese title and its English line. */
  title: string;
  subtitle: string;
  session: Session;
  /** Whether the live WebSocket is open. */
  live: boolean;
  onLogout(): void;
  className?: string;
  children?: ReactNode;
}

/** The header (styled by `.ops-header` in ops-console.css). */
export function PageHeader({ title, subtitle, session, live, onLogout, className, children }: PageHeaderProps) {
  return (
    <header className={`ops-header${className ? ` ${className}` : ''}`}>
      <div className="ops-brand">
        <h1>
          {title}
          <small>{subtitle}</small>
        </h1>
      </div>
      <AppNav />
      {children}
      <div className="ops-session">
        <span className={`ops-live ${live ? 'open' : 'closed'}`} data-testid="live-status">
          {live ? '实时连接' : '连接中…'}
        </span>
        <span data-testid="user">
          {session.user.displayName}
          <small>{session.user.role}</small>
        </span>
        <button type="button" className="ops-logout" onClick={onLogout}>
          退出登录
        </button>
      </div>
    </header>
  );
}
