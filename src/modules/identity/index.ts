import type { FastifyInstance } from 'fastify';
import type { AccessPolicy } from '../../platform/access/index.ts';
import type { Audit } from '../../platform/audit/index.ts';
import type { Db } from '../../platform/db/index.ts';
import { exportRows, type TableExport } from '../../platform/export/index.ts';
import type { Mailer } from '../../platform/mail/index.ts';
import { createSecretBox } from '../../platform/secrets/index.ts';
import type { Tasks } from '../../platform/tasks/index.ts';
import { createAdminService } from './admin-service.ts';
import { apiTokenRoutes, createApiTokenService } from './api-tokens.ts';
import { createAuthService } from './auth-service.ts';
import { createDemoSignInService } from './demo-service.ts';
import { identityRoutes, requireActor, requireSession } from './routes.ts';
import { createSessionCache, invalidatingStore } from './session-cache.ts';
import { createIdentityStore } from './store.ts';

export type { SessionContext } from './auth-service.ts';
export { ORGANISATION_TYPES, type OrganisationType } from './model.ts';
export { identityRules } from './policy.ts';
export { registerAuthentication, requireActor, SESSION_COOKIE } from './routes.ts';
export { createIdentitySeeder, type IdentitySeeder, type SeedAccount } from './seed.ts';

export interface IdentityModuleDeps {
  db: Db;
  access: AccessPolicy;
  audit: Audit;
  mailer: Mailer;
  tasks: Tasks;
  secret: string;
  publicUrl: string;
  session: { idleMinutes: number; absoluteHours: number; secureCookies: boolean; cacheSeconds: number };
  /** One-click sign-ins for the accounts of this address domain (demo installations; never in production). */
  demoSignIns?: { domain: string } | null;
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
    // The context keeps the key of the two-factor secrets sealed before the box moved to the platform.
    secretBox: createSecretBox(deps.secret, 'totp'),
    clock: deps.clock ?? (() => new Date()),
    publicUrl: deps.publicUrl,
    session: deps.session,
  };
  const auth = createAuthService(serviceDeps);
  const admin = createAdminService(serviceDeps);
  const demo = createDemoSignInService(serviceDeps, deps.demoSignIns ?? null);
  const apiTokens = createApiTokenService(serviceDeps);
  const identity = identityRoutes({ auth, admin, demo, secureCookies: deps.session.secureCookies });
  const tokens = apiTokenRoutes({ apiTokens, requireActor, requireSession });
  return {
    auth,
    admin,
    apiTokens,
    /**
     * Accounts whose e-mail address or name contains the text, for modules that find people for support.
     * No access check here: the calling module checks its own action first.
     */
    async findAccounts(query: string, limit: number) {
      const rows = await serviceDeps.store.searchAccounts(query, limit);
      return rows.map((row) => ({ id: row.id, email: row.email, displayName: row.display_name }));
    },
    /** The person's identity data for their GDPR export: no password hash, tokens or two-factor secrets. */
    async exportFor(accountId: string): Promise<TableExport[]> {
      const store = serviceDeps.store;
      const [account, sessions, memberships] = await Promise.all([
        store.accountById(accountId),
        store.allSessionsOf(accountId),
        store.membershipsOf([accountId]),
      ]);
      return [
        {
          table: 'accounts',
          description: {
            nl: 'Uw account: e-mailadres, naam, taal en wanneer u dingen instelde.',
            en: 'Your account: e-mail address, name, language and when you set things up.',
          },
          rows: account
            ? exportRows([
                {
                  id: account.id,
                  email: account.email,
                  display_name: account.display_name,
                  locale: account.locale,
                  email_verified_at: account.email_verified_at,
                  two_factor_since: account.totp_enabled_at,
                  created_at: account.created_at,
                },
              ])
            : [],
        },
        {
          table: 'sessions',
          description: {
            nl: 'Wanneer en vanaf welk apparaat u was ingelogd.',
            en: 'When and from which device you were signed in.',
          },
          rows: exportRows(
            sessions.map((s) => ({
              id: s.id,
              created_at: s.created_at,
              last_seen_at: s.last_seen_at,
              expires_at: s.expires_at,
              ended_at: s.ended_at,
              second_factor_at: s.mfa_verified_at,
              user_agent: s.user_agent,
              client_address: s.client_address,
            })),
          ),
        },
        {
          table: 'memberships',
          description: { nl: 'Uw rollen op het platform.', en: 'Your roles on the platform.' },
          rows: exportRows(
            (memberships.get(accountId) ?? []).map((m) => ({
              id: m.membershipId,
              role: m.role,
              organisation: m.organisation?.name ?? null,
            })),
          ),
        },
      ];
    },
    /** The roles an account holds, for modules that check who may be given a task (a coach, say). */
    async rolesOf(accountId: string) {
      return ((await serviceDeps.store.membershipsOf([accountId])).get(accountId) ?? []).map((m) => m.role);
    },
    /** Ends every session of a person at once (leaving the Citizen Lab, say). */
    endSessions: (accountId: string) => serviceDeps.store.endSessionsOfAccount(accountId, new Date()),
    /** Erasure: the account becomes a tombstone that cannot sign in. */
    tombstone: async (accountId: string) => {
      sessionCache.forgetAccount(accountId);
      return serviceDeps.store.tombstone(accountId, new Date());
    },
    /** Where and in which language to write to a person, for modules that send them mail. */
    async contactOf(
      accountId: string,
    ): Promise<{ email: string; locale: 'nl' | 'en'; displayName: string } | undefined> {
      const row = await serviceDeps.store.accountById(accountId);
      return row ? { email: row.email, locale: row.locale, displayName: row.display_name } : undefined;
    },
    async routes(app: FastifyInstance) {
      await identity(app);
      await tokens(app);
    },
  };
}

export type IdentityModule = ReturnType<typeof createIdentityModule>;
