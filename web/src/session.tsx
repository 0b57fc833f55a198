/**
 * The signed-in user (GET /api/auth/session), shared by every page. Pages
 * call `setUser` with what login/TOTP/password change answer; a 401 from any
 * call re-reads the session so that an expired one leads back to login.
 */
import { createContext, useCallback, useContext, useEffect, useState, type ReactNode } from 'react';
import { api, onUnauthenticated } from './api/client.ts';
import type { SessionUser } from './api/types.ts';

interface SessionState {
  user: SessionUser | null;
  /** false until the first answer arrived */
  loaded: boolean;
  setUser(user: SessionUser | null): void;
  refresh(): Promise<SessionUser | null>;
  logout(): Promise<void>;
}

const SessionContext = createContext<SessionState | null>(null);

export function SessionProvider({ children }: { children: ReactNode }) {
  const [user, setUser] = useState<SessionUser | null>(null);
  const [loaded, setLoaded] = useState(false);

  const refresh = useCallback(async () => {
    try {
      const s = await api.get<{ user: SessionUser | null }>('/api/auth/session');
      setUser(s.user);
      return s.user;
    } catch {
      setUser(null);
      return null;
    } finally {
      setLoaded(true);
    }
  }, []);

  const logout = useCallback(async () => {
    try {
      await api.post('/api/auth/logout');
    } finally {
      setUser(null);
    }
  }, []);

  useEffect(() => {
    void refresh();
    return onUnauthenticated(() => void refresh());
  }, [refresh]);

  return <SessionContext.Provider value={{ user, loaded, setUser, refresh, logout }}>{children}</SessionContext.Provider>;
}

export function useSession(): SessionState {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
