/** The sign-in page: username and password, with progress and clear Chinese errors. */
import { useState, type FormEvent } from 'react';
import { login, type LoginOutcome } from '../api/api-client.ts';
import type { Session } from '../session/session-store.ts';

/** Props of the login page. */
export interface LoginPageProps {
  onLoggedIn(session: Session): void;
  /** Why the user is here again (for example an expired session), shown above the form. */
  notice: string | null;
}

/** The Chinese message for a failed login. */
export function loginErrorMessage(outcome: Exclude<LoginOutcome, { kind: 'ok' }>): string {
  switch (outcome.kind) {
    case 'bad-credentials':
      return '用户名或密码错误，请重新输入';
    case 'invalid':
      return '请输入有效的用户名和密码';
    case 'rate-limited':
      return '尝试次数过多，请稍后再试';
    case 'unreachable':
      return '无法连接服务器，请检查网络后重试';
    case 'failed':
      return `登录失败（${outcome.code}），请稍后再试`;
  }
}

/** The login form. */
export function LoginPage({ onLoggedIn, notice }: LoginPageProps) {
  const [username, setUsername] = useState('');
  const [password, setPassword] = useState('');
  const [pending, setPending] = useState(false);
  const [error, setError] = useState<string | null>(null);

  async function submit(event: FormEvent<HTMLFormElement>): Promise<void> {
    event.preventDefault();
    if (pending) return;
    if (username.trim() === '' || password === '') {
      setError('请输入用户名和密码');
      return;
    }
    setPending(true);
    setError(null);
    const outcome = await login(username.trim(), password);
    if (outcome.kind === 'ok') {
      const { token, expiresInS, user } = outcome.reply;
      onLoggedIn({ token, user, expiresAtMs: Date.now() + expiresInS * 1000 });
      return;
    }
    setPending(false);
    setError(loginErrorMessage(outcome));
  }

  return (
    <div className="login-page">
      <form className="login-card" onSubmit={(e) => void submit(e)} aria-busy={pending} noValidate>
        <h1>禺智管</h1>
        <p className="login-subtitle">
          城市运行驾驶舱<small>Yuzhiguan · City Operations Cockpit</small>
        </p>
        {notice && !error && <p className="login-notice">{notice}</p>}
        <label>
          <span>
            用户名<small>Username</small>
          </span>
          <input
            name="username"
            autoComplete="username"
            value={username}
            disabled={pending}
            onChange={(e) => setUsername(e.target.value)}
            autoFocus
          />
        </label>
        <label>
          <span>
            密码<small>Password</small>
          </span>
          <input
            name="password"
            type="password"
            autoComplete="current-password"
            value={password}
            disabled={pending}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        {error && (
          <p className="login-error" role="alert">
            {error}
          </p>
        )}
        <button type="submit" disabled={pending}>
          {pending && <span className="spinner" aria-hidden="true" />}
          {pending ? '登录中…' : '登录'}
        </button>
      </form>
    </div>
  );
}
