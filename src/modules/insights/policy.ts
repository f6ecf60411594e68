import type { ActionRule } from '../../platform/access/index.ts';

/**
 * Who may see glucose insights, and when the platform may compute them; part of the one access policy.
 * Glucose reports and summaries are personal insights (consent purpose 1): without that consent none is
 * computed and none is shown. A coach sees the report of a participant in their caseload who shares with their
 * coach (consent purpose 4), for as long as both hold. Support staff (data steward, administrator) never see
 * them. A researcher sees the report of a participant taking part in a study of their team while the
 * participant consents to research (consent purpose 2). Every decision about someone else's data is audited.
 */
export const insightsRules: Record<string, ActionRule> = {
  'glucose.read': {
    grants: [
      { role: 'anyone', relation: 'self', consent: 'personal_insights' },
      { role: 'coach', relation: 'caseload', consent: 'coach_sharing' },
      { role: 'researcher', relation: 'study', consent: 'research' },
    ],
    // support: other staff ask with it, so that a refusal names the missing grant, not the purpose.
    purposes: ['self_service', 'coaching', 'research', 'support'],
    personalData: true,
    resourceType: 'glucose_summary',
  },
  // The job after an import asks on the participant's behalf: their own data, processed for them.
  'glucose.compute': {
    grants: [{ role: 'anyone', relation: 'self', consent: 'personal_insights' }],
    purposes: ['self_service'],
    personalData: true,
    resourceType: 'glucose_summary',
  },
};
