/** Shapes of the identity, administration and audit API (docs/api-identity.md). */

import {
  LOCALES,
  type Locale,
  ORGANISATION_TYPES,
  type OrganisationType,
} from '../../src/modules/identity/model.ts';
// The enumerations come from the server's own definitions (pure modules), so the two cannot drift apart.
import { ROLES, type Role } from '../../src/platform/access/roles.ts';

export { LOCALES, type Locale, ORGANISATION_TYPES, ROLES, type Role };

export const isLocale = (value: unknown): value is Locale => value === 'nl' || value === 'en';
export const isRole = (value: unknown): value is Role => ROLES.some((role) => role === value);
export const isOrganisationType = (value: unknown): value is OrganisationType =>
  ORGANISATION_TYPES.some((type) => type === value);

export { isStaffRole } from '../../src/platform/access/roles.ts';

export interface OrganisationRef {
  id: string;
  name: string;
  type?: OrganisationType;
}

interface RoleMembership {
  membershipId: string;
  role: Role;
  organisation: OrganisationRef | null;
}

export interface Me {
  account: {
    id: string;
    email: string;
    displayName: string;
    locale: Locale;
    emailVerified: boolean;
    mfaEnabled: boolean;
    createdAt: string;
  };
  roles: RoleMembership[];
  session: { id: string; mfaVerified: boolean; mfaSetupRequired: boolean; expiresAt: string };
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  clientAddress: string | null;
  current: boolean;
}

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

export interface RecoveryCodes {
  recoveryCodes: string[];
}

export interface Invitation {
  email: string;
  role: Role;
  organisation: OrganisationRef | null;
  accountExists: boolean;
}

export interface Organisation {
  id: string;
  name: string;
  type: OrganisationType;
  createdAt: string;
  members: number;
}

export interface AdminAccount {
  id: string;
  email: string;
  displayName: string;
  emailVerified: boolean;
  mfaEnabled: boolean;
  createdAt: string;
  roles: RoleMembership[];
}

export interface AdminInvitation {
  id: string;
  email: string;
  role: Role;
  organisation: OrganisationRef | null;
  invitedBy: unknown;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorAccountId: string | null;
  actorRole: string | null;
  onBehalfOf: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  subjectParticipantId: string | null;
  purpose: string | null;
  outcome: string | null;
  requestId: string | null;
  clientAddress: string | null;
  details: unknown;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextBefore: number | null;
}

export interface OutboxSummary {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
}

export interface OutboxMessage extends OutboxSummary {
  text: string | null;
  html: string | null;
}
