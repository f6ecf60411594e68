import type { Criteria, Step } from './criteria.ts';

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

export interface Study {
  id: string;
  title: { nl: string; en: string };
  summary: { nl: string; en: string };
  status: StudyStatus;
  ethics: EthicsDecision | null;
  consent: { version: number; nl: string; en: string; sha256: string };
  team: { accountId: string; role: TeamRole }[];
  criteria: Criteria;
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
