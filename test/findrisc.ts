/** A FINDRISC response as a member's browser sends it, for the tests of the modules that use one. */
export const FINDRISC_URL = 'https://topfit.nl/fhir/Questionnaire/findrisc';

const coding = (code: string) => ({
  valueCoding: { system: 'https://topfit.nl/fhir/CodeSystem/findrisc', code },
});

/**
 * A FINDRISC response worth 12 points by default (Lindström & Tuomilehto 2003): age 55–64 → 3, BMI 80 kg /
 * (1.70 m)² = 27.7 → 1, waist 85 cm (woman) → 3, not active daily → 2, vegetables daily → 0, no blood-pressure
 * medication → 0, no high glucose → 0, a grandparent with diabetes → 3. 12 is "moderate" (~17 % in 10 years).
 * Weight 90 kg (BMI 31.1) gives 3 for BMI, waist under 80 cm 0, and daily activity 0.
 */
export function findriscAnswers(overrides: { waist?: number; activity?: boolean; weight?: number } = {}) {
  return [
    {
      linkId: 'about-you',
      item: [
        { linkId: 'age-band', answer: [coding('55_64')] },
        { linkId: 'sex', answer: [coding('female')] },
      ],
    },
    {
      linkId: 'body',
      item: [
        { linkId: 'height', answer: [{ valueDecimal: 170 }] },
        { linkId: 'weight', answer: [{ valueDecimal: overrides.weight ?? 80 }] },
        { linkId: 'waist', answer: [{ valueDecimal: overrides.waist ?? 85 }] },
      ],
    },
    {
      linkId: 'lifestyle',
      item: [
        { linkId: 'activity', answer: [{ valueBoolean: overrides.activity ?? false }] },
        { linkId: 'vegetables', answer: [{ valueBoolean: true }] },
      ],
    },
    {
      linkId: 'health',
      item: [
        { linkId: 'bp-medication', answer: [{ valueBoolean: false }] },
        { linkId: 'high-glucose', answer: [{ valueBoolean: false }] },
        { linkId: 'family-history', answer: [coding('second_degree')] },
      ],
    },
  ];
}
