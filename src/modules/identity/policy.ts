import type { ActionRule } from '../../platform/access/index.ts';

const admin = [{ role: 'administrator' as const }];
const selfOrAdmin = [{ role: 'anyone' as const, relation: 'self' }, ...admin];

/** What the identity module lets whom do; part of the one access policy. */
export const identityRules: Record<string, ActionRule> = {
  /** Researchers make tokens for their scripts that read research extracts. */
  'api_token.manage': {
    grants: [{ role: 'researcher', relation: 'self' }],
    purposes: ['self_service'],
    personalData: false,
    resourceType: 'api_token',
  },
  'account.read': {
    grants: selfOrAdmin,
    purposes: ['self_service', 'administration'],
    personalData: true,
    resourceType: 'account',
  },
  'account.update': {
    grants: selfOrAdmin,
    purposes: ['self_service', 'administration'],
    personalData: true,
    resourceType: 'account',
  },
  'account.search': {
    grants: admin,
    purposes: ['administration'],
    personalData: true,
    resourceType: 'account',
  },
  'membership.manage': {
    grants: admin,
    purposes: ['administration'],
    personalData: true,
    resourceType: 'membership',
  },
  'invitation.manage': {
    grants: admin,
    purposes: ['administration'],
    personalData: true,
    resourceType: 'invitation',
  },
  'organisation.manage': {
    grants: admin,
    purposes: ['administration'],
    personalData: false,
    resourceType: 'organisation',
  },
};
