import type { ActionRule } from '../../platform/access/index.ts';

/** Who may bring measurements in and read them back; part of the one access policy. */
export const measurementRules: Record<string, ActionRule> = {
  // A member imports their own files; the operator of the installation may import a file for a participant
  // from the command line (`topfit import --participant`), as the administrator, and that is audited.
  'measurements.import': {
    grants: [{ role: 'anyone', relation: 'self' }, { role: 'administrator' }],
    purposes: ['self_service', 'support'],
    personalData: true,
    resourceType: 'observation',
  },
  'measurements.read': {
    grants: [{ role: 'anyone', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'observation',
  },
};
