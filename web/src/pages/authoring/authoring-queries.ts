import { type QueryClient, useQuery } from '@tanstack/react-query';
import { api } from '../../api.ts';
import type { QuestionnaireDetail, QuestionnaireSummary } from '../../api-types.ts';
import { questionnairesKey } from '../questionnaires/questionnaire-queries.ts';

/** Every cached answer of the authoring pages. */
const authoringKey = ['authoring', 'questionnaires'] as const;
const versionKey = (id: string) => [...authoringKey, id] as const;

/** Download of one version as a FHIR R4 Questionnaire: a plain link, so the browser saves the file. */
export const questionnaireFhirUrl = (id: string): string =>
  `/api/v1/questionnaires/${encodeURIComponent(id)}/fhir`;

export const authoringPath = (id: string): string => `/author/questionnaires/${encodeURIComponent(id)}`;

/** GET /questionnaires?all=true: every version of every questionnaire, drafts and retired ones too. */
export function useAllVersions() {
  return useQuery({
    queryKey: authoringKey,
    queryFn: async () =>
      (await api.get<{ questionnaires: QuestionnaireSummary[] }>('/questionnaires?all=true')).questionnaires,
  });
}

/** GET /questionnaires/{id}: one version with its FHIR content. */
export function useVersion(id: string) {
  return useQuery({
    queryKey: versionKey(id),
    queryFn: () => api.get<QuestionnaireDetail>(`/questionnaires/${encodeURIComponent(id)}`),
  });
}

/**
 * After an import, an activation or a retirement: the authoring lists and the participants' cached
 * questionnaires (a version in use changed) load again.
 */
export function refreshQuestionnaires(queryClient: QueryClient, changed?: QuestionnaireDetail): void {
  if (changed) queryClient.setQueryData(versionKey(changed.id), changed);
  void queryClient.invalidateQueries({ queryKey: authoringKey });
  void queryClient.invalidateQueries({ queryKey: questionnairesKey });
}

/** A questionnaire's versions: one group per canonical url, newest version first. */
export interface Instrument {
  url: string;
  versions: QuestionnaireSummary[];
}

/** When the instrument's newest version was made (ISO dates compare as text). */
const latest = (instrument: Instrument): string =>
  instrument.versions.reduce((last, version) => (version.createdAt > last ? version.createdAt : last), '');

/** Groups versions by url; the instrument with the most recent version comes first. */
export function groupByUrl(versions: readonly QuestionnaireSummary[]): Instrument[] {
  const byUrl = new Map<string, QuestionnaireSummary[]>();
  for (const version of versions) byUrl.set(version.url, [...(byUrl.get(version.url) ?? []), version]);
  return [...byUrl.entries()]
    .map(([url, list]) => ({ url, versions: list.sort((a, b) => b.version - a.version) }))
    .sort((a, b) => latest(b).localeCompare(latest(a)));
}
