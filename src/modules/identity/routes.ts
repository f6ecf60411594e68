import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Actor } from '../../platform/access/index.ts';
import { DomainError, unauthenticated } from '../../platform/errors/index.ts';
import { requestMeta } from '../../platform/http/index.ts';
import type { AdminService } from './admin-service.ts';
import { API_TOKEN, type ApiTokenService } from './api-tokens.ts';
import type { AuthService, SessionContext } from './auth-service.ts';
import type { DemoSignInService } from './demo-service.ts';
import * as s from './schemas.ts';

export const SESSION_COOKIE = 'topfit_session';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in session, resolved from the cookie (or a personal API token) before every route. */
    sessionContext: SessionContext | null;
  }
  interface FastifyContextConfig {
    /** A GET route that scripts may call with a personal API token (api-tokens.ts). */
    apiToken?: boolean;
  }
}

const BEARER = /^Bearer\s+(\S+)$/i;

/**
 * Resolves the session on every API request, registered once on the root app: from a personal API token in
 * `Authorization: Bearer …` (only for GET routes that take tokens), else from the session cookie.
 */
export function registerAuthentication(
  app: FastifyInstance,
  auth: AuthService,
  apiTokens: ApiTokenService,
): void {
  app.decorateRequest('sessionContext', null);
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return;
    const bearer = BEARER.exec(request.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) {
      const context = API_TOKEN.test(bearer) ? await apiTokens.authenticate(bearer) : undefined;
      if (!context)
        throw new DomainError('unauthenticated', 'This API token is unknown, revoked or expired.');
      if (request.method !== 'GET' || request.routeOptions.config?.apiToken !== true) {
        throw new DomainError(
          'forbidden',
          'A personal API token only reads research extracts, data requests and studies; use the site for the rest.',
        );
      }
      request.sessionContext = context;
      return;
    }
    const token = request.cookies[SESSION_COOKIE];
    if (token) request.sessionContext = (await auth.authenticate(token)) ?? null;
  });
}

/** The signed-in session, past its second factor where one is set; otherwise 401. */
export function requireSession(request: FastifyRequest): SessionContext {
  const session = request.sessionContext;
  if (!session) throw unauthenticated();
  if (session.mfaPending) throw new DomainError('mfa_required', 'Finish signing in with your second factor.');
  return session;
}

/** The actor of a signed-in request, as the access policy sees it. */
export function requireActor(request: FastifyRequest): Actor {
  const session = requireSession(request);
  return {
    accountId: session.accountId,
    roles: session.roles,
    mfaVerified: session.mfaVerified,
    requestId: request.id,
    clientAddress: request.ip,
  };
}

const authLimit = { rateLimit: { max: 30, timeWindow: '1 minute' } };

export function identityRoutes(deps: {
  auth: AuthService;
  admin: AdminService;
  demo: DemoSignInService;
  secureCookies: boolean;
}) {
  const { auth, admin, demo } = deps;

  function setSessionCookie(reply: FastifyReply, token: string, expiresAt: Date) {
    reply.setCookie(SESSION_COOKIE, token, {
      httpOnly: true,
      sameSite: 'lax',
      secure: deps.secureCookies,
      path: '/',
      expires: expiresAt,
    });
  }

  return async function register(root: FastifyInstance) {
    const app = root.withTypeProvider<ZodTypeProvider>();
    const tags = ['account'];
    const adminTags = ['administration'];

    app.post(
      '/api/v1/auth/sign-up',
      {
        config: authLimit,
        schema: { tags, summary: 'Create a citizen account', body: s.signUpBody, response: { 202: s.empty } },
      },
      async (request, reply) => {
        await auth.signUp(request.body, requestMeta(request));
        return reply.status(202).send({});
      },
    );
    app.post(
      '/api/v1/auth/verify-email',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Confirm an e-mail address',
          body: s.tokenBody,
          response: { 200: s.verifiedAnswer },
        },
      },
      async (request) => auth.verifyEmail(request.body.token, requestMeta(request)),
    );
    app.post(
      '/api/v1/auth/resend-verification',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Send the verification link again',
          body: s.emailBody,
          response: { 202: s.empty },
        },
      },
      async (request, reply) => {
        await auth.resendVerification(request.body.email);
        return reply.status(202).send({});
      },
    );
    app.post(
      '/api/v1/auth/sign-in',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Sign in with e-mail and password',
          body: s.signInBody,
          response: { 200: s.signInAnswer },
        },
      },
      async (request, reply) => {
        const result = await auth.signIn(request.body, requestMeta(request));
        setSessionCookie(reply, result.token, result.expiresAt);
        return { mfaRequired: result.mfaRequired };
      },
    );
    app.get(
      '/api/v1/demo/sign-ins',
      {
        schema: {
          tags,
          summary: 'The demo accounts that sign in with one click (demo installations only; 404 elsewhere)',
          response: { 200: s.demoSignIns },
        },
      },
      async () => ({ accounts: await demo.list() }),
    );
    app.post(
      '/api/v1/demo/sign-in',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Sign in as a demo account with one click (demo installations only; 404 elsewhere)',
          body: s.emailBody,
          response: { 200: s.empty },
        },
      },
      async (request, reply) => {
        const result = await demo.signIn(request.body.email, requestMeta(request));
        setSessionCookie(reply, result.token, result.expiresAt);
        return {};
      },
    );
    app.post(
      '/api/v1/auth/sign-in/mfa',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Finish signing in with a second factor',
          body: s.codeBody,
          response: { 200: s.empty },
        },
      },
      async (request) => {
        if (!request.sessionContext) throw unauthenticated();
        await auth.completeSignIn(request.sessionContext, request.body.code, requestMeta(request));
        return {};
      },
    );
    app.post(
      '/api/v1/auth/sign-out',
      { schema: { tags, summary: 'Sign out', response: { 204: s.noContent } } },
      async (request, reply) => {
        if (request.sessionContext) await auth.signOut(request.sessionContext, requestMeta(request));
        reply.clearCookie(SESSION_COOKIE, { path: '/' });
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/api/v1/auth/password-reset',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Mail a link to set a new password',
          body: s.emailBody,
          response: { 202: s.empty },
        },
      },
      async (request, reply) => {
        await auth.requestPasswordReset(request.body.email);
        return reply.status(202).send({});
      },
    );
    app.post(
      '/api/v1/auth/password-reset/confirm',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Set a new password from the link',
          body: s.resetConfirmBody,
          response: { 204: s.noContent },
        },
      },
      async (request, reply) => {
        await auth.confirmPasswordReset(request.body.token, request.body.password, requestMeta(request));
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/setup',
      {
        schema: {
          tags,
          summary: 'Whether the first administrator is still to be created',
          response: { 200: s.setupAnswer },
        },
      },
      async () => ({ needed: await admin.setupNeeded() }),
    );
    app.post(
      '/api/v1/setup/admin',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Create the first administrator from the link printed at start',
          body: s.setupBody,
          response: { 201: s.empty },
        },
      },
      async (request, reply) => {
        await admin.createFirstAdministrator(request.body, requestMeta(request));
        return reply.status(201).send({});
      },
    );

    app.get(
      '/api/v1/invitations/:token',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'What an invitation offers',
          params: s.invitationTokenParams,
          response: { 200: s.invitationDescription },
        },
      },
      async (request) => admin.describeInvitation(request.params.token),
    );
    app.post(
      '/api/v1/invitations/accept',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Accept an invitation',
          body: s.acceptInvitationBody,
          response: { 200: s.empty },
        },
      },
      async (request) => {
        const actor =
          request.sessionContext && !request.sessionContext.mfaPending ? requireActor(request) : null;
        await admin.acceptInvitation(actor, request.body, requestMeta(request));
        return {};
      },
    );

    app.get(
      '/api/v1/me',
      {
        schema: {
          tags,
          summary: 'The signed-in person, their roles and session',
          response: { 200: s.meAnswer },
        },
      },
      async (request) => auth.me(requireActor(request), requireSession(request)),
    );
    app.patch(
      '/api/v1/me',
      {
        schema: {
          tags,
          summary: 'Change name or language',
          body: s.mePatchBody,
          response: { 200: s.meAnswer },
        },
      },
      async (request) => {
        const actor = requireActor(request);
        await auth.updateMe(actor, request.body, requestMeta(request));
        return auth.me(actor, requireSession(request));
      },
    );
    app.post(
      '/api/v1/me/password',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Change the password; ends the other sessions',
          body: s.passwordChangeBody,
          response: { 204: s.noContent },
        },
      },
      async (request, reply) => {
        await auth.changePassword(
          requireActor(request),
          requireSession(request),
          request.body,
          requestMeta(request),
        );
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/api/v1/me/sessions',
      { schema: { tags, summary: 'My open sessions', response: { 200: s.sessionsAnswer } } },
      async (request) => ({
        sessions: await auth.listSessions(requireActor(request), requireSession(request)),
      }),
    );
    app.delete(
      '/api/v1/me/sessions/:id',
      {
        schema: {
          tags,
          summary: 'End one of my sessions',
          params: s.idParams,
          response: { 204: s.noContent },
        },
      },
      async (request, reply) => {
        await auth.endSession(requireActor(request), request.params.id, requestMeta(request));
        return reply.status(204).send(null);
      },
    );
    app.post(
      '/api/v1/me/mfa/totp/setup',
      {
        schema: {
          tags,
          summary: 'Start setting up an authenticator app',
          response: { 200: s.totpSetupAnswer },
        },
      },
      async (request) => auth.startTotpSetup(requireActor(request)),
    );
    app.post(
      '/api/v1/me/mfa/totp/confirm',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Confirm the authenticator app with a first code',
          body: s.codeBody,
          response: { 200: s.recoveryCodesAnswer },
        },
      },
      async (request) =>
        auth.confirmTotp(
          requireActor(request),
          requireSession(request),
          request.body.code,
          requestMeta(request),
        ),
    );
    app.post(
      '/api/v1/me/mfa/recovery-codes',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Replace the recovery codes',
          body: s.codeBody,
          response: { 200: s.recoveryCodesAnswer },
        },
      },
      async (request) =>
        auth.regenerateRecoveryCodes(requireActor(request), request.body.code, requestMeta(request)),
    );
    app.delete(
      '/api/v1/me/mfa/totp',
      {
        config: authLimit,
        schema: {
          tags,
          summary: 'Turn two-factor sign-in off (not for staff)',
          body: s.codeBody,
          response: { 204: s.noContent },
        },
      },
      async (request, reply) => {
        await auth.disableTotp(requireActor(request), request.body.code, requestMeta(request));
        return reply.status(204).send(null);
      },
    );

    app.get(
      '/api/v1/admin/organisations',
      { schema: { tags: adminTags, summary: 'Organisations', response: { 200: s.organisationsAnswer } } },
      async (request) => ({ organisations: await admin.listOrganisations(requireActor(request)) }),
    );
    app.post(
      '/api/v1/admin/organisations',
      {
        schema: {
          tags: adminTags,
          summary: 'Add an organisation',
          body: s.organisationBody,
          response: { 201: s.organisationAnswer },
        },
      },
      async (request, reply) => {
        const organisation = await admin.createOrganisation(
          requireActor(request),
          request.body,
          requestMeta(request),
        );
        return reply.status(201).send({ organisation });
      },
    );
    app.patch(
      '/api/v1/admin/organisations/:id',
      {
        schema: {
          tags: adminTags,
          summary: 'Rename or retype an organisation',
          params: s.idParams,
          body: s.organisationPatchBody,
          response: { 200: s.organisationAnswer },
        },
      },
      async (request) => ({
        organisation: await admin.updateOrganisation(
          requireActor(request),
          request.params.id,
          request.body,
          requestMeta(request),
        ),
      }),
    );
    app.get(
      '/api/v1/admin/accounts',
      {
        schema: {
          tags: adminTags,
          summary: 'Find people',
          querystring: s.accountsQuery,
          response: { 200: s.accountsAnswer },
        },
      },
      async (request) => ({
        accounts: await admin.searchAccounts(requireActor(request), request.query.query),
      }),
    );
    app.delete(
      '/api/v1/admin/memberships/:id',
      {
        schema: {
          tags: adminTags,
          summary: 'Take a role away',
          params: s.idParams,
          response: { 204: s.noContent },
        },
      },
      async (request, reply) => {
        await admin.removeMembership(requireActor(request), request.params.id, requestMeta(request));
        return reply.status(204).send(null);
      },
    );
    app.get(
      '/api/v1/admin/invitations',
      { schema: { tags: adminTags, summary: 'Invitations', response: { 200: s.invitationsAnswer } } },
      async (request) => ({ invitations: await admin.listInvitations(requireActor(request)) }),
    );
    app.post(
      '/api/v1/admin/invitations',
      {
        schema: {
          tags: adminTags,
          summary: 'Invite a person into a role by e-mail',
          body: s.inviteBody,
          response: { 201: s.invitationAnswer },
        },
      },
      async (request, reply) => {
        const invitation = await admin.invite(requireActor(request), request.body, requestMeta(request));
        return reply.status(201).send({ invitation });
      },
    );
    app.delete(
      '/api/v1/admin/invitations/:id',
      {
        schema: {
          tags: adminTags,
          summary: 'Revoke an open invitation',
          params: s.idParams,
          response: { 204: s.noContent },
        },
      },
      async (request, reply) => {
        await admin.revokeInvitation(requireActor(request), request.params.id, requestMeta(request));
        return reply.status(204).send(null);
      },
    );
  };
}
