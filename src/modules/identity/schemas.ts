import { z } from 'zod';
import { ROLES } from '../../platform/access/index.ts';
import { LOCALES, ORGANISATION_TYPES, PASSWORD_MAX, PASSWORD_MIN } from './model.ts';

const email = z.email().max(254).describe('E-mail address; letter case does not matter.');
const password = z
  .string()
  .min(PASSWORD_MIN, `Use at least ${PASSWORD_MIN} characters.`)
  .max(PASSWORD_MAX)
  .describe(`A password or passphrase of ${PASSWORD_MIN} to ${PASSWORD_MAX} characters.`);
const displayName = z.string().trim().min(1).max(120).describe('The name shown to the person and to staff.');
const locale = z.enum(LOCALES).describe('Language of the screens and e-mails: nl (Dutch) or en (English).');
const token = z.string().min(20).max(200).describe('The token from the link in the e-mail.');
const code = z
  .string()
  .trim()
  .min(6)
  .max(20)
  .describe('A 6-digit code from the authenticator app, or a recovery code such as k7m2p-x9qrt.');
const role = z.enum(ROLES).describe('A role on the platform.');
const organisationType = z.enum(ORGANISATION_TYPES).describe('The kind of organisation.');

export const empty = z.object({});
export const noContent = z.null().describe('No content.');
export const idParams = z.object({ id: z.uuid().describe('Identifier.') });

export const signUpBody = z.object({ email, password, displayName, locale: locale.default('nl') });
export const tokenBody = z.object({ token });
export const emailBody = z.object({ email });
export const signInBody = z.object({ email, password: z.string().min(1).max(PASSWORD_MAX) });
export const signInAnswer = z.object({
  mfaRequired: z.boolean().describe('The session awaits a second factor at /auth/sign-in/mfa.'),
});
export const codeBody = z.object({ code });
export const demoSignIns = z.object({
  accounts: z
    .array(
      z.object({
        email: z.string().describe('The demo account’s address.'),
        displayName: z.string(),
        roles: z.array(z.string()).describe('The roles the account holds.'),
        organisation: z.string().nullable().describe('The organisation of its staff membership, if any.'),
      }),
    )
    .describe('Featured citizens first, then one staff member per role.'),
});
export const resetConfirmBody = z.object({ token, password });
export const setupAnswer = z.object({ needed: z.boolean().describe('True while no administrator exists.') });
export const setupBody = z.object({ token, email, password, displayName, locale: locale.default('nl') });
export const verifiedAnswer = z.object({ email: z.string() });

const organisationRef = z.object({ id: z.uuid(), name: z.string(), type: organisationType }).nullable();
const membership = z.object({ membershipId: z.uuid(), role, organisation: organisationRef });
const account = z.object({
  id: z.uuid(),
  email: z.string(),
  displayName: z.string(),
  locale,
  emailVerified: z.boolean(),
  mfaEnabled: z.boolean(),
  createdAt: z.date(),
});

export const meAnswer = z.object({
  account,
  roles: z.array(membership),
  session: z.object({
    id: z.uuid(),
    mfaVerified: z.boolean().describe('This sign-in passed a second factor.'),
    mfaSetupRequired: z
      .boolean()
      .describe('A staff role without two factors set up: only the account pages are open until they are.'),
    expiresAt: z.date(),
  }),
});
export const mePatchBody = z
  .object({ displayName: displayName.optional(), locale: locale.optional() })
  .refine(
    (body) => body.displayName !== undefined || body.locale !== undefined,
    'Give displayName or locale.',
  );
export const passwordChangeBody = z.object({
  currentPassword: z.string().min(1).max(PASSWORD_MAX),
  newPassword: password,
});
export const sessionsAnswer = z.object({
  sessions: z.array(
    z.object({
      id: z.uuid(),
      createdAt: z.date(),
      lastSeenAt: z.date(),
      expiresAt: z.date(),
      userAgent: z.string().nullable(),
      clientAddress: z.string().nullable(),
      current: z.boolean(),
    }),
  ),
});
export const totpSetupAnswer = z.object({
  secret: z.string().describe('The secret in base32, to type into an app that cannot scan.'),
  otpauthUrl: z.string(),
  qrSvg: z.string().describe('The otpauth URL as a QR code (SVG).'),
});
export const recoveryCodesAnswer = z.object({
  recoveryCodes: z.array(z.string()).describe('Single-use codes for when the phone is lost; shown only now.'),
});

const organisation = z.object({
  id: z.uuid(),
  name: z.string(),
  type: organisationType,
  createdAt: z.date(),
});
export const organisationsAnswer = z.object({
  organisations: z.array(organisation.extend({ members: z.number().int() })),
});
export const organisationAnswer = z.object({ organisation });
export const organisationBody = z.object({
  name: z.string().trim().min(2).max(200).describe('Name of the organisation.'),
  type: organisationType,
});
export const organisationPatchBody = organisationBody
  .partial()
  .refine((body) => body.name !== undefined || body.type !== undefined, 'Give name or type.');

export const accountsQuery = z.object({
  query: z.string().max(200).optional().describe('Part of an e-mail address or name.'),
});
export const accountsAnswer = z.object({ accounts: z.array(account.extend({ roles: z.array(membership) })) });

const invitation = z.object({
  id: z.uuid(),
  email: z.string(),
  role,
  organisation: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  invitedBy: z.string().nullable(),
  createdAt: z.date(),
  expiresAt: z.date(),
  acceptedAt: z.date().nullable(),
  revokedAt: z.date().nullable(),
});
export const invitationsAnswer = z.object({ invitations: z.array(invitation) });
export const invitationAnswer = z.object({ invitation });
export const inviteBody = z.object({
  email,
  role,
  organisationId: z.uuid().optional().describe('The organisation the role is held in.'),
  locale: locale.default('nl'),
});
export const invitationTokenParams = z.object({ token });
export const invitationDescription = z.object({
  email: z.string(),
  role,
  organisation: z.object({ id: z.uuid(), name: z.string() }).nullable(),
  accountExists: z.boolean().describe('Sign in first, then accept, when true.'),
});
export const acceptInvitationBody = z.object({
  token,
  displayName: displayName.optional().describe('Needed when no account exists for the address yet.'),
  password: password.optional().describe('Needed when no account exists for the address yet.'),
  locale: locale.optional(),
});
