import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { Locale } from '../../api-types.ts';

/** Shapes of the research API (src/modules/research/schemas.ts), as the web app reads them. */

type Bilingual = { nl: string; en: string };

export type StudyStatus = 'draft' | 'approved' | 'recruiting' | 'closed' | 'completed';
export type RequestStatus = 'submitted' | 'approved' | 'rejected';
export type ExtractStatus = 'queued' | 'running' | 'ready' | 'failed' | 'expired';

/** A study as GET /research/studies gives it (the parts these pages use). */
interface ResearchStudy {
  id: string;
  title: Bilingual;
  summary: Bilingual;
  status: StudyStatus;
  team: { accountId: string; role: 'principal_investigator' | 'researcher' }[];
  createdAt: string;
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
};

/** My studies (researchers), or every study (data stewards). */
export function useResearchStudies() {
  return useQuery({
    queryKey: researchKeys.studies,
    queryFn: async () => (await api.get<{ studies: ResearchStudy[] }>('/research/studies')).studies,
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
