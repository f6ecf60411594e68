import { createContext, useContext } from 'react';
import { useTranslation } from 'react-i18next';
import { Navigate, Outlet, useLocation } from 'react-router';
import type { Me, Role } from '../api-types.ts';
import { hasRole, useMe } from '../hooks/use-me.ts';
import { Loading, QueryError } from './notices.tsx';
import { Page } from './page.tsx';

const SessionContext = createContext<Me | null>(null);

/** The signed-in person, inside a route wrapped in {@link RequireSession}. */
export function useSession(): Me {
  const me = useContext(SessionContext);
  if (!me) throw new Error('useSession() is used outside <RequireSession>.');
  return me;
}

/** Where to come back after signing in: only paths of this app. */
export function safeNext(next: string | null | undefined): string {
  return next?.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
}

/** Routes below need a session: without one, go to the sign-in page and come back afterwards. */
export function RequireSession() {
  const me = useMe();
  const location = useLocation();
  if (me.isPending) return <Loading />;
  if (me.isError) return <QueryError error={me.error} />;
  if (!me.data) {
    const next = encodeURIComponent(location.pathname + location.search);
    return <Navigate to={`/sign-in?next=${next}`} replace />;
  }
  return (
    <SessionContext.Provider value={me.data}>
      <Outlet />
    </SessionContext.Provider>
  );
}

/** Routes below need the role `roleName`, or one of them (inside {@link RequireSession}). */
export function RequireRole({ roleName }: { roleName: Role | readonly Role[] }) {
  const me = useSession();
  const { t } = useTranslation();
  const wanted: readonly Role[] = typeof roleName === 'string' ? [roleName] : roleName;
  if (!wanted.some((role) => hasRole(me, role))) {
    return (
      <Page title={t('forbidden.title')}>
        <p>{t('forbidden.text')}</p>
      </Page>
    );
  }
  return <Outlet />;
}
