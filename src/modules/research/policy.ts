import type { ActionRule } from '../../platform/access/index.ts';

/**
 * Who may do what with studies; part of the one access policy. Researchers create studies and run those whose
 * team they are on (the service checks the team); data stewards approve a study once its ethics decision is
 * recorded. A participant enrols and withdraws themself. What the study team may see of a participant's data
 * is granted by the module that owns it, with the relation `study` (enrolled in a study of the team) and the
 * consent `research` (insights/policy.ts for glucose): withdrawing either closes it at once. Data access: the
 * team asks, a data steward decides, the team runs extracts of those whose research consent holds then.
 */
export const researchRules: Record<string, ActionRule> = {
  'study.manage': {
    grants: [{ role: 'researcher' }],
    purposes: ['research'],
    personalData: false,
    resourceType: 'study',
  },
  'study.approve': {
    grants: [{ role: 'data_steward' }],
    purposes: ['research'],
    personalData: false,
    resourceType: 'study',
  },
  /** The team countersigns the signatures of those who consented to research, seeing them by pseudonym. */
  'study.countersign': {
    grants: [{ role: 'researcher', consent: 'research' }],
    purposes: ['research'],
    personalData: true,
    resourceType: 'research_subject',
  },
  'study.subjects.read': {
    grants: [{ role: 'researcher', relation: 'study', consent: 'research' }],
    purposes: ['research'],
    personalData: true,
    resourceType: 'research_subject',
  },
  // Data access: every step is audited (personalData), allowed or not, though none names a participant.
  'study.data.request': {
    grants: [{ role: 'researcher' }],
    purposes: ['research'],
    personalData: true,
    resourceType: 'data_request',
  },
  'study.data.review': {
    grants: [{ role: 'data_steward' }],
    purposes: ['research'],
    personalData: true,
    resourceType: 'data_request',
  },
  'study.extract': {
    grants: [{ role: 'researcher' }],
    purposes: ['research'],
    personalData: true,
    resourceType: 'extract',
  },
  /** Who is in an extract: those taking part in the team's study whose research consent holds when it runs. */
  'study.extract.subjects': {
    grants: [{ role: 'researcher', relation: 'study', consent: 'research' }],
    purposes: ['research'],
    personalData: true,
    resourceType: 'extract',
  },
  'study.extract.download': {
    grants: [{ role: 'researcher' }],
    purposes: ['research'],
    personalData: true,
    resourceType: 'extract',
  },
  'study.enrol': {
    grants: [{ role: 'anyone', relation: 'self', consent: 'research' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'research_subject',
  },
  'study.eligibility': {
    grants: [{ role: 'anyone', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'research_subject',
  },
  'study.invitations.read': {
    grants: [{ role: 'anyone', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'study_invitation',
  },
  'study.tasks.read': {
    grants: [{ role: 'anyone', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'study_task',
  },
  'study.withdraw': {
    grants: [{ role: 'anyone', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'research_subject',
  },
};
