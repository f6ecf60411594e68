import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { type ResearchStudy, researchKeys } from './research-api.ts';

/**
 * Shapes of the schedule API (src/modules/research/schedule.ts and schemas.ts: `studyTasks`, `openedTask`,
 * `monitoring`), as the web app reads them, and their queries. Dates arrive as ISO strings.
 */

type Bilingual = { nl: string; en: string };

export type WearMeasure = 'cgm' | 'steps';
export const WEAR_MEASURES: WearMeasure[] = ['cgm', 'steps'];

/** What a participant does at a timepoint. */
export type ScheduleTask =
  | { kind: 'questionnaire'; questionnaire: string }
  | { kind: 'wear'; measure: WearMeasure; days: number }
  | { kind: 'measurement'; measure: 'weight' };
export type TaskKind = ScheduleTask['kind'];
export const TASK_KINDS: TaskKind[] = ['questionnaire', 'wear', 'measurement'];

/** What a timepoint's days count from: the participant's enrolment, or their completing an earlier timepoint. */
export type TimepointAnchor = { event: 'enrolment' } | { event: 'completed'; timepoint: string };

export interface Timepoint {
  key: string;
  title: Bilingual;
  task: ScheduleTask;
  after: TimepointAnchor;
  startDay: number;
  windowDays: number;
  repeat?: { every: number; times: number };
  /** 0: no reminder. */
  remindDaysBeforeClose: number;
}

export interface Schedule {
  timepoints: Timepoint[];
}

/** The limits of the server's schema (src/modules/research/schedule.ts). */
export const LIMITS = {
  timepoints: 50,
  title: 200,
  startDay: 3650,
  windowDays: 365,
  wearDays: 90,
  every: 3650,
  times: { min: 2, max: 52 },
  remind: 30,
} as const;
export const TIMEPOINT_KEY = /^[a-z0-9][a-z0-9-]{0,39}$/;

export type TaskStatus = 'upcoming' | 'open' | 'done' | 'missed' | 'cancelled';

/** One of my tasks (GET /me/study-tasks). `closesAt` is exclusive: local midnight after the last day. */
export interface StudyTask {
  id: string;
  studyId: string;
  studyTitle: Bilingual;
  timepoint: string;
  title: Bilingual;
  occurrence: number;
  occurrences: number;
  task: ScheduleTask;
  /** The version of the questionnaire to fill in now; null when none is in use. */
  questionnaireId: string | null;
  status: TaskStatus;
  opensAt: string;
  closesAt: string;
  completedAt: string | null;
  dataDays: number;
  daysNeeded: number;
}

/** The task a notification's link is about (POST /study-tasks/{token}/opened). */
export interface OpenedTask {
  title: Bilingual;
  closesAt: string;
}

/** How a study's schedule goes (GET /research/studies/{id}/monitoring): by pseudonym only. */
export interface Monitoring {
  timepoints: {
    timepoint: string;
    title: Bilingual;
    occurrence: number;
    upcoming: number;
    open: number;
    done: number;
    missed: number;
    /** Done of those whose window closed; null while none did. */
    completionRate: number | null;
    /** Mean days with data of the windows opened so far; null for questionnaires. */
    meanDataDays: number | null;
    daysNeeded: number;
  }[];
  subjects: {
    pseudonym: string;
    due: number;
    done: number;
    missed: number;
    open: number;
    adherence: number | null;
    lastDoneAt: string | null;
  }[];
  overdue: { pseudonym: string; timepoint: string; occurrence: number; closedAt: string }[];
  notifications: { sent: number; failed: number; noEmail: number; opened: number; doneAfter: number };
}

/** A questionnaire in use now, as a schedule may ask for it by its canonical URL. */
export interface ActiveQuestionnaire {
  id: string;
  url: string;
  title: Bilingual;
}

/** A study with its schedule: what GET /research/studies/{id} gives. */
export type ScheduledStudy = ResearchStudy & { schedule: Schedule };

export const scheduleKeys = {
  monitoring: (studyId: string) => ['research', 'studies', studyId, 'monitoring'] as const,
  myTasks: ['me', 'study-tasks'] as const,
  opened: (token: string) => ['study-task-link', token] as const,
  activeQuestionnaires: ['questionnaires', 'active'] as const,
};

/** The study with its schedule, in the same cache entry as research-api's `useStudy`. */
export function useScheduledStudy(studyId: string) {
  return useQuery({
    queryKey: researchKeys.study(studyId),
    queryFn: () => api.get<ScheduledStudy>(`/research/studies/${studyId}`),
  });
}

/** Saves the whole schedule (PATCH, while the study is a draft: 409 after, 422 with a pointer per field). */
export function useSaveSchedule(studyId: string) {
  const queryClient = useQueryClient();
  return useMutation({
    mutationFn: (schedule: Schedule) =>
      api.patch<ScheduledStudy>(`/research/studies/${studyId}`, { schedule }),
    onSuccess: (saved) => {
      queryClient.setQueryData(researchKeys.study(saved.id), saved);
      void queryClient.invalidateQueries({ queryKey: researchKeys.studies, exact: true });
    },
  });
}

/** The questionnaires in use, to choose from by title; they change rarely, so they are kept a while. */
export function useActiveQuestionnaires(enabled = true) {
  return useQuery({
    queryKey: scheduleKeys.activeQuestionnaires,
    queryFn: async () =>
      (await api.get<{ questionnaires: ActiveQuestionnaire[] }>('/questionnaires')).questionnaires,
    staleTime: 5 * 60_000,
    enabled,
  });
}

export function useMonitoring(studyId: string, enabled = true) {
  return useQuery({
    queryKey: scheduleKeys.monitoring(studyId),
    queryFn: () => api.get<Monitoring>(`/research/studies/${studyId}/monitoring`),
    enabled,
  });
}

/** My tasks in the studies I take part in; the server first finds done what my data show. */
export function useMyStudyTasks() {
  return useQuery({
    queryKey: scheduleKeys.myTasks,
    queryFn: async () => (await api.get<{ tasks: StudyTask[] }>('/me/study-tasks')).tasks,
  });
}

/**
 * Records that a notification's link was opened, and tells which task it is about. A query rather than a
 * mutation: the page needs its loading and error states on arrival, and the server records only the first
 * opening, so asking again (a reload) changes nothing.
 */
export function useOpenedTask(token: string) {
  return useQuery({
    queryKey: scheduleKeys.opened(token),
    queryFn: () => api.post<OpenedTask>(`/study-tasks/${encodeURIComponent(token)}/opened`),
    retry: false,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/**
 * Days as participants live them: calendar days in Europe/Amsterdam, where windows open and close at local
 * midnight whatever the browser's time zone. `lastDay` turns an exclusive end into the last day included.
 */
export function useStudyDays() {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL', {
    dateStyle: 'full',
    timeZone: 'Europe/Amsterdam',
  });
  const day = (iso: string): string => {
    const date = new Date(iso);
    return Number.isNaN(date.getTime()) ? iso : format.format(date);
  };
  return {
    day,
    lastDay: (closesAt: string): string => {
      const end = new Date(closesAt).getTime();
      return Number.isNaN(end) ? closesAt : format.format(new Date(end - 1));
    },
  };
}

/** A share (0–1) as a whole percentage in the language shown: "67%", "67 %". */
export function usePercent() {
  const { i18n } = useTranslation();
  const format = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL', {
    style: 'percent',
    maximumFractionDigits: 0,
  });
  return (share: number): string => format.format(share);
}
