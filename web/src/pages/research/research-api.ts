import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { EducationLevel, Locale, Municipality, SexAtBirth } from '../../api-types.ts';

/** Shapes of the research API (src/modules/research/schemas.ts), as the web app reads them. */

type Bilingual = { nl: string; en: string };

export type StudyStatus = 'draft' | 'approved' | 'recruiting' | 'closed' | 'completed';
export type RequestStatus = 'submitted' | 'approved' | 'rejected';
export type ExtractStatus = 'queued' | 'running' | 'ready' | 'failed' | 'expired';

/**
 * The only moves of a study's lifecycle, as the server allows them (src/modules/research/model.ts, NEXT_STATUS):
 * a data steward approves a draft, the principal investigator takes it further.
 */
export const NEXT_STATUS: Readonly<Record<StudyStatus, StudyStatus | null>> = {
  draft: 'approved',
  approved: 'recruiting',
  recruiting: 'closed',
  closed: 'completed',
  completed: null,
};
export const STUDY_STATUSES: StudyStatus[] = ['draft', 'approved', 'recruiting', 'closed', 'completed'];

type TeamRole = 'principal_investigator' | 'researcher';

/** An eligibility criterion as the research API takes it (src/modules/research/criteria.ts). */
export type Criterion =
  | { field: 'age'; min?: number; max?: number }
  | { field: 'sex'; in: SexAtBirth[] }
  | { field: 'municipality'; in: string[] }
  | { field: 'education'; in: EducationLevel[] }
  | { field: 'findrisc'; min: number; withinMonths: number }
  | { field: 'steps'; minPerDay: number; withinDays: number }
  | { field: 'other_studies'; exclude: 'any' | string[] }
  | { field: 'cgm'; minDays: number; meanMmolMin?: number; meanMmolMax?: number };
export type CriterionField = Criterion['field'];
export interface Criteria {
  all: Criterion[];
}

/** The decision of the ethics committee, as recorded on the study. */
export interface EthicsDecision {
  committee: string;
  reference: string;
  /** YYYY-MM-DD. */
  decidedOn: string;
  documentSha256: string;
}

/**
 * A question that checks the consent was understood: in both languages, two to five options, and the index of
 * the right one (participants never see which).
 */
export interface ConsentQuestion {
  question: Bilingual;
  options: Bilingual[];
  answer: number;
}

/**
 * The most a study enrols: `total` in all and/or `perStratum` in each stratum of `stratifyBy` (the two go
 * together); at least one of the numbers.
 */
export interface EnrolmentQuota {
  total?: number;
  stratifyBy?: Stratification;
  perStratum?: number;
}

/** A study as GET /research/studies and GET /research/studies/{id} give it. */
export interface ResearchStudy {
  id: string;
  title: Bilingual;
  summary: Bilingual;
  status: StudyStatus;
  ethics: EthicsDecision | null;
  consent: { version: number; nl: string; en: string; sha256: string };
  team: { accountId: string; role: TeamRole }[];
  criteria: Criteria;
  consentQuestions: ConsentQuestion[];
  /** Whether a member of the team countersigns each signature before the participant is enrolled. */
  countersign: boolean;
  /** null: no limit. */
  enrolmentQuota: EnrolmentQuota | null;
  createdAt: string;
  approvedAt: string | null;
}

/** The texts a study is created with, and changed with while it is a draft. */
export interface StudyTexts {
  title: Bilingual;
  summary: Bilingual;
  consent: Bilingual;
}

export type FunnelStep = 'members' | 'research_consent' | 'contact_consent' | CriterionField;

/** POST /research/studies/{id}/feasibility: counts only; null is below the small-cell minimum. */
export interface Feasibility {
  smallCellMinimum: number;
  funnel: { step: FunnelStep; criterion?: Criterion; count: number | null }[];
  byMunicipality: { code: string; count: number | null }[];
  byAgeBand: { band: string; count: number | null }[];
}

/** Someone taking part, as the team sees them: by the study's pseudonym only. */
interface StudySubject {
  pseudonym: string;
  status: 'candidate' | 'eligible' | 'enrolled' | 'completed' | 'withdrawn';
  since: string;
}

/** One variable of a data set in the catalogue. */
interface CatalogueVariable {
  name: string;
  label: Bilingual;
  type: 'string' | 'integer' | 'decimal' | 'date' | 'datetime';
  unit?: string;
  decimals?: number;
  codes?: { value: string; label: Bilingual }[];
  source: string;
}

/** A data set of the catalogue (GET /research/datasets); its first variable is always `pseudonym`. */
export interface CatalogueDataset {
  key: string;
  label: Bilingual;
  rowIs: Bilingual;
  timeBound: boolean;
  variables: CatalogueVariable[];
}

export interface DataRequest {
  id: string;
  studyId: string;
  requestedBy: string;
  datasets: { dataset: string; variables: string[] }[];
  period: { from: string; to: string };
  purpose: string;
  formats: string[];
  status: RequestStatus;
  conditions: string | null;
  decisionNote: string | null;
  decidedAt: string | null;
  createdAt: string;
}

/** A request in the data steward's queue, with its study's title. */
export type QueuedRequest = DataRequest & { studyTitle: Bilingual };

export interface ManifestFile {
  name: string;
  bytes: number;
  sha256: string;
  rows?: number;
}

export interface Extract {
  id: string;
  requestId: string;
  studyId: string;
  status: ExtractStatus;
  progress: { done: number; total: number };
  participants: number | null;
  manifest: {
    files: ManifestFile[];
    conditions: string | null;
    period: { from: string; to: string };
    participants: number;
  } | null;
  error: string | null;
  createdAt: string;
  finishedAt: string | null;
  expiresAt: string | null;
}

/** Who a news item is for: those who take or took part in the study, or every member of the Citizen Lab. */
export type NewsAudience = 'participants' | 'panel';
export const NEWS_AUDIENCES: NewsAudience[] = ['participants', 'panel'];

/** A study's news as the research API and GET /me/study-news give it; the text's paragraphs are separated by a blank line. */
export interface StudyNews {
  id: string;
  studyId: string;
  studyTitle: Bilingual;
  title: Bilingual;
  body: Bilingual;
  audience: NewsAudience;
  publishedAt: string;
}

/** How a batch may spread its invitations over groups of members (src/modules/research/schemas.ts). */
export type Stratification = 'sex' | 'age_band' | 'municipality';
export const STRATIFICATIONS: Stratification[] = ['sex', 'age_band', 'municipality'];

/** A batch of invitations as the team sees it: numbers only, never who; null is below the small-cell minimum. */
export interface InvitationBatch {
  id: string;
  createdAt: string;
  requested: number;
  stratifyBy: Stratification | null;
  perStratum: number | null;
  invited: number | null;
  mailed: number | null;
  reminded: number | null;
  interested: number | null;
  declined: number | null;
  noAnswer: number | null;
}

/** The paragraphs of a news text: separated by a blank line. */
export const paragraphsOf = (text: string): string[] =>
  text
    .split(/\n\s*\n/)
    .map((paragraph) => paragraph.trim())
    .filter(Boolean);

/** The variable every data set gives, whatever is asked. */
export const PSEUDONYM = 'pseudonym';

export const researchKeys = {
  studies: ['research', 'studies'] as const,
  catalogue: ['research', 'datasets'] as const,
  requests: (studyId: string) => ['research', 'studies', studyId, 'requests'] as const,
  extracts: (studyId: string) => ['research', 'studies', studyId, 'extracts'] as const,
  queue: ['research', 'queue'] as const,
  news: (studyId: string) => ['research', 'studies', studyId, 'news'] as const,
  recruitment: (studyId: string) => ['research', 'studies', studyId, 'recruitment'] as const,
  subjects: (studyId: string) => ['research', 'studies', studyId, 'subjects'] as const,
  countersignatures: (studyId: string) => ['research', 'studies', studyId, 'countersignatures'] as const,
  // Outside the `studies` prefix: refreshing the list of studies need not fetch every study again.
  study: (studyId: string) => ['research', 'study', studyId] as const,
  feasibility: (studyId: string, criteria: Criteria | undefined) =>
    ['research', 'feasibility', studyId, criteria ?? null] as const,
};

/** My studies (researchers), or every study (data stewards). */
export function useResearchStudies() {
  return useQuery({
    queryKey: researchKeys.studies,
    queryFn: async () => (await api.get<{ studies: ResearchStudy[] }>('/research/studies')).studies,
  });
}

/** One study, whole: its texts, consent document, ethics decision, team and criteria (its team, data stewards). */
export function useStudy(studyId: string) {
  return useQuery({
    queryKey: researchKeys.study(studyId),
    queryFn: () => api.get<ResearchStudy>(`/research/studies/${studyId}`),
  });
}

/**
 * Live counts for criteria being edited (the study's own when `criteria` is undefined). The previous answer stays
 * on screen while the next is on its way, so the table does not flicker at every keystroke.
 */
export function useFeasibility(studyId: string, criteria: Criteria | undefined) {
  return useQuery({
    queryKey: researchKeys.feasibility(studyId, criteria),
    queryFn: () =>
      api.post<Feasibility>(`/research/studies/${studyId}/feasibility`, criteria ? { criteria } : {}),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

/** Those taking part whose research consent holds, by the study's pseudonyms. */
export function useStudySubjects(studyId: string) {
  return useQuery({
    queryKey: researchKeys.subjects(studyId),
    queryFn: async () =>
      (await api.get<{ subjects: StudySubject[] }>(`/research/studies/${studyId}/subjects`)).subjects,
  });
}

/** Signatures waiting for the team's countersignature, by the study's pseudonyms. */
export function useCountersignatures(studyId: string) {
  return useQuery({
    queryKey: researchKeys.countersignatures(studyId),
    queryFn: async () =>
      (
        await api.get<{ awaiting: { pseudonym: string; signedAt: string }[] }>(
          `/research/studies/${studyId}/countersignatures`,
        )
      ).awaiting,
  });
}

/** The municipalities of the region, for names and choices; they change only with a release. */
export function useMunicipalities() {
  return useQuery({
    queryKey: ['regions', 'municipalities'],
    queryFn: async () =>
      (await api.get<{ municipalities: Municipality[] }>('/regions/municipalities')).municipalities,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

/** What a data request may ask for; it changes only with a new release, so it is kept for the session. */
export function useCatalogue() {
  return useQuery({
    queryKey: researchKeys.catalogue,
    queryFn: async () => (await api.get<{ datasets: CatalogueDataset[] }>('/research/datasets')).datasets,
    staleTime: Number.POSITIVE_INFINITY,
  });
}

export function useStudyRequests(studyId: string) {
  return useQuery({
    queryKey: researchKeys.requests(studyId),
    queryFn: async () =>
      (await api.get<{ requests: DataRequest[] }>(`/research/studies/${studyId}/data-requests`)).requests,
  });
}

/** While an extract is being written, its status and progress are asked for again this often. */
const EXTRACT_POLL_MS = 2000;

export const isBusy = (extract: Extract) => extract.status === 'queued' || extract.status === 'running';

/** The study's extracts, newest first; asked for again every 2 s while one is queued or running. */
export function useStudyExtracts(studyId: string) {
  return useQuery({
    queryKey: researchKeys.extracts(studyId),
    queryFn: async () =>
      (await api.get<{ extracts: Extract[] }>(`/research/studies/${studyId}/extracts`)).extracts,
    refetchInterval: (query) => (query.state.data?.some(isBusy) ? EXTRACT_POLL_MS : false),
  });
}

/** The news the study's team published, newest first. */
export function useStudyNews(studyId: string) {
  return useQuery({
    queryKey: researchKeys.news(studyId),
    queryFn: async () => (await api.get<{ news: StudyNews[] }>(`/research/studies/${studyId}/news`)).news,
  });
}

/** The study's invitation batches, newest first. */
export function useRecruitment(studyId: string) {
  return useQuery({
    queryKey: researchKeys.recruitment(studyId),
    queryFn: async () =>
      (await api.get<{ batches: InvitationBatch[] }>(`/research/studies/${studyId}/recruitment`)).batches,
  });
}

export function useReviewQueue() {
  return useQuery({
    queryKey: researchKeys.queue,
    queryFn: async () => (await api.get<{ requests: QueuedRequest[] }>('/research/data-requests')).requests,
  });
}

/** Where a file of an extract is downloaded (a plain link: the session cookie is enough for a GET). */
export const fileUrl = (extractId: string, name: string) =>
  `/api/v1/research/extracts/${extractId}/files/${encodeURIComponent(name)}`;

/** A variable's label in the language shown, with its unit: "Interstitial glucose (mmol/L)". */
export function variableLabel(variable: CatalogueVariable, locale: Locale): string {
  return variable.unit ? `${variable.label[locale]} (${variable.unit})` : variable.label[locale];
}

/**
 * Calendar days (YYYY-MM-DD, as a period has them) in the language shown. Formatted as UTC, so the day
 * never shifts with the browser's time zone.
 */
export function useDayFormat() {
  const { i18n } = useTranslation();
  const format = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL', {
    dateStyle: 'long',
    timeZone: 'UTC',
  });
  return (day: string): string => {
    const date = new Date(`${day}T00:00:00Z`);
    return Number.isNaN(date.getTime()) ? day : format.format(date);
  };
}

/** A file size in the language shown: "12,3 kB", "1.2 MB". */
export function useBytes() {
  const { i18n } = useTranslation();
  const locale = i18n.language === 'en' ? 'en-GB' : 'nl-NL';
  return (bytes: number): string => {
    const units = ['byte', 'kilobyte', 'megabyte', 'gigabyte'] as const;
    let value = bytes;
    let unit = 0;
    while (value >= 1000 && unit < units.length - 1) {
      value /= 1000;
      unit++;
    }
    return new Intl.NumberFormat(locale, {
      style: 'unit',
      unit: units[unit],
      unitDisplay: 'short',
      maximumFractionDigits: unit === 0 ? 0 : 1,
    }).format(value);
  };
}
