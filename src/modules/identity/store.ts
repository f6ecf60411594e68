import { type Generated, type Selectable, sql } from 'kysely';
import type { Role } from '../../platform/access/index.ts';
import type { Db } from '../../platform/db/index.ts';
import type { Account, Locale, Membership, Organisation, OrganisationType, ThrottleState } from './model.ts';

interface AccountsTable {
  id: Generated<string>;
  email: string;
  display_name: string;
  password_hash: string | null;
  locale: Locale;
  email_verified_at: Date | null;
  totp_secret: string | null;
  totp_pending_secret: string | null;
  totp_enabled_at: Date | null;
  totp_last_step: number | null;
  created_at: Generated<Date>;
  erased_at: Date | null;
}

interface SessionsTable {
  id: Generated<string>;
  token_hash: string;
  account_id: string;
  created_at: Generated<Date>;
  last_seen_at: Generated<Date>;
  expires_at: Date;
  mfa_pending: boolean;
  mfa_verified_at: Date | null;
  user_agent: string | null;
  client_address: string | null;
  ended_at: Date | null;
}

export type TokenPurpose = 'verify_email' | 'reset_password' | 'bootstrap_admin';

type Tables = {
  accounts: AccountsTable;
  sessions: SessionsTable;
  account_tokens: {
    token_hash: string;
    purpose: TokenPurpose;
    account_id: string | null;
    created_at: Generated<Date>;
    expires_at: Date;
    used_at: Date | null;
  };
  recovery_codes: { account_id: string; code_hash: string; used_at: Date | null };
  organisations: { id: Generated<string>; name: string; type: OrganisationType; created_at: Generated<Date> };
  memberships: {
    id: Generated<string>;
    account_id: string;
    organisation_id: string | null;
    role: Role;
    created_at: Generated<Date>;
  };
  invitations: {
    id: Generated<string>;
    email: string;
    role: Role;
    organisation_id: string | null;
    locale: Locale;
    token_hash: string;
    invited_by: string | null;
    created_at: Generated<Date>;
    expires_at: Date;
    accepted_at: Date | null;
    accepted_by: string | null;
    revoked_at: Date | null;
  };
  sign_in_throttle: { key: string; failures: number; window_started_at: Date; locked_until: Date | null };
  api_tokens: {
    id: string;
    account_id: string;
    name: string;
    token_hash: string;
    created_at: Date;
    expires_at: Date;
    last_used_at: Date | null;
    revoked_at: Date | null;
  };
};
export type ApiTokenRow = Selectable<Tables['api_tokens']>;

export type AccountRow = Selectable<AccountsTable>;
export type SessionRow = Selectable<SessionsTable>;
export type InvitationRow = Selectable<Tables['invitations']>;

export interface InvitationView {
  id: string;
  email: string;
  role: Role;
  organisation: { id: string; name: string } | null;
  invitedBy: string | null;
  createdAt: Date;
  expiresAt: Date;
  acceptedAt: Date | null;
  revokedAt: Date | null;
}

export const toAccount = (row: AccountRow): Account => ({
  id: row.id,
  email: row.email,
  displayName: row.display_name,
  locale: row.locale,
  emailVerified: row.email_verified_at !== null,
  mfaEnabled: row.totp_enabled_at !== null,
  createdAt: row.created_at,
});

/** The identity module's SQL; nothing else touches these tables. */
export function createIdentityStore(base: Db) {
  const t = (executor: Db = base) => executor.withTables<Tables>();

  return {
    transaction: <T>(work: (trx: Db) => Promise<T>) => base.transaction().execute((trx) => work(trx)),

    // accounts
    async insertAccount(
      values: {
        email: string;
        displayName: string;
        passwordHash: string | null;
        locale: Locale;
        emailVerifiedAt: Date | null;
      },
      executor?: Db,
    ): Promise<AccountRow | undefined> {
      return t(executor)
        .insertInto('accounts')
        .values({
          email: values.email,
          display_name: values.displayName,
          password_hash: values.passwordHash,
          locale: values.locale,
          email_verified_at: values.emailVerifiedAt,
        })
        .onConflict((oc) => oc.column('email').doNothing())
        .returningAll()
        .executeTakeFirst();
    },
    accountByEmail: (email: string, executor?: Db) =>
      t(executor).selectFrom('accounts').selectAll().where('email', '=', email).executeTakeFirst(),
    /** Accounts whose address ends with the suffix and that have a password: the demo's sign-ins. */
    demoAccounts: (suffix: string) =>
      t()
        .selectFrom('accounts')
        .select(['id', 'email', 'display_name'])
        .where('email', 'like', `%${suffix}`)
        .where('password_hash', 'is not', null)
        .where('erased_at', 'is', null)
        .orderBy('created_at')
        .orderBy('email')
        .execute(),
    accountById: (id: string, executor?: Db) =>
      t(executor).selectFrom('accounts').selectAll().where('id', '=', id).executeTakeFirst(),
    async updateAccount(
      id: string,
      patch: Partial<{
        display_name: string;
        locale: Locale;
        password_hash: string;
        email_verified_at: Date;
        totp_secret: string | null;
        totp_pending_secret: string | null;
        totp_enabled_at: Date | null;
        totp_last_step: number | null;
      }>,
      executor?: Db,
    ): Promise<AccountRow | undefined> {
      return t(executor)
        .updateTable('accounts')
        .set(patch)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst();
    },
    /** Records a TOTP step as used, unless it (or a later one) was used already. */
    async claimTotpStep(id: string, step: number): Promise<boolean> {
      const row = await t()
        .updateTable('accounts')
        .set({ totp_last_step: step })
        .where('id', '=', id)
        .where((eb) => eb.or([eb('totp_last_step', 'is', null), eb('totp_last_step', '<', step)]))
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },
    async searchAccounts(query: string | undefined, limit: number) {
      let q = t().selectFrom('accounts').selectAll();
      if (query) {
        const pattern = `%${query.toLowerCase().replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
        q = q.where((eb) =>
          eb.or([eb('email', 'like', pattern), eb(eb.fn('lower', ['display_name']), 'like', pattern)]),
        );
      }
      return q.orderBy('created_at', 'desc').limit(limit).execute();
    },

    /**
     * Turns an account into a tombstone: no address, name, password or second factor; no sessions,
     * links or roles. The row stays so that what refers to it (the audit log) keeps pointing somewhere.
     */
    async tombstone(accountId: string, now: Date): Promise<{ table: string; removed: number }[]> {
      return base.transaction().execute(async (trx) => {
        const db = t(trx);
        const count = (result: { numDeletedRows: bigint }[]) => Number(result[0]?.numDeletedRows ?? 0);
        const sessions = count(await db.deleteFrom('sessions').where('account_id', '=', accountId).execute());
        const tokens = count(
          await db.deleteFrom('account_tokens').where('account_id', '=', accountId).execute(),
        );
        const codes = count(
          await db.deleteFrom('recovery_codes').where('account_id', '=', accountId).execute(),
        );
        const memberships = count(
          await db.deleteFrom('memberships').where('account_id', '=', accountId).execute(),
        );
        const account = await db
          .updateTable('accounts')
          .set({
            email: `erased-${accountId}@erased.invalid`,
            display_name: '',
            password_hash: null,
            totp_secret: null,
            totp_pending_secret: null,
            totp_enabled_at: null,
            totp_last_step: null,
            email_verified_at: null,
            erased_at: now,
          })
          .where('id', '=', accountId)
          .returning('id')
          .executeTakeFirst();
        return [
          { table: 'accounts', removed: account ? 1 : 0 },
          { table: 'sessions', removed: sessions },
          { table: 'account_tokens', removed: tokens },
          { table: 'recovery_codes', removed: codes },
          { table: 'memberships', removed: memberships },
        ];
      });
    },

    // sessions
    async insertSession(values: {
      tokenHash: string;
      accountId: string;
      expiresAt: Date;
      mfaPending: boolean;
      userAgent: string | null;
      clientAddress: string | null;
    }): Promise<SessionRow> {
      return t()
        .insertInto('sessions')
        .values({
          token_hash: values.tokenHash,
          account_id: values.accountId,
          expires_at: values.expiresAt,
          mfa_pending: values.mfaPending,
          user_agent: values.userAgent,
          client_address: values.clientAddress,
        })
        .returningAll()
        .executeTakeFirstOrThrow();
    },
    /** The session with its account and roles in one round trip: this runs on every request. */
    async sessionByTokenHash(tokenHash: string) {
      const row = await t()
        .selectFrom('sessions as s')
        .innerJoin('accounts as a', 'a.id', 's.account_id')
        .select([
          's.id',
          's.account_id',
          's.last_seen_at',
          's.expires_at',
          's.ended_at',
          's.mfa_pending',
          's.mfa_verified_at',
          'a.totp_enabled_at',
          'a.locale',
          (eb) =>
            eb
              .selectFrom('memberships as m')
              .select(sql<Role[]>`coalesce(array_agg(DISTINCT m.role), '{}')`.as('roles'))
              .whereRef('m.account_id', '=', 's.account_id')
              .as('roles'),
        ])
        .where('s.token_hash', '=', tokenHash)
        .executeTakeFirst();
      return row ? { ...row, roles: row.roles ?? [] } : undefined;
    },
    async addApiToken(row: Omit<ApiTokenRow, 'last_used_at' | 'revoked_at'>) {
      await t()
        .insertInto('api_tokens')
        .values({ ...row, last_used_at: null, revoked_at: null })
        .execute();
    },
    async apiTokensOf(accountId: string): Promise<ApiTokenRow[]> {
      return t()
        .selectFrom('api_tokens')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at', 'desc')
        .execute();
    },
    async revokeApiToken(id: string, accountId: string, at: Date): Promise<boolean> {
      const result = await t()
        .updateTable('api_tokens')
        .set({ revoked_at: at })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('revoked_at', 'is', null)
        .executeTakeFirst();
      return Number(result.numUpdatedRows) > 0;
    },
    /** A live token (not revoked, not expired) with its account's roles and locale now. */
    async apiTokenByHash(tokenHash: string, now: Date) {
      const row = await t()
        .selectFrom('api_tokens as k')
        .innerJoin('accounts as a', 'a.id', 'k.account_id')
        .select([
          'k.id',
          'k.account_id',
          'k.expires_at',
          'k.last_used_at',
          'a.locale',
          (eb) =>
            eb
              .selectFrom('memberships as m')
              .select(sql<Role[]>`coalesce(array_agg(DISTINCT m.role), '{}')`.as('roles'))
              .whereRef('m.account_id', '=', 'k.account_id')
              .as('roles'),
        ])
        .where('k.token_hash', '=', tokenHash)
        .where('k.revoked_at', 'is', null)
        .where('k.expires_at', '>', now)
        .where('a.erased_at', 'is', null)
        .executeTakeFirst();
      return row ? { ...row, roles: row.roles ?? [] } : undefined;
    },
    async touchApiToken(id: string, now: Date) {
      await t().updateTable('api_tokens').set({ last_used_at: now }).where('id', '=', id).execute();
    },
    async touchSession(id: string, now: Date) {
      await t().updateTable('sessions').set({ last_seen_at: now }).where('id', '=', id).execute();
    },
    async markSessionMfaVerified(id: string, accountId: string, now: Date) {
      await t()
        .updateTable('sessions')
        .set({ mfa_pending: false, mfa_verified_at: now, last_seen_at: now })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .execute();
    },
    async endSession(id: string, accountId: string, now: Date): Promise<boolean> {
      const row = await t()
        .updateTable('sessions')
        .set({ ended_at: now })
        .where('id', '=', id)
        .where('account_id', '=', accountId)
        .where('ended_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },
    async endSessionsOfAccount(accountId: string, now: Date, exceptId?: string, executor?: Db) {
      let q = t(executor)
        .updateTable('sessions')
        .set({ ended_at: now })
        .where('account_id', '=', accountId)
        .where('ended_at', 'is', null);
      if (exceptId) q = q.where('id', '!=', exceptId);
      await q.execute();
    },
    allSessionsOf: (accountId: string) =>
      t()
        .selectFrom('sessions')
        .selectAll()
        .where('account_id', '=', accountId)
        .orderBy('created_at')
        .execute(),
    liveSessionsOf: (accountId: string, now: Date) =>
      t()
        .selectFrom('sessions')
        .selectAll()
        .where('account_id', '=', accountId)
        .where('ended_at', 'is', null)
        .where('expires_at', '>', now)
        .orderBy('last_seen_at', 'desc')
        .execute(),

    // single-use tokens
    async insertToken(tokenHash: string, purpose: TokenPurpose, accountId: string | null, expiresAt: Date) {
      await t()
        .insertInto('account_tokens')
        .values({ token_hash: tokenHash, purpose, account_id: accountId, expires_at: expiresAt })
        .execute();
    },
    /** Marks a valid token used and returns it; a used, expired or unknown token gives undefined. */
    consumeToken: (tokenHash: string, purpose: TokenPurpose, now: Date, executor?: Db) =>
      t(executor)
        .updateTable('account_tokens')
        .set({ used_at: now })
        .where('token_hash', '=', tokenHash)
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null)
        .where('expires_at', '>', now)
        .returning(['account_id'])
        .executeTakeFirst(),
    async voidTokens(purpose: TokenPurpose, accountId: string | null, now: Date) {
      let q = t()
        .updateTable('account_tokens')
        .set({ used_at: now })
        .where('purpose', '=', purpose)
        .where('used_at', 'is', null);
      q = accountId ? q.where('account_id', '=', accountId) : q.where('account_id', 'is', null);
      await q.execute();
    },

    // recovery codes
    async replaceRecoveryCodes(accountId: string, codeHashes: string[], executor?: Db) {
      await t(executor).deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
      await t(executor)
        .insertInto('recovery_codes')
        .values(codeHashes.map((code_hash) => ({ account_id: accountId, code_hash })))
        .execute();
    },
    async spendRecoveryCode(accountId: string, codeHash: string, now: Date): Promise<boolean> {
      const row = await t()
        .updateTable('recovery_codes')
        .set({ used_at: now })
        .where('account_id', '=', accountId)
        .where('code_hash', '=', codeHash)
        .where('used_at', 'is', null)
        .returning('code_hash')
        .executeTakeFirst();
      return row !== undefined;
    },
    async deleteRecoveryCodes(accountId: string, executor?: Db) {
      await t(executor).deleteFrom('recovery_codes').where('account_id', '=', accountId).execute();
    },

    // organisations and memberships
    listOrganisations: () =>
      t()
        .selectFrom('organisations as o')
        .select(['o.id', 'o.name', 'o.type', 'o.created_at'])
        .select((eb) =>
          eb
            .selectFrom('memberships as m')
            .select(sql<number>`count(DISTINCT m.account_id)`.as('n'))
            .whereRef('m.organisation_id', '=', 'o.id')
            .as('members'),
        )
        .orderBy('o.name')
        .execute(),
    organisationById: (id: string) =>
      t().selectFrom('organisations').selectAll().where('id', '=', id).executeTakeFirst(),
    insertOrganisation: (name: string, type: OrganisationType) =>
      t()
        .insertInto('organisations')
        .values({ name, type })
        .onConflict((oc) => oc.expression(sql`lower(name)`).doNothing())
        .returningAll()
        .executeTakeFirst(),
    updateOrganisation: (id: string, patch: Partial<{ name: string; type: OrganisationType }>) =>
      t().updateTable('organisations').set(patch).where('id', '=', id).returningAll().executeTakeFirst(),
    async addMembership(accountId: string, role: Role, organisationId: string | null, executor?: Db) {
      await t(executor)
        .insertInto('memberships')
        .values({ account_id: accountId, role, organisation_id: organisationId })
        .onConflict((oc) =>
          oc
            .expression(
              sql`account_id, role, coalesce(organisation_id, '00000000-0000-0000-0000-000000000000'::uuid)`,
            )
            .doNothing(),
        )
        .execute();
    },
    async membershipsOf(accountIds: string[]): Promise<Map<string, Membership[]>> {
      const result = new Map<string, Membership[]>(accountIds.map((id) => [id, []]));
      if (accountIds.length === 0) return result;
      const rows = await t()
        .selectFrom('memberships as m')
        .leftJoin('organisations as o', 'o.id', 'm.organisation_id')
        .select([
          'm.id',
          'm.account_id',
          'm.role',
          'o.id as org_id',
          'o.name as org_name',
          'o.type as org_type',
        ])
        .where('m.account_id', 'in', accountIds)
        .orderBy('m.created_at')
        .execute();
      for (const row of rows) {
        result.get(row.account_id)?.push({
          membershipId: row.id,
          role: row.role,
          organisation:
            row.org_id && row.org_name && row.org_type
              ? { id: row.org_id, name: row.org_name, type: row.org_type }
              : null,
        });
      }
      return result;
    },
    membershipById: (id: string) =>
      t().selectFrom('memberships').selectAll().where('id', '=', id).executeTakeFirst(),
    /** Deletes a membership; returns whose it was. */
    async deleteMembership(id: string): Promise<string | undefined> {
      const row = await t()
        .deleteFrom('memberships')
        .where('id', '=', id)
        .returning('account_id')
        .executeTakeFirst();
      return row?.account_id;
    },
    async countRole(role: Role, executor?: Db): Promise<number> {
      const row = await t(executor)
        .selectFrom('memberships')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .where('role', '=', role)
        .executeTakeFirstOrThrow();
      return Number(row.n);
    },

    // invitations
    insertInvitation: (values: {
      email: string;
      role: Role;
      organisationId: string | null;
      locale: Locale;
      tokenHash: string;
      invitedBy: string;
      expiresAt: Date;
    }) =>
      t()
        .insertInto('invitations')
        .values({
          email: values.email,
          role: values.role,
          organisation_id: values.organisationId,
          locale: values.locale,
          token_hash: values.tokenHash,
          invited_by: values.invitedBy,
          expires_at: values.expiresAt,
        })
        .returning('id')
        .executeTakeFirstOrThrow(),
    async listInvitations(id?: string): Promise<InvitationView[]> {
      let q = t()
        .selectFrom('invitations as i')
        .leftJoin('organisations as o', 'o.id', 'i.organisation_id')
        .leftJoin('accounts as a', 'a.id', 'i.invited_by')
        .select([
          'i.id',
          'i.email',
          'i.role',
          'i.created_at',
          'i.expires_at',
          'i.accepted_at',
          'i.revoked_at',
          'o.id as org_id',
          'o.name as org_name',
          'a.display_name as invited_by',
        ]);
      if (id) q = q.where('i.id', '=', id);
      const rows = await q.orderBy('i.created_at', 'desc').limit(500).execute();
      return rows.map((row) => ({
        id: row.id,
        email: row.email,
        role: row.role,
        organisation: row.org_id && row.org_name ? { id: row.org_id, name: row.org_name } : null,
        invitedBy: row.invited_by,
        createdAt: row.created_at,
        expiresAt: row.expires_at,
        acceptedAt: row.accepted_at,
        revokedAt: row.revoked_at,
      }));
    },
    invitationByTokenHash: (tokenHash: string) =>
      t().selectFrom('invitations').selectAll().where('token_hash', '=', tokenHash).executeTakeFirst(),
    /** Marks an open invitation accepted; false when it was accepted, revoked or expired meanwhile. */
    async acceptInvitation(id: string, accountId: string, now: Date, executor?: Db): Promise<boolean> {
      const row = await t(executor)
        .updateTable('invitations')
        .set({ accepted_at: now, accepted_by: accountId })
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .where('expires_at', '>', now)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },
    async revokeInvitation(id: string, now: Date): Promise<boolean> {
      const row = await t()
        .updateTable('invitations')
        .set({ revoked_at: now })
        .where('id', '=', id)
        .where('accepted_at', 'is', null)
        .where('revoked_at', 'is', null)
        .returning('id')
        .executeTakeFirst();
      return row !== undefined;
    },

    // sign-in throttle
    async throttle(key: string): Promise<ThrottleState | undefined> {
      const row = await t()
        .selectFrom('sign_in_throttle')
        .selectAll()
        .where('key', '=', key)
        .executeTakeFirst();
      return row
        ? { failures: row.failures, windowStartedAt: row.window_started_at, lockedUntil: row.locked_until }
        : undefined;
    },
    /**
     * Counts one more event (a failed attempt, a mail) for a key within a window, atomically: concurrent
     * requests each get their own count, so none slips past a limit. A window that has run out starts
     * again at 1 and clears any lock.
     */
    async countEvent(key: string, now: Date, windowMs: number): Promise<number> {
      const windowStart = new Date(now.getTime() - windowMs);
      const { rows } = await sql<{ failures: number }>`
        INSERT INTO sign_in_throttle AS t (key, failures, window_started_at) VALUES (${key}, 1, ${now})
        ON CONFLICT (key) DO UPDATE SET
          failures = CASE WHEN t.window_started_at <= ${windowStart} THEN 1 ELSE t.failures + 1 END,
          locked_until = CASE WHEN t.window_started_at <= ${windowStart} THEN NULL ELSE t.locked_until END,
          window_started_at = CASE WHEN t.window_started_at <= ${windowStart} THEN ${now} ELSE t.window_started_at END
        RETURNING failures`.execute(base);
      return Number(rows[0]?.failures ?? 0);
    },
    async lockUntil(key: string, until: Date) {
      await t().updateTable('sign_in_throttle').set({ locked_until: until }).where('key', '=', key).execute();
    },
    async clearThrottle(key: string) {
      await t().deleteFrom('sign_in_throttle').where('key', '=', key).execute();
    },
  };
}

export type IdentityStore = ReturnType<typeof createIdentityStore>;

export const toOrganisation = (row: Selectable<Tables['organisations']>): Organisation => ({
  id: row.id,
  name: row.name,
  type: row.type,
  createdAt: row.created_at,
});
