import type { ActionRule } from '../../platform/access/index.ts';

const support = [{ role: 'administrator' as const }, { role: 'data_steward' as const }];

/** Who may see and change consent; part of the one access policy. */
export const consentRules: Record<string, ActionRule> = {
  'consent.read': {
    grants: [{ role: 'anyone', relation: 'self' }, ...support],
    purposes: ['self_service', 'support'],
    personalData: true,
    resourceType: 'consent',
  },
  'consent.record': {
    grants: [{ role: 'anyone', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'consent',
  },
  'consent.record_paper': {
    grants: support,
    purposes: ['support'],
    personalData: true,
    resourceType: 'consent',
  },
  'consent.publish': {
    grants: support,
    purposes: ['administration'],
    personalData: false,
    resourceType: 'consent_document',
  },
};
