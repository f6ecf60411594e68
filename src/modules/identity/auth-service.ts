import QRCode from 'qrcode';
import { type Actor, isStaffRole } from '../../platform/access/index.ts';
import {
  conflict,
  DomainError,
  forbidden,
  invalidFields,
  invalidToken,
  notFound,
} from '../../platform/errors/index.ts';
import type { MailMessage } from '../../platform/mail/index.ts';
import { type IdentityDeps, identityEvent, type RequestMeta } from './deps.ts';
import { identityMails } from './mails.ts';
import {
  type Account,
  LOCKOUT,
  type Locale,
  lockedForSeconds,
  MAIL_QUOTA,
  type Membership,
  normaliseEmail,
  sessionIsLive,
  TOKEN_LIFETIME_MS,
} from './model.ts';
import {
  checkPassword,
  hashPassword,
  hashToken,
  matchTotp,
  newRecoveryCodes,
  newToken,
  newTotpSecret,
  normaliseRecoveryCode,
  totpFor,
} from './secrets.ts';
import { toAccount } from './store.ts';

/** A signed-in session as resolved on every request. */
export interface SessionContext {
  sessionId: string;
  accountId: string;
  roles: Actor['roles'];
  /** Password accepted, second factor not yet given: only the second step is open. */
  mfaPending: boolean;
  mfaVerified: boolean;
  /** Holds a staff role but has not set up two factors yet. */
  mfaSetupRequired: boolean;
  locale: Locale;
  expiresAt: Date;
  /** The SHA-256 of the cookie's token: the session cache's key. */
  tokenHash: string;
  /** Set when the request came with a personal API token instead of a session cookie. */
  apiTokenId?: string;
}

export interface Me {
  account: Account;
  roles: Membership[];
  session: { id: string; mfaVerified: boolean; mfaSetupRequired: boolean; expiresAt: Date };
}

// Writing last_seen_at on every request would turn each read into a write; a minute is precise enough.
const TOUCH_AFTER_MS = 60_000;

/** Sign-up, sign-in with two factors, sessions, passwords and the person's own account. */
export function createAuthService(deps: IdentityDeps) {
  const { store, access, audit, mailer, tasks, secretBox, clock, publicUrl, sessionCache } = deps;
  const link = (page: string, token: string) => `${publicUrl}/${page}?token=${encodeURIComponent(token)}`;
  const self = (actor: Actor, action: 'account.read' | 'account.update') =>
    access.require(actor, { action, purpose: 'self_service', subject: actor.accountId });

  /**
   * Mail that anyone can cause to be sent to an address. It goes out after the answer, so that the
   * answer's timing does not tell whether the address has an account, and at most MAIL_QUOTA an hour,
   * so that nobody can flood a mailbox through the platform.
   */
  function mailUnprompted(email: string, compose: () => Promise<MailMessage>) {
    tasks.later('identity.mail', async () => {
      const sent = await store.countEvent(`mail:${email}`, clock(), MAIL_QUOTA.windowMs);
      if (sent > MAIL_QUOTA.max) return;
      await mailer.send(await compose());
    });
  }

  async function verificationMail(accountId: string, email: string, locale: Locale): Promise<MailMessage> {
    const now = clock();
    await store.voidTokens('verify_email', accountId, now);
    const token = newToken();
    await store.insertToken(
      hashToken(token),
      'verify_email',
      accountId,
      new Date(now.getTime() + TOKEN_LIFETIME_MS.verify_email),
    );
    return identityMails.verifyEmail(email, locale, link('verify-email', token));
  }

  async function throttled(key: string) {
    const wait = lockedForSeconds(await store.throttle(key), clock());
    if (wait > 0) {
      throw new DomainError('rate_limited', 'Too many failed attempts; try again later.', [], wait);
    }
  }

  async function failed(key: string) {
    const now = clock();
    const failures = await store.countEvent(key, now, LOCKOUT.windowMs);
    if (failures >= LOCKOUT.maxFailures) await store.lockUntil(key, new Date(now.getTime() + LOCKOUT.lockMs));
  }

  /** Verifies a TOTP code (once per time step) or a recovery code (once each). */
  async function secondFactorMatches(accountId: string, code: string): Promise<boolean> {
    const row = await store.accountById(accountId);
    if (!row?.totp_secret) return false;
    const trimmed = code.replace(/\s+/g, '');
    if (/^\d{6}$/.test(trimmed)) {
      const step = matchTotp(secretBox.open(row.totp_secret), trimmed, clock().getTime());
      return step !== null && (await store.claimTotpStep(accountId, step));
    }
    return store.spendRecoveryCode(accountId, hashToken(normaliseRecoveryCode(code)), clock());
  }

  async function issueRecoveryCodes(accountId: string): Promise<string[]> {
    const codes = newRecoveryCodes();
    await store.replaceRecoveryCodes(accountId, codes.map(hashToken));
    return codes;
  }

  return {
    /** Creates a citizen account and mails a verification link; answers the same for a taken address. */
    async signUp(
      input: { email: string; password: string; displayName: string; locale: Locale },
      meta: RequestMeta,
    ): Promise<void> {
      const email = normaliseEmail(input.email);
      const passwordHash = await hashPassword(input.password);
      const created = await store.transaction(async (trx) => {
        const account = await store.insertAccount(
          {
            email,
            displayName: input.displayName,
            passwordHash,
            locale: input.locale,
            emailVerifiedAt: null,
          },
          trx,
        );
        if (account) await store.addMembership(account.id, 'citizen', null, trx);
        return account;
      });
      if (!created) {
        const existing = await store.accountByEmail(email);
        if (existing) {
          const { locale } = existing;
          mailUnprompted(email, async () =>
            identityMails.alreadyRegistered(
              email,
              locale,
              `${publicUrl}/sign-in`,
              `${publicUrl}/forgot-password`,
            ),
          );
        }
        return;
      }
      await audit.record(
        identityEvent(meta, null, {
          action: 'account.sign_up',
          resourceType: 'account',
          resourceId: created.id,
          subjectParticipantId: created.id,
          outcome: 'success',
        }),
      );
      mailUnprompted(email, () => verificationMail(created.id, email, created.locale));
    },

    async verifyEmail(token: string, meta: RequestMeta): Promise<{ email: string }> {
      const now = clock();
      const used = await store.consumeToken(hashToken(token), 'verify_email', now);
      if (!used?.account_id) throw invalidToken();
      const account = await store.updateAccount(used.account_id, { email_verified_at: now });
      if (!account) throw invalidToken();
      await audit.record(
        identityEvent(meta, null, {
          action: 'account.verify_email',
          resourceType: 'account',
          resourceId: account.id,
          subjectParticipantId: account.id,
          outcome: 'success',
        }),
      );
      return { email: account.email };
    },

    async resendVerification(emailInput: string): Promise<void> {
      const account = await store.accountByEmail(normaliseEmail(emailInput));
      if (account && !account.email_verified_at) {
        mailUnprompted(account.email, () => verificationMail(account.id, account.email, account.locale));
      }
    },

    /** Checks the password; the session it opens awaits a second factor when the account has one. */
    async signIn(
      input: { email: string; password: string },
      meta: RequestMeta,
    ): Promise<{ token: string; mfaRequired: boolean; expiresAt: Date }> {
      const email = normaliseEmail(input.email);
      const key = `email:${email}`;
      await throttled(key);
      const account = await store.accountByEmail(email);
      const ok = await checkPassword(account?.password_hash ?? null, input.password);
      if (!account || !ok) {
        await failed(key);
        await audit.record(
          identityEvent(meta, null, {
            action: 'session.sign_in',
            resourceType: 'session',
            subjectParticipantId: account?.id ?? null,
            outcome: 'failure',
          }),
        );
        throw new DomainError('unauthenticated', 'The e-mail address or the password is wrong.');
      }
      await store.clearThrottle(key);
      if (!account.email_verified_at) {
        throw new DomainError('email_not_verified', 'Confirm your e-mail address first; we sent you a link.');
      }
      const now = clock();
      const token = newToken();
      const mfaRequired = account.totp_enabled_at !== null;
      const expiresAt = new Date(now.getTime() + deps.session.absoluteHours * 3600_000);
      const session = await store.insertSession({
        tokenHash: hashToken(token),
        accountId: account.id,
        expiresAt,
        mfaPending: mfaRequired,
        userAgent: meta.userAgent?.slice(0, 300) ?? null,
        clientAddress: meta.clientAddress,
      });
      await audit.record(
        identityEvent(
          meta,
          { accountId: account.id, roles: [] },
          {
            action: mfaRequired ? 'session.password_accepted' : 'session.sign_in',
            resourceType: 'session',
            resourceId: session.id,
            subjectParticipantId: account.id,
            outcome: 'success',
          },
        ),
      );
      return { token, mfaRequired, expiresAt };
    },

    /** The second step of signing in: a TOTP code or a recovery code. */
    async completeSignIn(session: SessionContext, code: string, meta: RequestMeta): Promise<void> {
      if (!session.mfaPending) throw conflict('This session has passed its second factor already.');
      const key = `mfa:${session.accountId}`;
      await throttled(key);
      if (!(await secondFactorMatches(session.accountId, code))) {
        await failed(key);
        await audit.record(
          identityEvent(meta, null, {
            action: 'session.second_factor',
            resourceType: 'session',
            resourceId: session.sessionId,
            subjectParticipantId: session.accountId,
            outcome: 'failure',
          }),
        );
        throw invalidFields({ code: 'The code is wrong, expired or used already.' });
      }
      await store.clearThrottle(key);
      await store.markSessionMfaVerified(session.sessionId, session.accountId, clock());
      await audit.record(
        identityEvent(
          meta,
          { accountId: session.accountId, roles: session.roles },
          {
            action: 'session.sign_in',
            resourceType: 'session',
            resourceId: session.sessionId,
            subjectParticipantId: session.accountId,
            outcome: 'success',
            details: { secondFactor: true },
          },
        ),
      );
    },

    /** Resolves a session cookie's token; undefined when unknown, ended, expired or idle too long. */
    async authenticate(token: string): Promise<SessionContext | undefined> {
      const tokenHash = hashToken(token);
      const now = clock();
      let cached = sessionCache.get(tokenHash, now.getTime());
      if (!cached) {
        const loaded = await store.sessionByTokenHash(tokenHash);
        if (loaded) {
          cached = { row: loaded, loadedAt: now.getTime() };
          sessionCache.set(tokenHash, cached);
        }
      }
      const row = cached?.row;
      if (
        !row ||
        !sessionIsLive(
          { expiresAt: row.expires_at, lastSeenAt: row.last_seen_at, endedAt: row.ended_at },
          now,
          deps.session.idleMinutes,
        )
      ) {
        return undefined;
      }
      if (now.getTime() - row.last_seen_at.getTime() > TOUCH_AFTER_MS) {
        await store.touchSession(row.id, now);
        row.last_seen_at = now;
      }
      const mfaEnabled = row.totp_enabled_at !== null;
      return {
        sessionId: row.id,
        accountId: row.account_id,
        roles: row.roles,
        mfaPending: row.mfa_pending,
        mfaVerified: row.mfa_verified_at !== null,
        // A verified session without a second factor set up is a demo sign-in (demo-service.ts): nothing to set up.
        mfaSetupRequired: !mfaEnabled && row.mfa_verified_at === null && row.roles.some(isStaffRole),
        locale: row.locale,
        expiresAt: row.expires_at,
        tokenHash,
      };
    },

    async signOut(session: SessionContext, meta: RequestMeta): Promise<void> {
      await store.endSession(session.sessionId, session.accountId, clock());
      await audit.record(
        identityEvent(
          meta,
          { accountId: session.accountId, roles: session.roles },
          {
            action: 'session.sign_out',
            resourceType: 'session',
            resourceId: session.sessionId,
            subjectParticipantId: session.accountId,
            outcome: 'success',
          },
        ),
      );
    },

    /** Mails a single-use link to set a new password; answers the same for unknown addresses. */
    async requestPasswordReset(emailInput: string): Promise<void> {
      const account = await store.accountByEmail(normaliseEmail(emailInput));
      if (!account) return;
      mailUnprompted(account.email, async () => {
        const now = clock();
        await store.voidTokens('reset_password', account.id, now);
        const token = newToken();
        await store.insertToken(
          hashToken(token),
          'reset_password',
          account.id,
          new Date(now.getTime() + TOKEN_LIFETIME_MS.reset_password),
        );
        return identityMails.resetPassword(account.email, account.locale, link('reset-password', token));
      });
    },

    /** Sets the new password and ends every session of the account. */
    async confirmPasswordReset(token: string, password: string, meta: RequestMeta): Promise<void> {
      const passwordHash = await hashPassword(password);
      const now = clock();
      const accountId = await store.transaction(async (trx) => {
        const used = await store.consumeToken(hashToken(token), 'reset_password', now, trx);
        if (!used?.account_id) throw invalidToken();
        const before = await store.accountById(used.account_id, trx);
        await store.updateAccount(
          used.account_id,
          { password_hash: passwordHash, ...(before?.email_verified_at ? {} : { email_verified_at: now }) },
          trx,
        );
        await store.endSessionsOfAccount(used.account_id, now, undefined, trx);
        return used.account_id;
      });
      await store.clearThrottle(`email:${(await store.accountById(accountId))?.email ?? ''}`);
      await audit.record(
        identityEvent(meta, null, {
          action: 'account.password_reset',
          resourceType: 'account',
          resourceId: accountId,
          subjectParticipantId: accountId,
          outcome: 'success',
        }),
      );
    },

    /** The account and its roles, from the session cache when this session loaded them recently. */
    async profile(accountId: string, tokenHash: string): Promise<Pick<Me, 'account' | 'roles'>> {
      const cached = sessionCache.get(tokenHash, clock().getTime());
      if (cached?.profile && cached.row.account_id === accountId) return cached.profile;
      const [row, memberships] = await Promise.all([
        store.accountById(accountId),
        store.membershipsOf([accountId]),
      ]);
      if (!row) throw notFound('The account');
      const profile = { account: toAccount(row), roles: memberships.get(accountId) ?? [] };
      if (cached) cached.profile = profile;
      return profile;
    },

    async me(actor: Actor, session: SessionContext): Promise<Me> {
      await self(actor, 'account.read');
      const profile = await this.profile(actor.accountId, session.tokenHash);
      return {
        ...profile,
        session: {
          id: session.sessionId,
          mfaVerified: session.mfaVerified,
          mfaSetupRequired: session.mfaSetupRequired,
          expiresAt: session.expiresAt,
        },
      };
    },

    async updateMe(
      actor: Actor,
      patch: { displayName?: string | undefined; locale?: Locale | undefined },
      meta: RequestMeta,
    ): Promise<void> {
      await self(actor, 'account.update');
      await store.updateAccount(actor.accountId, {
        ...(patch.displayName !== undefined ? { display_name: patch.displayName } : {}),
        ...(patch.locale !== undefined ? { locale: patch.locale } : {}),
      });
      // Which fields changed, not their values: the audit log keeps no more personal data than it needs.
      const fields = [
        patch.displayName !== undefined && 'displayName',
        patch.locale !== undefined && 'locale',
      ];
      await audit.record(
        identityEvent(meta, actor, {
          action: 'account.update',
          resourceType: 'account',
          resourceId: actor.accountId,
          subjectParticipantId: actor.accountId,
          outcome: 'success',
          details: { fields: fields.filter(Boolean).join(',') },
        }),
      );
    },

    /** Changes the password and ends the person's other sessions. */
    async changePassword(
      actor: Actor,
      session: SessionContext,
      input: { currentPassword: string; newPassword: string },
      meta: RequestMeta,
    ): Promise<void> {
      await self(actor, 'account.update');
      const key = `password:${actor.accountId}`;
      await throttled(key);
      const row = await store.accountById(actor.accountId);
      if (!row || !(await checkPassword(row.password_hash, input.currentPassword))) {
        await failed(key);
        throw invalidFields({ currentPassword: 'The current password is wrong.' });
      }
      await store.clearThrottle(key);
      await store.updateAccount(actor.accountId, { password_hash: await hashPassword(input.newPassword) });
      await store.endSessionsOfAccount(actor.accountId, clock(), session.sessionId);
      await audit.record(
        identityEvent(meta, actor, {
          action: 'account.password_change',
          resourceType: 'account',
          resourceId: actor.accountId,
          subjectParticipantId: actor.accountId,
          outcome: 'success',
        }),
      );
      await mailer.send(identityMails.passwordChanged(row.email, row.locale, `${publicUrl}/forgot-password`));
    },

    async listSessions(actor: Actor, current: SessionContext) {
      await self(actor, 'account.read');
      const now = clock();
      const rows = await store.liveSessionsOf(actor.accountId, now);
      // The query knows nothing of the idle timeout; a session idle too long no longer opens anything.
      const live = rows.filter((row) =>
        sessionIsLive(
          { expiresAt: row.expires_at, lastSeenAt: row.last_seen_at, endedAt: row.ended_at },
          now,
          deps.session.idleMinutes,
        ),
      );
      return live.map((row) => ({
        id: row.id,
        createdAt: row.created_at,
        lastSeenAt: row.last_seen_at,
        expiresAt: row.expires_at,
        userAgent: row.user_agent,
        clientAddress: row.client_address,
        current: row.id === current.sessionId,
      }));
    },

    async endSession(actor: Actor, sessionId: string, meta: RequestMeta): Promise<void> {
      await self(actor, 'account.update');
      if (!(await store.endSession(sessionId, actor.accountId, clock()))) throw notFound('The session');
      await audit.record(
        identityEvent(meta, actor, {
          action: 'session.end',
          resourceType: 'session',
          resourceId: sessionId,
          subjectParticipantId: actor.accountId,
          outcome: 'success',
        }),
      );
    },

    /** Starts two-factor set-up: a new secret, shown once as text and QR code, pending until confirmed. */
    async startTotpSetup(actor: Actor): Promise<{ secret: string; otpauthUrl: string; qrSvg: string }> {
      await self(actor, 'account.update');
      const row = await store.accountById(actor.accountId);
      if (!row) throw notFound('The account');
      if (row.totp_enabled_at) throw conflict('Two-factor sign-in is on already.');
      const secret = newTotpSecret();
      await store.updateAccount(actor.accountId, { totp_pending_secret: secretBox.seal(secret) });
      const otpauthUrl = totpFor(secret, row.email).toString();
      const qrSvg = await QRCode.toString(otpauthUrl, { type: 'svg', margin: 2, errorCorrectionLevel: 'M' });
      return { secret, otpauthUrl, qrSvg };
    },

    /** Confirms set-up with a first code; turns two factors on and returns the recovery codes once. */
    async confirmTotp(
      actor: Actor,
      session: SessionContext,
      code: string,
      meta: RequestMeta,
    ): Promise<{ recoveryCodes: string[] }> {
      await self(actor, 'account.update');
      const row = await store.accountById(actor.accountId);
      if (!row?.totp_pending_secret) throw conflict('Start the set-up first.');
      if (row.totp_enabled_at) throw conflict('Two-factor sign-in is on already.');
      const secret = secretBox.open(row.totp_pending_secret);
      const step = matchTotp(secret, code.replace(/\s+/g, ''), clock().getTime());
      if (step === null) throw invalidFields({ code: 'The code is wrong or expired.' });
      await store.updateAccount(actor.accountId, {
        totp_secret: row.totp_pending_secret,
        totp_pending_secret: null,
        totp_enabled_at: clock(),
        totp_last_step: step,
      });
      const recoveryCodes = await issueRecoveryCodes(actor.accountId);
      await store.markSessionMfaVerified(session.sessionId, session.accountId, clock());
      await audit.record(
        identityEvent(meta, actor, {
          action: 'account.mfa_enable',
          resourceType: 'account',
          resourceId: actor.accountId,
          subjectParticipantId: actor.accountId,
          outcome: 'success',
        }),
      );
      return { recoveryCodes };
    },

    async regenerateRecoveryCodes(
      actor: Actor,
      code: string,
      meta: RequestMeta,
    ): Promise<{ recoveryCodes: string[] }> {
      await self(actor, 'account.update');
      if (!(await secondFactorMatches(actor.accountId, code))) {
        throw invalidFields({ code: 'The code is wrong, expired or used already.' });
      }
      const recoveryCodes = await issueRecoveryCodes(actor.accountId);
      await audit.record(
        identityEvent(meta, actor, {
          action: 'account.recovery_codes',
          resourceType: 'account',
          resourceId: actor.accountId,
          subjectParticipantId: actor.accountId,
          outcome: 'success',
        }),
      );
      return { recoveryCodes };
    },

    /** Turns two factors off; staff must keep them. */
    async disableTotp(actor: Actor, code: string, meta: RequestMeta): Promise<void> {
      await self(actor, 'account.update');
      if (actor.roles.some(isStaffRole)) throw forbidden('Two-factor sign-in is required for your role.');
      if (!(await secondFactorMatches(actor.accountId, code))) {
        throw invalidFields({ code: 'The code is wrong, expired or used already.' });
      }
      await store.transaction(async (trx) => {
        await store.updateAccount(
          actor.accountId,
          { totp_secret: null, totp_pending_secret: null, totp_enabled_at: null, totp_last_step: null },
          trx,
        );
        await store.deleteRecoveryCodes(actor.accountId, trx);
      });
      await audit.record(
        identityEvent(meta, actor, {
          action: 'account.mfa_disable',
          resourceType: 'account',
          resourceId: actor.accountId,
          subjectParticipantId: actor.accountId,
          outcome: 'success',
        }),
      );
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
