import { DomainError } from '../../platform/errors/index.ts';
import { type IdentityDeps, identityEvent, type RequestMeta } from './deps.ts';
import { hashToken, newToken } from './secrets.ts';

/** A demo account that signs in with one click, as the sign-in page lists it. */
export interface DemoSignIn {
  email: string;
  displayName: string;
  roles: string[];
  organisation: string | null;
}

/**
 * One-click sign-ins for the accounts of a demo installation (src/demo). Only when the installation allows
 * them (never in production) and only for accounts in the demo domain that have a password; the session
 * counts as having passed two factors, so that every staff screen can be tried. Audited like a sign-in.
 */
export function createDemoSignInService(deps: IdentityDeps, demo: { domain: string } | null) {
  const { store, audit, clock } = deps;
  const suffix = demo ? `@${demo.domain}` : null;
  const off = () => new DomainError('not_found', 'This installation has no demo sign-ins.');

  return {
    async list(): Promise<DemoSignIn[]> {
      if (!suffix) throw off();
      const accounts = await store.demoAccounts(suffix);
      const memberships = await store.membershipsOf(accounts.map((a) => a.id));
      return accounts.map((account) => {
        const held = memberships.get(account.id) ?? [];
        return {
          email: account.email,
          displayName: account.display_name,
          roles: held.map((m) => m.role),
          organisation: held.find((m) => m.organisation)?.organisation?.name ?? null,
        };
      });
    },

    async signIn(email: string, meta: RequestMeta): Promise<{ token: string; expiresAt: Date }> {
      if (!suffix) throw off();
      const address = email.trim().toLowerCase();
      const account = address.endsWith(suffix) ? await store.accountByEmail(address) : undefined;
      if (!account?.password_hash || account.erased_at) {
        throw new DomainError('not_found', 'There is no demo account with this address.');
      }
      const now = clock();
      const token = newToken();
      const expiresAt = new Date(now.getTime() + deps.session.absoluteHours * 3600_000);
      const session = await store.insertSession({
        tokenHash: hashToken(token),
        accountId: account.id,
        expiresAt,
        mfaPending: false,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
        clientAddress: meta.clientAddress,
      });
      await store.markSessionMfaVerified(session.id, account.id, now);
      await audit.record(
        identityEvent(
          meta,
          { accountId: account.id, roles: [] },
          {
            action: 'session.sign_in',
            resourceType: 'session',
            resourceId: session.id,
            subjectParticipantId: account.id,
            outcome: 'success',
            details: { demo: true },
          },
        ),
      );
      return { token, expiresAt };
    },
  };
}

export type DemoSignInService = ReturnType<typeof createDemoSignInService>;
