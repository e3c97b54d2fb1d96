/** The signed-in session, kept in sessionStorage so it ends with the browser tab. */
import type { UserView } from '../../../protocol/api.schema.ts';

/** A signed-in session. */
export interface Session {
  /** Bearer token for the API and the live feed. */
  token: string;
  /** When the token expires, milliseconds since the epoch. */
  expiresAtMs: number;
  user: UserView;
}

const STORAGE_KEY = 'yzg.session';

/** The stored session, or null when there is none or it has expired. */
export function loadSession(nowMs: number = Date.now()): Session | null {
  const raw = sessionStorage.getItem(STORAGE_KEY);
  if (raw === null) return null;
  try {
    const session = JSON.parse(raw) as Session;
    const valid =
      typeof session.token === 'string' &&
      typeof session.expiresAtMs === 'number' &&
      typeof session.user === 'object' &&
      session.user !== null &&
      session.expiresAtMs > nowMs;
    if (!valid) {
      sessionStorage.removeItem(STORAGE_KEY);
      return null;
    }
    return session;
  } catch {
    sessionStorage.removeItem(STORAGE_KEY);
    return null;
  }
}

/** Stores `session` for this tab. */
export function saveSession(session: Session): void {
  sessionStorage.setItem(STORAGE_KEY, JSON.stringify(session));
}

/** Forgets the stored session. */
export function clearSession(): void {
  sessionStorage.removeItem(STORAGE_KEY);
}
