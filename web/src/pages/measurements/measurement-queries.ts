import { useQuery } from '@tanstack/react-query';
import { CODES } from '../../../../src/modules/measurements/codes.ts';
import { api } from '../../api.ts';
import type { ImportSummary } from '../../api-types.ts';

/** Every cached answer built from measurements; invalidate after an import. */
export const measurementsKey = ['measurements'] as const;
const importsKey = [...measurementsKey, 'imports'] as const;

/** GET /me/measurements/imports: the participant's earlier imports, newest first. */
export function useMyImports(enabled = true) {
  return useQuery({
    queryKey: importsKey,
    enabled,
    queryFn: async () => (await api.get<{ imports: ImportSummary[] }>('/me/measurements/imports')).imports,
  });
}

export type MeasurementKind = keyof typeof CODES;

/** The name of an observation code (LOINC) in CODES, for its label; null for a code the web app does not know. */
export function kindOfCode(code: string): MeasurementKind | null {
  const entry = Object.entries(CODES).find(([, value]) => value === code);
  return entry ? (entry[0] as MeasurementKind) : null;
}
