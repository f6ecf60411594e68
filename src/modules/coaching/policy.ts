import type { ActionRule } from '../../platform/access/index.ts';

/**
 * Who may change and read caseloads; part of the one access policy. Administrators put participants in a
 * coach's caseload and end it; a coach reads their own caseload (who, since when, whether they share now).
 * What a coach may see of a participant's data is granted by the module that owns it, with the relation
 * `caseload` and the consent `coach_sharing` (insights/policy.ts for glucose).
 */
export const coachingRules: Record<string, ActionRule> = {
  'caseload.assign': {
    grants: [{ role: 'administrator' }],
    purposes: ['administration'],
    personalData: true,
    resourceType: 'caseload',
  },
  'caseload.read': {
    grants: [{ role: 'coach', relation: 'caseload' }],
    purposes: ['coaching'],
    personalData: true,
    resourceType: 'caseload',
  },
};
