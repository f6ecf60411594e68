import type { ActionRule } from '../../platform/access/index.ts';

/**
 * Who may see glucose insights, and when the platform may compute them; part of the one access policy.
 * Glucose reports and summaries are personal insights (consent purpose 1): without that consent none is
 * computed and none is shown. Support staff (data steward, administrator) never see them. Coaches (relation
 * `caseload`, consent `coach_sharing`) and researchers (relation `study`, consent `research`) get their grants
 * here once those relations exist in the policy; until then staff asking for a participant's report are denied,
 * and the denial is audited.
 */
export const insightsRules: Record<string, ActionRule> = {
  'glucose.read': {
    grants: [{ role: 'anyone', relation: 'self', consent: 'personal_insights' }],
    // support: the staff route asks with it, so that a refusal names the missing grant, not the purpose.
    purposes: ['self_service', 'support'],
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
