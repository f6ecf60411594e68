import type { Actor, Role } from '../../platform/access/index.ts';
import {
  conflict,
  DomainError,
  forbidden,
  invalidFields,
  invalidToken,
  notFound,
} from '../../platform/errors/index.ts';
import { type IdentityDeps, identityEvent, type RequestMeta } from './deps.ts';
import { identityMails } from './mails.ts';
import { type Locale, normaliseEmail, type OrganisationType, TOKEN_LIFETIME_MS } from './model.ts';
import { hashPassword, hashToken, newToken } from './secrets.ts';
import { type AccountRow, toAccount, toOrganisation } from './store.ts';

/** The first administrator, organisations, people and their roles, and invitations. */
export function createAdminService(deps: IdentityDeps) {
  const { store, access, audit, mailer, clock, publicUrl } = deps;
  const administration = { purpose: 'administration' as const };

  async function validInvitation(token: string) {
    const invitation = await store.invitationByTokenHash(hashToken(token));
    const now = clock();
    if (!invitation || invitation.accepted_at || invitation.revoked_at || invitation.expires_at <= now) {
      throw invalidToken();
    }
    return invitation;
  }

  return {
    /** True while no one holds the administrator role. */
    async setupNeeded(): Promise<boolean> {
      return (await store.countRole('administrator')) === 0;
    },

    /**
     * A fresh one-time link to create the first administrator, printed at start on an empty platform.
     * Earlier links stop working; undefined once an administrator exists.
     */
    async issueSetupLink(): Promise<string | undefined> {
      if (!(await this.setupNeeded())) return undefined;
      const now = clock();
      await store.voidTokens('bootstrap_admin', null, now);
      const token = newToken();
      await store.insertToken(
        hashToken(token),
        'bootstrap_admin',
        null,
        new Date(now.getTime() + TOKEN_LIFETIME_MS.bootstrap_admin),
      );
      return `${publicUrl}/setup?token=${encodeURIComponent(token)}`;
    },

    async createFirstAdministrator(
      input: { token: string; email: string; password: string; displayName: string; locale: Locale },
      meta: RequestMeta,
    ): Promise<void> {
      const passwordHash = await hashPassword(input.password);
      const now = clock();
      const account = await store.transaction(async (trx) => {
        if (!(await store.consumeToken(hashToken(input.token), 'bootstrap_admin', now, trx)))
          throw invalidToken();
        // A link printed at start stays valid for a day; once an administrator exists another way
        // (the command line), it must not make a second one.
        if ((await store.countRole('administrator', trx)) > 0) throw invalidToken();
        const created = await store.insertAccount(
          {
            email: normaliseEmail(input.email),
            displayName: input.displayName,
            passwordHash,
            locale: input.locale,
            emailVerifiedAt: now,
          },
          trx,
        );
        if (!created) throw invalidFields({ email: 'An account with this e-mail address exists already.' });
        await store.addMembership(created.id, 'administrator', null, trx);
        return created;
      });
      await audit.record(
        identityEvent(meta, null, {
          action: 'account.create_first_administrator',
          resourceType: 'account',
          resourceId: account.id,
          subjectParticipantId: account.id,
          outcome: 'success',
        }),
      );
    },

    /**
     * Creates an account with roles from the command line; returns a link to set its password.
     * An existing account gets the roles added.
     */
    async createUser(input: {
      email: string;
      displayName: string;
      roles: Role[];
      organisationId: string | null;
      locale: Locale;
    }): Promise<{ accountId: string; created: boolean; setPasswordUrl: string }> {
      const now = clock();
      const email = normaliseEmail(input.email);
      const { account, created } = await store.transaction(async (trx) => {
        const inserted = await store.insertAccount(
          {
            email,
            displayName: input.displayName,
            passwordHash: null,
            locale: input.locale,
            emailVerifiedAt: now,
          },
          trx,
        );
        const row: AccountRow | undefined = inserted ?? (await store.accountByEmail(email, trx));
        if (!row) throw new Error('account vanished during creation');
        for (const role of input.roles) await store.addMembership(row.id, role, input.organisationId, trx);
        return { account: row, created: inserted !== undefined };
      });
      const token = newToken();
      await store.insertToken(
        hashToken(token),
        'reset_password',
        account.id,
        new Date(now.getTime() + TOKEN_LIFETIME_MS.verify_email),
      );
      await audit.record({
        actorAccountId: null,
        actorRole: 'command_line',
        action: 'account.create_user',
        resourceType: 'account',
        resourceId: account.id,
        subjectParticipantId: account.id,
        outcome: 'success',
        details: { roles: input.roles.join(',') },
      });
      return {
        accountId: account.id,
        created,
        setPasswordUrl: `${publicUrl}/reset-password?token=${encodeURIComponent(token)}`,
      };
    },

    async listOrganisations(actor: Actor) {
      await access.require(actor, { action: 'organisation.manage', ...administration });
      const rows = await store.listOrganisations();
      return rows.map((row) => ({ ...toOrganisation(row), members: Number(row.members ?? 0) }));
    },

    async createOrganisation(
      actor: Actor,
      input: { name: string; type: OrganisationType },
      meta: RequestMeta,
    ) {
      await access.require(actor, { action: 'organisation.manage', ...administration });
      const row = await store.insertOrganisation(input.name.trim(), input.type);
      if (!row) throw invalidFields({ name: 'An organisation with this name exists already.' });
      await audit.record(
        identityEvent(meta, actor, {
          action: 'organisation.create',
          resourceType: 'organisation',
          resourceId: row.id,
          outcome: 'success',
        }),
      );
      return toOrganisation(row);
    },

    async updateOrganisation(
      actor: Actor,
      id: string,
      patch: { name?: string; type?: OrganisationType },
      meta: RequestMeta,
    ) {
      await access.require(actor, { action: 'organisation.manage', ...administration, resourceId: id });
      const row = await store
        .updateOrganisation(id, {
          ...(patch.name !== undefined ? { name: patch.name.trim() } : {}),
          ...(patch.type !== undefined ? { type: patch.type } : {}),
        })
        .catch((error: unknown) => {
          if (typeof error === 'object' && error !== null && 'code' in error && error.code === '23505') {
            throw invalidFields({ name: 'An organisation with this name exists already.' });
          }
          throw error;
        });
      if (!row) throw notFound('The organisation');
      await audit.record(
        identityEvent(meta, actor, {
          action: 'organisation.update',
          resourceType: 'organisation',
          resourceId: id,
          outcome: 'success',
        }),
      );
      return toOrganisation(row);
    },

    /** Finds people by e-mail or name; the search itself is audited. */
    async searchAccounts(actor: Actor, query: string | undefined) {
      await access.require(actor, {
        action: 'account.search',
        ...administration,
        details: { query: query ?? '' },
      });
      const rows = await store.searchAccounts(query?.trim() || undefined, 200);
      const memberships = await store.membershipsOf(rows.map((r) => r.id));
      return rows.map((row) => ({ ...toAccount(row), roles: memberships.get(row.id) ?? [] }));
    },

    /** Takes a role away; the last administrator cannot be removed. */
    async removeMembership(actor: Actor, membershipId: string, meta: RequestMeta): Promise<void> {
      const membership = await store.membershipById(membershipId);
      if (!membership) {
        await access.require(actor, {
          action: 'membership.manage',
          ...administration,
          resourceId: membershipId,
        });
        throw notFound('The membership');
      }
      await access.require(actor, {
        action: 'membership.manage',
        ...administration,
        subject: membership.account_id,
        resourceId: membershipId,
      });
      if (membership.role === 'administrator' && (await store.countRole('administrator')) <= 1) {
        throw conflict('The last administrator cannot be removed.');
      }
      await store.deleteMembership(membershipId);
      await audit.record(
        identityEvent(meta, actor, {
          action: 'membership.remove',
          resourceType: 'membership',
          resourceId: membershipId,
          subjectParticipantId: membership.account_id,
          outcome: 'success',
          details: { role: membership.role },
        }),
      );
    },

    async listInvitations(actor: Actor) {
      await access.require(actor, { action: 'invitation.manage', ...administration });
      return store.listInvitations();
    },

    /** Invites a person into a role by e-mail. */
    async invite(
      actor: Actor,
      input: { email: string; role: Role; organisationId?: string | undefined; locale: Locale },
      meta: RequestMeta,
    ) {
      await access.require(actor, { action: 'invitation.manage', ...administration });
      const organisation = input.organisationId
        ? await store.organisationById(input.organisationId)
        : undefined;
      if (input.organisationId && !organisation) {
        throw invalidFields({ organisationId: 'This organisation does not exist.' });
      }
      const token = newToken();
      const email = normaliseEmail(input.email);
      const { id } = await store.insertInvitation({
        email,
        role: input.role,
        organisationId: organisation?.id ?? null,
        locale: input.locale,
        tokenHash: hashToken(token),
        invitedBy: actor.accountId,
        expiresAt: new Date(clock().getTime() + TOKEN_LIFETIME_MS.invitation),
      });
      await mailer.send(
        identityMails.invitation(
          email,
          input.locale,
          input.role,
          organisation?.name ?? null,
          `${publicUrl}/invitation?token=${encodeURIComponent(token)}`,
        ),
      );
      await audit.record(
        identityEvent(meta, actor, {
          action: 'invitation.create',
          resourceType: 'invitation',
          resourceId: id,
          outcome: 'success',
          details: { role: input.role },
        }),
      );
      const [view] = await store.listInvitations(id);
      if (!view) throw notFound('The invitation');
      return view;
    },

    async revokeInvitation(actor: Actor, id: string, meta: RequestMeta): Promise<void> {
      await access.require(actor, { action: 'invitation.manage', ...administration, resourceId: id });
      if (!(await store.revokeInvitation(id, clock()))) throw notFound('An open invitation');
      await audit.record(
        identityEvent(meta, actor, {
          action: 'invitation.revoke',
          resourceType: 'invitation',
          resourceId: id,
          outcome: 'success',
        }),
      );
    },

    /** What an invitation link offers, for the page that accepts it. */
    async describeInvitation(token: string) {
      const invitation = await validInvitation(token);
      const organisation = invitation.organisation_id
        ? await store.organisationById(invitation.organisation_id)
        : undefined;
      return {
        email: invitation.email,
        role: invitation.role,
        organisation: organisation ? { id: organisation.id, name: organisation.name } : null,
        accountExists: (await store.accountByEmail(invitation.email)) !== undefined,
      };
    },

    /**
     * Accepts an invitation: signed in as the invited address, the role is added to that account;
     * otherwise a new account is made for the address, whose ownership the link proves.
     */
    async acceptInvitation(
      actor: Actor | null,
      input: {
        token: string;
        displayName?: string | undefined;
        password?: string | undefined;
        locale?: Locale | undefined;
      },
      meta: RequestMeta,
    ): Promise<{ accountId: string }> {
      const invitation = await validInvitation(input.token);
      const now = clock();
      let accountId: string;
      if (actor) {
        const account = await store.accountById(actor.accountId);
        if (account?.email !== invitation.email) {
          throw forbidden('This invitation is for another e-mail address.');
        }
        accountId = account.id;
        await store.transaction(async (trx) => {
          if (!(await store.acceptInvitation(invitation.id, accountId, now, trx))) throw invalidToken();
          await store.addMembership(accountId, invitation.role, invitation.organisation_id, trx);
        });
      } else {
        if (await store.accountByEmail(invitation.email)) {
          throw new DomainError(
            'unauthenticated',
            'You have an account already: sign in first, then open the link again.',
          );
        }
        const missing: Record<string, string> = {};
        if (!input.displayName?.trim()) missing.displayName = 'Enter your name.';
        if (!input.password) missing.password = 'Choose a password.';
        if (Object.keys(missing).length > 0) throw invalidFields(missing);
        const passwordHash = await hashPassword(input.password ?? '');
        accountId = await store.transaction(async (trx) => {
          const created = await store.insertAccount(
            {
              email: invitation.email,
              displayName: input.displayName?.trim() ?? '',
              passwordHash,
              locale: input.locale ?? invitation.locale,
              emailVerifiedAt: now,
            },
            trx,
          );
          if (!created)
            throw conflict('An account with this e-mail address was created meanwhile; sign in first.');
          if (!(await store.acceptInvitation(invitation.id, created.id, now, trx))) throw invalidToken();
          await store.addMembership(created.id, invitation.role, invitation.organisation_id, trx);
          return created.id;
        });
      }
      await audit.record(
        identityEvent(meta, actor, {
          action: 'invitation.accept',
          resourceType: 'invitation',
          resourceId: invitation.id,
          subjectParticipantId: accountId,
          outcome: 'success',
          details: { role: invitation.role },
        }),
      );
      return { accountId };
    },
  };
}

export type AdminService = ReturnType<typeof createAdminService>;
