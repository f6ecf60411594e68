import type { Criteria, Step } from './criteria.ts';
import type { DatasetKey } from './datasets.ts';
import type { Schedule, ScheduleTask } from './schedule.ts';

/** Studies on the panel: their lifecycle and who takes part, as FHIR ResearchStudy and ResearchSubject see them. */

export const STUDY_STATUSES = ['draft', 'approved', 'recruiting', 'closed', 'completed'] as const;
export type StudyStatus = (typeof STUDY_STATUSES)[number];

export const SUBJECT_STATUSES = ['candidate', 'eligible', 'enrolled', 'completed', 'withdrawn'] as const;
export type SubjectStatus = (typeof SUBJECT_STATUSES)[number];

export type TeamRole = 'principal_investigator' | 'researcher';

/** The only moves a study's lifecycle allows; approval needs the ethics decision (checked by the service). */
export const NEXT_STATUS: Readonly<Record<StudyStatus, StudyStatus | null>> = {
  draft: 'approved',
  approved: 'recruiting',
  recruiting: 'closed',
  closed: 'completed',
  completed: null,
};

/** Study statuses in which participants may enrol. */
export const ENROLLING: readonly StudyStatus[] = ['recruiting'];

/** Participant statuses through which the study team may see the participant's data (with research consent). */
export const TAKING_PART: readonly SubjectStatus[] = ['enrolled', 'completed'];

export interface EthicsDecision {
  committee: string;
  reference: string;
  decidedOn: string;
  documentSha256: string;
}

/** A question that checks the participant understood the consent: the right answer is one of its options. */
export interface ConsentQuestion {
  question: { nl: string; en: string };
  options: { nl: string; en: string }[];
  /** The index of the right option. */
  answer: number;
}

/** The most a study enrols: in all, and/or in each stratum of those taking part. */
export interface EnrolmentQuota {
  total?: number;
  stratifyBy?: Stratification;
  perStratum?: number;
}

export interface Study {
  id: string;
  title: { nl: string; en: string };
  summary: { nl: string; en: string };
  status: StudyStatus;
  ethics: EthicsDecision | null;
  consent: { version: number; nl: string; en: string; sha256: string };
  team: { accountId: string; role: TeamRole }[];
  criteria: Criteria;
  schedule: Schedule;
  consentQuestions: ConsentQuestion[];
  /** Whether a researcher countersigns each signature before the participant is enrolled. */
  countersign: boolean;
  enrolmentQuota: EnrolmentQuota | null;
  createdAt: Date;
  approvedAt: Date | null;
}

/** A count shown to researchers: the number, or null when it is below the small-cell minimum. */
export interface ShownCount {
  count: number | null;
}

/** How many members pass each step of a study's criteria, and where those who pass them all live and their age. */
export interface Feasibility {
  /** The minimum below which a count is withheld. */
  smallCellMinimum: number;
  funnel: (ShownCount & { step: Step['key']; criterion?: Step['criterion'] })[];
  byMunicipality: (ShownCount & { code: string })[];
  byAgeBand: (ShownCount & { band: string })[];
}

/** Why someone is or is not eligible: each step of the study's criteria, and whether they pass it. */
export interface Eligibility {
  eligible: boolean;
  steps: { step: Step['key']; criterion?: Step['criterion']; passed: boolean }[];
}

/** Data access: a team's request for a data set, reviewed by a data steward, run as extracts. */
export const REQUEST_STATUSES = ['submitted', 'approved', 'rejected'] as const;
export type RequestStatus = (typeof REQUEST_STATUSES)[number];

export const EXTRACT_STATUSES = ['queued', 'running', 'ready', 'failed', 'expired'] as const;
export type ExtractStatus = (typeof EXTRACT_STATUSES)[number];

/**
 * The formats an extract is written in: CSV (always with its codebook, SPSS syntax and R script), Apache Parquet
 * (a file per data set, the CSV's columns typed) and FHIR R4 Bulk Data NDJSON (a file per resource type).
 */
export const EXTRACT_FORMATS = ['csv', 'parquet', 'fhir'] as const;
export type ExtractFormat = (typeof EXTRACT_FORMATS)[number];

/** One data set of a request and the variables asked for (the pseudonym always comes with them). */
export interface DatasetRequest {
  dataset: DatasetKey;
  variables: string[];
}

export interface DataRequest {
  id: string;
  studyId: string;
  requestedBy: string;
  datasets: DatasetRequest[];
  period: { from: string; to: string };
  purpose: string;
  formats: ExtractFormat[];
  status: RequestStatus;
  conditions: string | null;
  decisionNote: string | null;
  decidedAt: Date | null;
  createdAt: Date;
}

/** One file of an extract, as its manifest lists it. */
export interface ManifestFile {
  name: string;
  bytes: number;
  sha256: string;
  /** Data rows (not the header), for the data files. */
  rows?: number;
}

export interface Manifest {
  extractId: string;
  studyId: string;
  requestId: string;
  createdAt: string;
  /** The version of the study's pseudonym key the pseudonyms were made with. */
  pseudonymKeyVersion: number;
  participants: number;
  period: { from: string; to: string };
  conditions: string | null;
  files: ManifestFile[];
}

export interface Extract {
  id: string;
  requestId: string;
  studyId: string;
  status: ExtractStatus;
  progress: { done: number; total: number };
  participants: number | null;
  manifest: Manifest | null;
  error: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  expiresAt: Date | null;
}

/** Who a study's news is for: those who took part, or the whole panel. */
export const NEWS_AUDIENCES = ['participants', 'panel'] as const;
export type NewsAudience = (typeof NEWS_AUDIENCES)[number];

export interface StudyNews {
  id: string;
  studyId: string;
  studyTitle: { nl: string; en: string };
  title: { nl: string; en: string };
  body: { nl: string; en: string };
  audience: NewsAudience;
  publishedAt: Date;
}

/** Recruitment: who may be invited is decided by the study's criteria; the team sees counts only. */
export const STRATIFICATIONS = ['sex', 'age_band', 'municipality'] as const;
export type Stratification = (typeof STRATIFICATIONS)[number];
export const INVITATION_RESPONSES = ['interested', 'declined'] as const;
export type InvitationResponse = (typeof INVITATION_RESPONSES)[number];

/** A batch of invitations as the team sees it: counts, each withheld below the small-cell minimum. */
export interface InvitationBatch {
  id: string;
  createdAt: Date;
  requested: number;
  stratifyBy: Stratification | null;
  perStratum: number | null;
  invited: ShownCount['count'];
  mailed: ShownCount['count'];
  reminded: ShownCount['count'];
  interested: ShownCount['count'];
  declined: ShownCount['count'];
  noAnswer: ShownCount['count'];
}

/** An invitation as the invited member sees it. */
export interface Invitation {
  studyId: string;
  title: { nl: string; en: string };
  summary: { nl: string; en: string };
  studyStatus: StudyStatus;
  invitedAt: Date;
  response: InvitationResponse | null;
  respondedAt: Date | null;
}

/** Schedules: a participant's task, and how a study's team follows them (research/tasks.ts). */
export const TASK_STATUSES = ['upcoming', 'open', 'done', 'missed', 'cancelled'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

/** A task as the participant sees it. */
export interface StudyTask {
  id: string;
  studyId: string;
  studyTitle: { nl: string; en: string };
  timepoint: string;
  title: { nl: string; en: string };
  occurrence: number;
  occurrences: number;
  task: ScheduleTask;
  /** For a questionnaire: the version in use now, to fill in. */
  questionnaireId: string | null;
  status: TaskStatus;
  opensAt: Date;
  closesAt: Date;
  completedAt: Date | null;
  /** Days with enough data so far, of those needed. */
  dataDays: number;
  daysNeeded: number;
}

/** How one occurrence of a timepoint goes, over those taking part whose research consent holds. */
export interface TimepointProgress {
  timepoint: string;
  title: { nl: string; en: string };
  occurrence: number;
  upcoming: number;
  open: number;
  done: number;
  missed: number;
  /** Done of those whose window has closed or who are done; null before any. */
  completionRate: number | null;
  /** For wear and measurement tasks: the mean days with enough data in the windows opened so far. */
  meanDataDays: number | null;
  daysNeeded: number;
}

/** One participant's adherence, by pseudonym. */
export interface SubjectAdherence {
  pseudonym: string;
  due: number;
  done: number;
  missed: number;
  open: number;
  /** Done of those due; null when nothing was due yet. */
  adherence: number | null;
  lastDoneAt: Date | null;
}

export interface Monitoring {
  timepoints: TimepointProgress[];
  subjects: SubjectAdherence[];
  /** Windows closed without the task done: whose and which, newest first. */
  overdue: { pseudonym: string; timepoint: string; occurrence: number; closedAt: Date }[];
  notifications: { sent: number; failed: number; noEmail: number; opened: number; doneAfter: number };
}
