import type { AccessPolicy } from '../../platform/access/index.ts';
import type { Audit } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { Mailer } from '../../platform/mail/index.ts';
import type { Tasks } from '../../platform/tasks/index.ts';
import { createAdminService } from './admin-service.ts';
import { createAuthService } from './auth-service.ts';
import { identityRoutes } from './routes.ts';
import { createSecretBox } from './secrets.ts';
import { createSessionCache, invalidatingStore } from './session-cache.ts';
import { createIdentityStore } from './store.ts';

export type { SessionContext } from './auth-service.ts';
export { ORGANISATION_TYPES } from './model.ts';
export { identityRules } from './policy.ts';
export { registerAuthentication, requireActor, SESSION_COOKIE } from './routes.ts';

export const identityMigrations = { module: 'identity', dir: new URL('./migrations/', import.meta.url) };

export interface IdentityModuleDeps {
  db: Db;
  access: AccessPolicy;
  audit: Audit;
  mailer: Mailer;
  tasks: Tasks;
  secret: string;
  publicUrl: string;
  session: { idleMinutes: number; absoluteHours: number; secureCookies: boolean; cacheSeconds: number };
  clock?: () => Date;
}

/** Accounts, sessions, two factors, organisations, memberships and invitations. */
export function createIdentityModule(deps: IdentityModuleDeps) {
  const sessionCache = createSessionCache(deps.session.cacheSeconds * 1000);
  const serviceDeps = {
    store: invalidatingStore(createIdentityStore(deps.db), sessionCache),
    sessionCache,
    access: deps.access,
    audit: deps.audit,
    mailer: deps.mailer,
    tasks: deps.tasks,
    secretBox: createSecretBox(deps.secret),
    clock: deps.clock ?? (() => new Date()),
    publicUrl: deps.publicUrl,
    session: deps.session,
  };
  const auth = createAuthService(serviceDeps);
  const admin = createAdminService(serviceDeps);
  return {
    auth,
    admin,
    /**
     * Accounts whose e-mail address or name contains the text, for modules that find people for support.
     * No access check here: the calling module checks its own action first.
     */
    async findAccounts(query: string, limit: number) {
      const rows = await serviceDeps.store.searchAccounts(query, limit);
      return rows.map((row) => ({ id: row.id, email: row.email, displayName: row.display_name }));
    },
    /** Where and in which language to write to a person, for modules that send them mail. */
    async contactOf(
      accountId: string,
    ): Promise<{ email: string; locale: 'nl' | 'en'; displayName: string } | undefined> {
      const row = await serviceDeps.store.accountById(accountId);
      return row ? { email: row.email, locale: row.locale, displayName: row.display_name } : undefined;
    },
    routes: identityRoutes({ auth, admin, secureCookies: deps.session.secureCookies }),
  };
}

export type IdentityModule = ReturnType<typeof createIdentityModule>;
