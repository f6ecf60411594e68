import type { Bundle, Consent } from '@medplum/fhirtypes';
import type { PurposeState } from './model.ts';

/** Purposes about research are of FHIR's `research` scope; the others are about the person's privacy. */
const RESEARCH_PURPOSES = new Set(['research', 'study_contact', 'registry_linkage']);

export const CONSENT_PURPOSE_SYSTEM = 'urn:topfit:consent-purpose';

/**
 * The participant's decisions as FHIR R4 Consent resources, one per decided purpose: `active` when a
 * grant counts, `inactive` when it lapsed after a material change, `rejected` when refused.
 */
export function consentBundle(
  participantId: string,
  states: PurposeState[],
  publicUrl: string,
): Bundle<Consent> {
  const entries = states.flatMap((state): Consent[] => {
    if (!state.decision || state.documentVersion === null) return [];
    const status = state.decision === 'refused' ? 'rejected' : state.effective ? 'active' : 'inactive';
    return [
      {
        resourceType: 'Consent',
        id: `${participantId}-${state.purposeKey}`,
        status,
        scope: {
          coding: [
            {
              system: 'http://terminology.hl7.org/CodeSystem/consentscope',
              code: RESEARCH_PURPOSES.has(state.purposeKey) ? 'research' : 'patient-privacy',
            },
          ],
        },
        category: [{ coding: [{ system: 'http://loinc.org', code: '59284-0', display: 'Patient Consent' }] }],
        patient: { reference: `Patient/${participantId}` },
        ...(state.decidedAt ? { dateTime: state.decidedAt.toISOString() } : {}),
        policy: [
          {
            uri: `${publicUrl}/api/v1/consent/purposes/${state.purposeKey}/versions/${state.documentVersion}`,
          },
        ],
        provision: {
          type: state.decision === 'granted' ? 'permit' : 'deny',
          purpose: [{ system: CONSENT_PURPOSE_SYSTEM, code: state.purposeKey }],
        },
      },
    ];
  });
  return {
    resourceType: 'Bundle',
    type: 'collection',
    timestamp: new Date().toISOString(),
    entry: entries.map((resource) => ({ fullUrl: `urn:topfit:consent:${resource.id}`, resource })),
  };
}
