/** The cockpit application: the login page, or the big screen once signed in. */
import { lazy, Suspense, useCallback, useEffect, useState } from 'react';
import { LoginPage } from './login/login-page.tsx';
import { clearSession, loadSession, saveSession, type Session } from './session/session-store.ts';
import { RoutedPage } from './nav/routes.tsx';

// Cesium is most of the bundle: load it only for the big screen, and start fetching it at once.
const loadBigScreen = () => import('./screen/big-screen-page.tsx');
const BigScreenPage = lazy(loadBigScreen);

const EXPIRED_NOTICE = '登录已过期，请重新登录';
/** Longest delay setTimeout accepts, milliseconds. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/** Root component. */
export function App() {
  const [session, setSession] = useState<Session | null>(() => loadSession());
  const [notice, setNotice] = useState<string | null>(null);

  useEffect(() => {
    void loadBigScreen();
  }, []);

  const logIn = useCallback((s: Session) => {
    saveSession(s);
    setNotice(null);
    setSession(s);
  }, []);
  const logOut = useCallback(() => {
    clearSession();
    setSession(null);
  }, []);
  const expire = useCallback(() => {
    clearSession();
    setNotice(EXPIRED_NOTICE);
    setSession(null);
  }, []);

  useEffect(() => {
    if (!session) return;
    const timer = setTimeout(expire, Math.min(MAX_TIMER_MS, Math.max(0, session.expiresAtMs - Date.now())));
    return () => clearTimeout(timer);
  }, [session, expire]);

  if (!session) return <LoginPage onLoggedIn={logIn} notice={notice} />;
  return (
    <Suspense
      fallback={
        <div className="page-loading" role="status">
          <span className="spinner" aria-hidden="true" />
          驾驶舱加载中…
        </div>
      }
    >
      <RoutedPage session={session} onLogout={logOut} onSessionExpired={expire} bigScreen={<BigScreenPage session={session} onLogout={logOut} onSessionExpired={expire} />} />
    </Suspense>
  );
}
