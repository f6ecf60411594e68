import type { ActionRule } from '../../platform/access/index.ts';

const authors = [
  { role: 'researcher' as const },
  { role: 'programme_manager' as const },
  { role: 'administrator' as const },
];

/** Who may author questionnaires, answer them, and see the results; part of the one access policy. */
export const questionnaireRules: Record<string, ActionRule> = {
  'questionnaire.author': {
    grants: authors,
    purposes: ['administration'],
    personalData: false,
    resourceType: 'questionnaire',
  },
  'questionnaire.respond': {
    grants: [{ role: 'anyone', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'questionnaire_response',
  },
  'questionnaire.read_responses': {
    grants: [{ role: 'anyone', relation: 'self' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'questionnaire_response',
  },
  // Personal insights are processing the participant allows, or not, with consent purpose (1): without it,
  // no score is computed and none is shown (the answers themselves stay theirs to see and download).
  'insights.compute': {
    grants: [{ role: 'anyone', relation: 'self', consent: 'personal_insights' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'questionnaire_score',
  },
  'insights.read': {
    grants: [{ role: 'anyone', relation: 'self', consent: 'personal_insights' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'questionnaire_score',
  },
};
