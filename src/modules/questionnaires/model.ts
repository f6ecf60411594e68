import type { Questionnaire, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import type { ScoringModel } from './scoring.ts';

export type QuestionnaireStatus = 'draft' | 'active' | 'retired';
/** Where a version came from: the shipped instrument library, an imported FHIR JSON, or a REDCap dictionary. */
export type QuestionnaireSource = 'library' | 'json' | 'redcap';
export type ResponseStatus = 'in-progress' | 'completed';

export interface QuestionnaireRecord {
  id: string;
  url: string;
  version: number;
  status: QuestionnaireStatus;
  name: string | null;
  title: { nl: string; en: string };
  scoring: ScoringModel | null;
  repeatMonths: number | null;
  source: QuestionnaireSource;
  resource: Questionnaire;
  createdAt: Date;
  activatedAt: Date | null;
  retiredAt: Date | null;
}

export interface ResponseRecord {
  participantId: string;
  id: string;
  questionnaireId: string;
  questionnaireUrl: string;
  status: ResponseStatus;
  items: QuestionnaireResponseItem[];
  createdAt: Date;
  updatedAt: Date;
  authoredAt: Date | null;
}

export interface ScoreRecord {
  participantId: string;
  id: string;
  responseId: string;
  model: ScoringModel;
  modelVersion: string;
  score: number;
  category: string;
  probability: number | null;
  input: Record<string, unknown>;
  result: Record<string, unknown>;
  computedAt: Date;
}

/** The date a repeating questionnaire is due again: its interval in months after the last response. */
export function dueAgainAt(lastCompleted: Date, repeatMonths: number): Date {
  const due = new Date(lastCompleted);
  const day = due.getUTCDate();
  due.setUTCDate(1);
  due.setUTCMonth(due.getUTCMonth() + repeatMonths);
  // 31 August + 6 months is the last day of February, as PostgreSQL's interval arithmetic has it.
  const lastDay = new Date(Date.UTC(due.getUTCFullYear(), due.getUTCMonth() + 1, 0)).getUTCDate();
  due.setUTCDate(Math.min(day, lastDay));
  return due;
}
