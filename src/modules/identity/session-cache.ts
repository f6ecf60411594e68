import type { Account, Membership } from './model.ts';
import type { IdentityStore } from './store.ts';

/** What a signed-in request needs of its session, kept briefly so that most requests skip the database. */
export interface CachedSession {
  row: NonNullable<Awaited<ReturnType<IdentityStore['sessionByTokenHash']>>>;
  /** The account and its roles for `GET /me`, filled on first use. */
  profile?: { account: Account; roles: Membership[] };
  loadedAt: number;
}

/**
 * A per-process cache of sessions by token hash, for at most `ttlMs`. Every change the identity store
 * makes to an account, its sessions or its roles drops that account's entries at once (see
 * `invalidatingStore`), so within one process nothing stale is ever served. Another process learns of a
 * change at the latest `ttlMs` later: that is the price of not querying on every request, and why the
 * time is short and configurable (`SESSION_CACHE_SECONDS`, 0 turns the cache off).
 */
export function createSessionCache(ttlMs: number, maxEntries = 100_000) {
  const byToken = new Map<string, CachedSession>();
  const tokensOf = new Map<string, Set<string>>();

  return {
    get(tokenHash: string, nowMs: number): CachedSession | undefined {
      const entry = byToken.get(tokenHash);
      if (!entry) return undefined;
      if (nowMs - entry.loadedAt >= ttlMs) {
        byToken.delete(tokenHash);
        return undefined;
      }
      return entry;
    },
    set(tokenHash: string, entry: CachedSession): void {
      if (ttlMs <= 0) return;
      // Map keeps insertion order: when full, the oldest entry goes first.
      if (byToken.size >= maxEntries) {
        const oldest = byToken.keys().next().value;
        if (oldest !== undefined) byToken.delete(oldest);
      }
      byToken.set(tokenHash, entry);
      const tokens = tokensOf.get(entry.row.account_id) ?? new Set<string>();
      tokens.add(tokenHash);
      tokensOf.set(entry.row.account_id, tokens);
    },
    forgetAccount(accountId: string): void {
      for (const token of tokensOf.get(accountId) ?? []) byToken.delete(token);
      tokensOf.delete(accountId);
    },
    clear(): void {
      byToken.clear();
      tokensOf.clear();
    },
    get size() {
      return byToken.size;
    },
  };
}

export type SessionCache = ReturnType<typeof createSessionCache>;

/** The identity store, dropping cached sessions whenever it changes what they hold. */
export function invalidatingStore(store: IdentityStore, cache: SessionCache): IdentityStore {
  return {
    ...store,
    async updateAccount(id, patch, executor) {
      cache.forgetAccount(id);
      return store.updateAccount(id, patch, executor);
    },
    async markSessionMfaVerified(id, accountId, now) {
      cache.forgetAccount(accountId);
      await store.markSessionMfaVerified(id, accountId, now);
    },
    async endSession(id, accountId, now) {
      cache.forgetAccount(accountId);
      return store.endSession(id, accountId, now);
    },
    async endSessionsOfAccount(accountId, now, exceptId, executor) {
      cache.forgetAccount(accountId);
      await store.endSessionsOfAccount(accountId, now, exceptId, executor);
    },
    async addMembership(accountId, role, organisationId, executor) {
      cache.forgetAccount(accountId);
      await store.addMembership(accountId, role, organisationId, executor);
    },
    async deleteMembership(id) {
      const accountId = await store.deleteMembership(id);
      if (accountId) cache.forgetAccount(accountId);
      return accountId;
    },
    async updateOrganisation(id, patch) {
      // Organisation names appear in every member's cached roles.
      cache.clear();
      return store.updateOrganisation(id, patch);
    },
  };
}
