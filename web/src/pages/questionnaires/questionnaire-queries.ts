import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api.ts';
import {
  isLocale,
  type Locale,
  type MyResponse,
  type MyResponseDetail,
  type QuestionnaireDetail,
  type QuestionnaireTask,
  type Score,
  type StoredResponse,
} from '../../api-types.ts';

/** Every cached questionnaire answer; invalidate this after saving or submitting answers. */
export const questionnairesKey = ['questionnaires'] as const;
export const tasksKey = [...questionnairesKey, 'tasks'] as const;
const myResponsesKey = [...questionnairesKey, 'responses'] as const;
export const draftKey = (questionnaireId: string) =>
  [...questionnairesKey, 'draft', questionnaireId] as const;
/** The participant's results; invalidate after a scored response. */
export const scoresKey = ['scores'] as const;

/** Downloads: plain links, so the browser saves what the server sends. */
export const responseFhirUrl = (responseId: string): string =>
  `/api/v1/me/responses/${encodeURIComponent(responseId)}/fhir`;
export const scoreFhirUrl = (scoreId: string): string =>
  `/api/v1/me/scores/${encodeURIComponent(scoreId)}/fhir`;

export const draftPath = (questionnaireId: string) =>
  `/me/questionnaires/${encodeURIComponent(questionnaireId)}/draft`;
export const responsesPath = (questionnaireId: string) =>
  `/me/questionnaires/${encodeURIComponent(questionnaireId)}/responses`;

/** The language the app shows now, as the questionnaire engine takes it (re-renders when it changes). */
export function useLocale(): Locale {
  const { i18n } = useTranslation();
  return isLocale(i18n.language) ? i18n.language : 'nl';
}

/** GET /me/questionnaires: the active questionnaires with where the participant stands in each. */
export function useMyTasks(enabled = true) {
  return useQuery({
    queryKey: tasksKey,
    enabled,
    queryFn: async () => (await api.get<{ tasks: QuestionnaireTask[] }>('/me/questionnaires')).tasks,
  });
}

/** GET /me/responses: the participant's submitted responses. */
export function useMyResponses(enabled = true) {
  return useQuery({
    queryKey: myResponsesKey,
    enabled,
    queryFn: async () => (await api.get<{ responses: MyResponse[] }>('/me/responses')).responses,
  });
}

/** GET /questionnaires/{id}: one version with its FHIR content. */
export function useQuestionnaire(id: string) {
  return useQuery({
    queryKey: [...questionnairesKey, 'detail', id],
    queryFn: () => api.get<QuestionnaireDetail>(`/questionnaires/${encodeURIComponent(id)}`),
    staleTime: 5 * 60_000,
  });
}

/** GET /me/questionnaires/{id}/draft: the saved answers so far, or null when there are none (404). */
export function useDraft(questionnaireId: string) {
  return useQuery({
    queryKey: draftKey(questionnaireId),
    queryFn: async (): Promise<StoredResponse | null> => {
      try {
        return await api.get<StoredResponse>(draftPath(questionnaireId));
      } catch (error) {
        if (isApiError(error) && error.status === 404) return null;
        throw error;
      }
    },
  });
}

/** GET /me/responses/{id}: one submitted response with the questionnaire version it answered. */
export function useMyResponse(responseId: string) {
  return useQuery({
    queryKey: [...myResponsesKey, responseId],
    queryFn: () => api.get<MyResponseDetail>(`/me/responses/${encodeURIComponent(responseId)}`),
  });
}

/** GET /me/scores: every result, newest first; fails with `consent_required` while personal insights are off. */
export function useMyScores() {
  return useQuery({
    queryKey: scoresKey,
    queryFn: async () => (await api.get<{ scores: Score[] }>('/me/scores')).scores,
  });
}

/** Whether a failed request failed only because personal insights are off. */
export const isConsentRequired = (error: unknown): boolean =>
  isApiError(error) && error.code === 'consent_required';
