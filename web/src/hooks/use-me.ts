import { useMutation, useQuery } from '@tanstack/react-query';
import { consentRules } from '../../../src/modules/consent/policy.ts';
import { questionnaireRules } from '../../../src/modules/questionnaires/policy.ts';
import type { ActionRule } from '../../../src/platform/access/policy.ts';
import { api, isApiError } from '../api.ts';
import type { Me, Role } from '../api-types.ts';

export const meKey = ['me'] as const;

/** The signed-in person, or null when there is no (fully signed-in) session. */
async function fetchMe(): Promise<Me | null> {
  try {
    return await api.get<Me>('/me');
  } catch (error) {
    // 401: no session. 403 mfa_required: a sign-in still waiting for its second factor.
    if (isApiError(error) && (error.status === 401 || error.code === 'mfa_required')) return null;
    throw error;
  }
}

/** GET /api/v1/me: the account, its roles and the session; `data` is null when signed out. */
export function useMe() {
  return useQuery({ queryKey: meKey, queryFn: fetchMe, staleTime: 60_000 });
}

export const hasRole = (me: Me | null | undefined, role: Role): boolean =>
  me?.roles.some((membership) => membership.role === role) ?? false;

/** The roles an action rule of the server's access policy grants to (the policy is the one truth). */
const rolesOf = (rule: ActionRule | undefined): Role[] =>
  (rule?.grants ?? []).flatMap((grant) => (grant.role === 'anyone' ? [] : [grant.role]));

/** Who writes questionnaires (the server's `questionnaire.author` rule). */
export const AUTHOR_ROLES = rolesOf(questionnaireRules['questionnaire.author']);
/** Who publishes consent texts (`consent.publish`). */
export const CONSENT_STAFF_ROLES = rolesOf(consentRules['consent.publish']);

export const isAuthor = (me: Me | null | undefined): boolean =>
  AUTHOR_ROLES.some((role) => hasRole(me, role));
export const isConsentStaff = (me: Me | null | undefined): boolean =>
  CONSENT_STAFF_ROLES.some((role) => hasRole(me, role));

/**
 * Signs out and loads the sign-in page afresh: a full page load drops every cached answer (and the
 * CSRF token) from memory, so nothing of the account stays behind in this tab.
 */
export function useSignOut() {
  return useMutation({
    mutationFn: () => api.post<void>('/auth/sign-out'),
    onSettled: () => window.location.assign('/sign-in'),
  });
}
