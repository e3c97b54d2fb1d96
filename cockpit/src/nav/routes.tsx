/**
 * Hash routes of the cockpit's views: `#/` big screen (大屏), `#/ops` operator console (指飞),
 * `#/tickets` ticket workbench (工单), `#/tasks` department portal (任务), `#/m` grid worker's phone view
 * (网格员). A grid worker lands on the phone view, a department on its tasks.
 */
import { lazy, useEffect, useState, type ReactNode } from 'react';
import type { Session } from '../session/session-store.ts';

/** The views. */
export const VIEWS = [
  { route: '', label: '大屏', en: 'Big screen' },
  { route: 'ops', label: '指飞', en: 'Flight ops' },
  { route: 'tickets', label: '工单', en: 'Tickets' },
  { route: 'tasks', label: '任务', en: 'Patrol tasks' },
  { route: 'm', label: '网格员', en: 'Grid worker' },
] as const;
/** A view's route. */
export type ViewRoute = (typeof VIEWS)[number]['route'];

/** Props every view page takes. */
export interface PageProps {
  session: Session;
  onLogout(): void;
  onSessionExpired(): void;
}

function routeOf(hash: string): ViewRoute {
  const r = hash.replace(/^#\/?/, '').split(/[/?]/)[0] ?? '';
  return (VIEWS.some((v) => v.route === r) ? r : '') as ViewRoute;
}

/** The current route, following `location.hash`. */
export function useHashRoute(): ViewRoute {
  const [route, setRoute] = useState<ViewRoute>(() => routeOf(window.location.hash));
  useEffect(() => {
    const on = () => setRoute(routeOf(window.location.hash));
    window.addEventListener('hashchange', on);
    return () => window.removeEventListener('hashchange', on);
  }, []);
  return route;
}

const OpsConsolePage = lazy(() => import('../ops/ops-console-page.tsx'));
const WorkbenchPage = lazy(() => import('../tickets/workbench-page.tsx'));
const GridWorkerPage = lazy(() => import('../mobile/grid-worker-page.tsx'));
const TasksPage = lazy(() => import('../tasks/tasks-page.tsx'));

/** Shows the page of the current route; `bigScreen` is the default view. */
export function RoutedPage(props: PageProps & { bigScreen: ReactNode }): ReactNode {
  const route = useHashRoute();
  useEffect(() => {
    if (props.session.user.role === 'grid_worker' && window.location.hash === '') window.location.hash = '#/m';
    if (props.session.user.role === 'department' && window.location.hash === '') window.location.hash = '#/tasks';
  }, [props.session.user.role]);
  const { bigScreen, ...page } = props;
  if (route === 'ops') return <OpsConsolePage {...page} />;
  if (route === 'tickets') return <WorkbenchPage {...page} />;
  if (route === 'm') return <GridWorkerPage {...page} />;
  if (route === 'tasks') return <TasksPage {...page} />;
  return bigScreen;
}

/** Links between the views, for a page's header. */
export function AppNav(): ReactNode {
  const route = useHashRoute();
  return (
    <nav className="app-nav" aria-label="视图 / views">
      {VIEWS.map((v) => (
        <a key={v.route} href={`#/${v.route}`} className={v.route === route ? 'active' : ''} data-view={v.route || 'screen'} title={v.en}>
          {v.label}
        </a>
      ))}
    </nav>
  );
}
