import type { Extension } from '@medplum/fhirtypes';

/** Canonical URLs of the extensions the engine reads (FHIR R4 core, SDC, and our own). */
export const EXT = {
  translation: 'http://hl7.org/fhir/StructureDefinition/translation',
  minValue: 'http://hl7.org/fhir/StructureDefinition/minValue',
  maxValue: 'http://hl7.org/fhir/StructureDefinition/maxValue',
  minLength: 'http://hl7.org/fhir/StructureDefinition/minLength',
  calculatedExpression:
    'http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression',
  unit: 'http://hl7.org/fhir/StructureDefinition/questionnaire-unit',
  unitOption: 'http://hl7.org/fhir/StructureDefinition/questionnaire-unitOption',
  itemControl: 'http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl',
  /** valueCode: findrisc | ada | who5 — the model that scores a completed response. */
  scoringModel: 'https://topfit.nl/fhir/StructureDefinition/scoring-model',
} as const;

/** Every extension with this URL on an element (none when the element has no extensions). */
export function extensionsOf(element: { extension?: Extension[] } | undefined, url: string): Extension[] {
  return element?.extension?.filter((extension) => extension.url === url) ?? [];
}

/** The first extension with this URL, if any. */
export function extensionOf(
  element: { extension?: Extension[] } | undefined,
  url: string,
): Extension | undefined {
  return extensionsOf(element, url)[0];
}
