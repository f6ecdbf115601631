import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import { ApiError, api, setCsrfToken } from '../../lib/api';

export interface Membership {
  businessId: string;
  businessName: string;
  role: 'owner' | 'staff';
}
export interface User {
  id: string;
  email: string;
  role: 'admin' | 'business';
  memberships: Membership[];
}
interface SessionResponse {
  user: User;
  csrfToken: string;
}

type Status = 'loading' | 'anonymous' | 'authenticated';
interface Auth {
  status: Status;
  user: User | null;
  login: (email: string, password: string) => Promise<User>;
  logout: () => Promise<void>;
  refresh: () => Promise<void>;
}

const AuthContext = createContext<Auth | null>(null);

let currentCsrf: string | null = null;
/** For the few raw uploads (CSV/XLSX bodies) that do not go through api(). */
export const csrfHeader = (): Record<string, string> => (currentCsrf ? { 'x-csrf-token': currentCsrf } : {});
function rememberCsrf(token: string | null) {
  currentCsrf = token;
  setCsrfToken(token);
}

export const AUTH = {
  me: '/api/v1/auth/me',
  login: '/api/v1/auth/login',
  logout: '/api/v1/auth/logout',
  lookupInvitation: '/api/v1/auth/invitations/lookup',
  acceptInvitation: '/api/v1/auth/invitations/accept',
  joinInvitation: '/api/v1/auth/invitations/join',
  resetRequest: '/api/v1/auth/password-reset/request',
  resetConfirm: '/api/v1/auth/password-reset/confirm',
};

/** The cookie session of a console user; the CSRF token from login/me is attached to every unsafe request. */
export function AuthProvider({ children }: { children: ReactNode }) {
  const [status, setStatus] = useState<Status>('loading');
  const [user, setUser] = useState<User | null>(null);

  const accept = useCallback((s: SessionResponse) => {
    rememberCsrf(s.csrfToken);
    setUser(s.user);
    setStatus('authenticated');
    return s.user;
  }, []);

  const refresh = useCallback(async () => {
    try {
      accept(await api<SessionResponse>('GET', AUTH.me));
    } catch (e) {
      if (!(e instanceof ApiError) || e.status === 401 || e.status === 404) {
        rememberCsrf(null);
        setUser(null);
        setStatus('anonymous');
        return;
      }
      setStatus('anonymous');
    }
  }, [accept]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const login = useCallback(async (email: string, password: string) => accept(await api<SessionResponse>('POST', AUTH.login, { body: { email, password } })), [accept]);

  const logout = useCallback(async () => {
    try {
      await api('POST', AUTH.logout);
    } finally {
      rememberCsrf(null);
      setUser(null);
      setStatus('anonymous');
    }
  }, []);

  const value = useMemo(() => ({ status, user, login, logout, refresh }), [status, user, login, logout, refresh]);
  return <AuthContext.Provider value={value}>{children}</AuthContext.Provider>;
}

export function useAuth(): Auth {
  const ctx = useContext(AuthContext);
  if (!ctx) throw new Error('useAuth outside AuthProvider');
  return ctx;
}
