/** The roles a person can hold; every role but citizen is staff and must use two factors. */
export const ROLES = [
  'citizen',
  'coach',
  'researcher',
  'data_steward',
  'innovator',
  'partner_analyst',
  'programme_manager',
  'administrator',
] as const;

export type Role = (typeof ROLES)[number];

export const STAFF_ROLES: readonly Role[] = ROLES.filter((role) => role !== 'citizen');

export const isStaffRole = (role: Role): boolean => role !== 'citizen';

/** Who is asking: resolved from the session on every request. */
export interface Actor {
  accountId: string;
  roles: Role[];
  /** The session passed a second factor in this sign-in. */
  mfaVerified: boolean;
  /** Set when staff act for a participant (for example consent on paper). */
  onBehalfOf?: string | null;
  requestId?: string;
  clientAddress?: string;
}

/**
 * The operator of an installation, acting through a command on the server (`topfit import --participant`):
 * whoever can run commands there can read the database anyway, so the commands act as an administrator with
 * two factors; the audit log names this account id (all zeros) for what they did.
 */
export const OPERATOR: Actor = {
  accountId: '00000000-0000-0000-0000-000000000000',
  roles: ['administrator'],
  mfaVerified: true,
};
