import type { ActionRule } from '../../platform/access/index.ts';

/** Who may join and see a participant's profile; part of the one access policy. */
export const participantRules: Record<string, ActionRule> = {
  'participant.join': {
    grants: [{ role: 'citizen', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'participant',
  },
  'participant.profile.read': {
    grants: [{ role: 'anyone', relation: 'self' }, { role: 'administrator' }, { role: 'data_steward' }],
    purposes: ['self_service', 'support'],
    personalData: true,
    resourceType: 'participant',
  },
  'participant.search': {
    grants: [{ role: 'administrator' }, { role: 'data_steward' }],
    purposes: ['support'],
    personalData: true,
    resourceType: 'participant',
  },
  'panel.overview': {
    grants: [{ role: 'programme_manager' }, { role: 'partner_analyst' }, { role: 'administrator' }],
    purposes: ['statistics'],
    personalData: false,
    resourceType: 'panel_statistics',
  },
  'participant.leave': {
    grants: [{ role: 'anyone', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'participant',
  },
  'participant.export': {
    grants: [{ role: 'anyone', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'participant',
  },
  'participant.profile.update': {
    grants: [{ role: 'anyone', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'participant',
  },
};
