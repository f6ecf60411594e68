/** Shapes of the identity, administration, audit, consent, questionnaire and measurement API (docs/api-identity.md). */

import type { Questionnaire, QuestionnaireResponseItem } from '@medplum/fhirtypes';
// Type-only: the server's model also hashes with node:crypto, which has no place in the browser bundle.
import type { Channel, Decision, EarlierConsent } from '../../src/modules/consent/model.ts';
import {
  LOCALES,
  type Locale,
  ORGANISATION_TYPES,
  type OrganisationType,
} from '../../src/modules/identity/model.ts';
import { IMPORT_FORMATS, type ImportFormat } from '../../src/modules/measurements/importers/types.ts';
import type {
  ContactPreference,
  EducationLevel,
  Gender,
  Municipality,
  SexAtBirth,
} from '../../src/modules/participants/model.ts';
import type { ScoringModel } from '../../src/modules/questionnaires/scoring.ts';
// The enumerations come from the server's own definitions (pure modules), so the two cannot drift apart.
import { ROLES, type Role } from '../../src/platform/access/roles.ts';
import type { GlucoseMetrics } from '../../src/science/glucose/metrics.ts';

export { LOCALES, type Locale, ORGANISATION_TYPES, ROLES, type Role };

export const isLocale = (value: unknown): value is Locale => value === 'nl' || value === 'en';
export const isRole = (value: unknown): value is Role => ROLES.some((role) => role === value);
export const isOrganisationType = (value: unknown): value is OrganisationType =>
  ORGANISATION_TYPES.some((type) => type === value);

export { isStaffRole } from '../../src/platform/access/roles.ts';

export interface OrganisationRef {
  id: string;
  name: string;
  type?: OrganisationType;
}

interface RoleMembership {
  membershipId: string;
  role: Role;
  organisation: OrganisationRef | null;
}

export interface Me {
  account: {
    id: string;
    email: string;
    displayName: string;
    locale: Locale;
    emailVerified: boolean;
    mfaEnabled: boolean;
    createdAt: string;
  };
  roles: RoleMembership[];
  session: { id: string; mfaVerified: boolean; mfaSetupRequired: boolean; expiresAt: string };
}

export interface SessionInfo {
  id: string;
  createdAt: string;
  lastSeenAt: string;
  expiresAt: string;
  userAgent: string | null;
  clientAddress: string | null;
  current: boolean;
}

export interface TotpSetup {
  secret: string;
  otpauthUrl: string;
  qrSvg: string;
}

export interface RecoveryCodes {
  recoveryCodes: string[];
}

export interface Invitation {
  email: string;
  role: Role;
  organisation: OrganisationRef | null;
  accountExists: boolean;
}

export interface Organisation {
  id: string;
  name: string;
  type: OrganisationType;
  createdAt: string;
  members: number;
}

export interface AdminAccount {
  id: string;
  email: string;
  displayName: string;
  emailVerified: boolean;
  mfaEnabled: boolean;
  createdAt: string;
  roles: RoleMembership[];
}

export interface AdminInvitation {
  id: string;
  email: string;
  role: Role;
  organisation: OrganisationRef | null;
  invitedBy: unknown;
  createdAt: string;
  expiresAt: string;
  acceptedAt: string | null;
  revokedAt: string | null;
}

export interface AuditEntry {
  seq: number;
  at: string;
  actorAccountId: string | null;
  actorRole: string | null;
  onBehalfOf: string | null;
  action: string;
  resourceType: string | null;
  resourceId: string | null;
  subjectParticipantId: string | null;
  purpose: string | null;
  outcome: string | null;
  requestId: string | null;
  clientAddress: string | null;
  details: unknown;
}

export interface AuditPage {
  entries: AuditEntry[];
  nextBefore: number | null;
}

export interface OutboxSummary {
  id: string;
  receivedAt: string;
  from: string;
  to: string[];
  subject: string;
}

export interface OutboxMessage extends OutboxSummary {
  text: string | null;
  html: string | null;
}

/* Consent (src/modules/consent/schemas.ts). Dates arrive as ISO strings. */

export type { Channel as ConsentChannel, Decision as ConsentDecision, EarlierConsent };

/** A text in both languages of the platform; show the one of the current language. */
export interface Bilingual {
  nl: string;
  en: string;
}

/** One version of a purpose's document (GET /consent/purposes: the version in force per purpose). */
export interface ConsentDocument {
  purposeKey: string;
  version: number;
  title: Bilingual;
  body: Bilingual;
  /** Who consented to an earlier version is asked again. */
  material: boolean;
  earlierConsent: EarlierConsent;
  contentHash: string;
  publishedAt: string;
}

/** POST /admin/consent/purposes/{key}/versions: a new version of a purpose's document. */
export interface PublishConsentBody {
  title: Bilingual;
  body: Bilingual;
  /** A change of meaning: who consented to an earlier version is asked again. */
  material: boolean;
  /** Until they choose again, their earlier consent keeps counting or lapses (lapses: material only). */
  earlierConsent: EarlierConsent;
}

/** The person's decision for one purpose and what counts now (GET /me/consents). */
export interface ConsentState {
  purposeKey: string;
  /** null: not decided yet, which counts as no. */
  decision: Decision | null;
  documentVersion: number | null;
  decidedAt: string | null;
  currentVersion: number;
  /** Whether the purpose may be used now. */
  effective: boolean;
  /** The document changed materially since the consent: choose again. */
  reconsentNeeded: boolean;
}

/** The proof of one change (POST /me/consents, GET /me/consents/receipts/{eventId}). */
export interface ConsentReceipt {
  eventId: number;
  participantId: string;
  purposeKey: string;
  decision: Decision;
  documentVersion: number;
  documentTitle: Bilingual;
  contentHash: string;
  channel: Channel;
  reason: string | null;
  at: string;
}

/** One change in the person's history (GET /me/consents/history), newest first. */
export interface ConsentEvent {
  id: number;
  purposeKey: string;
  documentVersion: number;
  decision: Decision;
  channel: Channel;
  recordedBy: string;
  /** Why staff registered a decision made on paper. */
  reason: string | null;
  at: string;
  /** The title of the document version decided on. */
  documentTitle: Bilingual;
}

/* Citizen Lab membership (src/modules/participants/schemas.ts). */

// The participants model is pure (no imports), so its enumerations and age rule serve the browser too.
export {
  ageInYears,
  CONTACT_PREFERENCES,
  type ContactPreference,
  EDUCATION_LEVELS,
  type EducationLevel,
  GENDERS,
  type Gender,
  MINIMUM_AGE,
  SEXES_AT_BIRTH,
  type SexAtBirth,
} from '../../src/modules/participants/model.ts';

export type { Municipality };

/** GET /regions/postcodes/{pc4}: the municipality, when the postcode lies in the region. */
export interface PostcodeAnswer {
  pc4: string;
  /** false: outside Overijssel and Gelderland, or a postcode we do not know (a PO box). */
  inRegion: boolean;
  municipality: Municipality | null;
}

/** GET /me/profile: the participant's Citizen Lab profile. */
export interface ParticipantProfile {
  participantId: string;
  birthYear: number;
  birthMonth: number;
  sexAtBirth: SexAtBirth;
  gender: Gender | null;
  postcode4: string;
  municipality: Municipality;
  educationLevel: EducationLevel | null;
  contactPreference: ContactPreference;
  timeZone: string;
  joinedAt: string;
  /** When the participant left, stopping all further use; null while a member. */
  leftAt: string | null;
}

/** POST /me/leave: `stop` ends all further use; `erase` erases everything not yet released. */
export type LeaveMode = 'stop' | 'erase';

export interface LeaveAnswer {
  mode: LeaveMode;
  /** The erasure job (erase only). */
  jobId: string | null;
}

/** GET /participants: a participant support staff may help; never health data. */
export interface FoundParticipant {
  participantId: string;
  displayName: string;
  email: string;
  municipality: string;
  joinedAt: string;
}

/** One count of the panel overview; null: fewer than the minimum, withheld. */
export interface OverviewCell {
  key: string;
  count: number | null;
}

/** GET /panel/overview: the panel in numbers, small counts withheld. */
export interface PanelOverview {
  minimumCount: number;
  total: number | null;
  byMunicipality: { cbsCode: string; name: string; province: string; count: number | null }[];
  byAgeBand: OverviewCell[];
  bySex: OverviewCell[];
  byPurpose: OverviewCell[];
  growth: { month: string; joined: number | null; members: number | null }[];
}

/* Questionnaires and results (src/modules/questionnaires/schemas.ts). */

export type { ScoringModel };

/** A questionnaire version, without its content (GET /questionnaires, GET /me/questionnaires). */
export interface QuestionnaireSummary {
  id: string;
  /** The canonical url: the instrument across its versions. */
  url: string;
  version: number;
  status: 'draft' | 'active' | 'retired';
  name: string | null;
  title: Bilingual;
  /** The model that scores a completed response. */
  scoring: ScoringModel | null;
  /** Asked again this many months after the last response; null: once. */
  repeatMonths: number | null;
  source: 'library' | 'json' | 'redcap';
  /** Questions, not counting groups and texts. */
  itemCount: number;
  createdAt: string;
  activatedAt: string | null;
  retiredAt: string | null;
}

/** GET /questionnaires/{id}: one version with its FHIR R4 Questionnaire (Dutch base text, English translations). */
export interface QuestionnaireDetail extends Omit<QuestionnaireSummary, 'itemCount'> {
  resource: Questionnaire;
}

/** GET /me/questionnaires: one active questionnaire as the participant's to-do. */
export interface QuestionnaireTask {
  questionnaire: QuestionnaireSummary;
  /** new: never filled in · draft: begun and saved · done: filled in · due: filled in, and asked again now. */
  state: 'new' | 'draft' | 'done' | 'due';
  lastCompletedAt: string | null;
  draftSavedAt: string | null;
  dueAt: string | null;
}

/** A saved draft or a submitted response: the answers as QuestionnaireResponse.item. */
export interface StoredResponse {
  id: string;
  questionnaireId: string;
  questionnaireUrl: string;
  status: 'in-progress' | 'completed';
  item: QuestionnaireResponseItem[];
  createdAt: string;
  updatedAt: string;
  authoredAt: string | null;
}

/** POST /questionnaires/redcap: the new draft, and what converted with a loss (a line of the file each). */
export interface RedcapImportAnswer {
  questionnaire: QuestionnaireDetail;
  warnings: { line: number; message: string }[];
}

/** A model's outcome for one response (GET /me/scores); `input` and `result` depend on the model. */
export interface Score {
  id: string;
  responseId: string;
  model: ScoringModel;
  modelVersion: string;
  score: number;
  category: string;
  probability: number | null;
  input: Record<string, unknown>;
  result: Record<string, unknown>;
  computedAt: string;
}

/** POST /me/questionnaires/{id}/responses. */
export interface SubmitAnswer {
  response: StoredResponse;
  score: Score | null;
  /** The questionnaire is scored, but personal insights are off: no result was computed. */
  insightsOff: boolean;
}

/** GET /me/responses: a submitted response with the questionnaire version it answered. */
export interface MyResponse {
  response: StoredResponse;
  questionnaire: QuestionnaireSummary;
}

/** GET /me/responses/{id}: a submitted response with that version's FHIR Questionnaire. */
export interface MyResponseDetail {
  response: StoredResponse;
  questionnaire: QuestionnaireDetail;
}

/* Measurements and glucose insights (src/modules/measurements, src/modules/insights). */

export { IMPORT_FORMATS, type ImportFormat };

/** POST /me/measurements/imports and GET /me/measurements/imports: what one imported file gave. */
export interface ImportSummary {
  id: string;
  format: ImportFormat;
  fileName: string;
  /** `failed`: the file was read and refused (no readings, an ambiguous date order …); nothing was stored. */
  status: 'done' | 'failed';
  /** Rows (lines or records) read from the file, readings or not. */
  rowsRead: number;
  /** New observations stored. */
  imported: number;
  /** Readings already stored by an earlier import, skipped. */
  duplicates: number;
  /** Rows that are not readings we keep (notes, insulin, a preamble). */
  ignored: number;
  /** Rows that should have been readings but are invalid; the first 100 in `rejections`. */
  rejected: number;
  rejections: { line: number; reason: string }[];
  /** Observations per code (LOINC) in the file. */
  codes: { code: string; count: number }[];
  /** The period the file covers; null when it held no readings. */
  firstTime: string | null;
  lastTime: string | null;
  /** Why a failed import failed, in English; null when it is done. */
  error: string | null;
  startedAt: string;
  finishedAt: string;
}

/** The periods the glucose report offers, in days. */
export const GLUCOSE_REPORT_DAYS = [7, 14, 30, 90] as const;
export type GlucoseReportDays = (typeof GLUCOSE_REPORT_DAYS)[number];

/** The science's metrics (src/science/glucose/metrics.ts) as the report sends them; the period is in `period`. */
export type GlucoseReportMetrics = Omit<GlucoseMetrics, 'firstTime' | 'lastTime' | 'intervalMinutes'>;

/** GET /me/glucose/report: the CGM report of the period ending at the latest reading. */
export interface GlucoseReport {
  available: true;
  period: { start: string; end: string; days: number };
  metrics: GlucoseReportMetrics;
  /** Battelino 2019: at least 14 days worn with at least 70 % of the expected readings. */
  sufficiency: {
    sufficient: boolean;
    days: number;
    activePercent: number;
    requiredDays: number;
    requiredActivePercent: number;
  };
  /** Percentages of time: veryLow < 54, low 54–69, inRange 70–180, high 181–250, veryHigh > 250, tight 70–140 mg/dL. */
  ranges: {
    veryLow: number;
    low: number;
    inRange: number;
    high: number;
    veryHigh: number;
    tightInRange: number;
  };
  /** Percentiles in mg/dL per local time-of-day bin (minutes after midnight); null for a bin without readings. */
  agp: {
    minutes: number[];
    p5: (number | null)[];
    p25: (number | null)[];
    p50: (number | null)[];
    p75: (number | null)[];
    p95: (number | null)[];
  };
  /** One entry per local day of the period: [minute of the day, mg/dL], at most 288 a day. */
  daily: { date: string; points: [number, number][] }[];
  timeZone: string;
}

/** GET /me/glucose/report without a report: no readings yet, or no consent for one's own insights. */
export interface GlucoseReportUnavailable {
  available: false;
  reason: 'no_data' | 'no_consent';
}

/** GET /me/trends: daily totals (steps) or the day's last value (weight), per local date. */
export interface Trend {
  code: 'steps' | 'weight';
  unit: string;
  points: { date: string; value: number }[];
}
