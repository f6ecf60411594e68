import { sql } from 'kysely';
import type { Role } from '../../platform/access/index.ts';
import { type BulkSession, copyRow, type Db } from '../../platform/db/index.ts';
import type { Locale, OrganisationType } from './model.ts';

/** An account written in bulk by the demo generator: verified, with its memberships. */
export interface SeedAccount {
  id: string;
  email: string;
  displayName: string;
  locale: Locale;
  /** argon2id hash, or null for an account that cannot sign in with a password. */
  passwordHash: string | null;
  createdAt: Date;
  memberships: { role: Role; organisationId: string | null }[];
}

/**
 * Bulk writes of identity rows for synthetic populations (src/demo): COPY inside the caller's transaction,
 * so that a chunk of citizens is stored whole or not at all.
 */
export function createIdentitySeeder(db: Db) {
  return {
    /** The organisation of this name (case-insensitive), created when missing; its id. */
    async organisation(session: BulkSession, name: string, type: OrganisationType): Promise<string> {
      const { rows } = await session.query<{ id: string }>(
        `WITH found AS (SELECT id FROM organisations WHERE lower(name) = lower($1)),
         created AS (
           INSERT INTO organisations (name, type) SELECT $1, $2
           WHERE NOT EXISTS (SELECT 1 FROM found)
           RETURNING id
         )
         SELECT id FROM found UNION ALL SELECT id FROM created`,
        [name, type],
      );
      const [row] = rows;
      if (!row) throw new Error(`organisation ${name} was neither found nor created`);
      return row.id;
    },

    async accounts(session: BulkSession, accounts: readonly SeedAccount[]): Promise<void> {
      await session.copyRows(
        'accounts',
        ['id', 'email', 'display_name', 'password_hash', 'locale', 'email_verified_at', 'created_at'],
        accounts.map((a) =>
          copyRow([
            a.id,
            a.email.toLowerCase(),
            a.displayName,
            a.passwordHash,
            a.locale,
            a.createdAt.toISOString(),
            a.createdAt.toISOString(),
          ]),
        ),
      );
      await session.copyRows(
        'memberships',
        ['account_id', 'organisation_id', 'role', 'created_at'],
        accounts.flatMap((a) =>
          a.memberships.map((m) => copyRow([a.id, m.organisationId, m.role, a.createdAt.toISOString()])),
        ),
      );
    },

    /** How many accounts there are, and how many of them have an address outside `demoDomain`. */
    async census(demoDomain: string): Promise<{ accounts: number; others: number }> {
      const { rows } = await sql<{ accounts: number; others: number }>`
        SELECT count(*)::int AS accounts,
               count(*) FILTER (WHERE email NOT LIKE ${`%@${demoDomain}`})::int AS others
        FROM accounts`.execute(db);
      return rows[0] ?? { accounts: 0, others: 0 };
    },
  };
}

export type IdentitySeeder = ReturnType<typeof createIdentitySeeder>;
