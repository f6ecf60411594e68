import { createHash, randomUUID } from 'node:crypto';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import type { AuditDetails } from '../../platform/audit/index.ts';
import { conflict, DomainError, invalidFields, notFound } from '../../platform/errors/index.ts';
import type { SecretBox } from '../../platform/secrets/index.ts';
import { type Criteria, compileCriteria } from './criteria.ts';
import {
  type ConsentQuestion,
  type Eligibility,
  ENROLLING,
  type EnrolmentQuota,
  type EthicsDecision,
  type Feasibility,
  NEXT_STATUS,
  type Study,
  type StudyStatus,
  type SubjectStatus,
  TAKING_PART,
  type TeamRole,
} from './model.ts';
import { newStudyKey, PSEUDONYM, studyPseudonyms } from './pseudonyms.ts';
import type { Schedule } from './schedule.ts';
import {
  criteriaContextOf,
  type ResearchStore,
  type StudyRow,
  type SubjectRow,
  type TeamRow,
} from './store.ts';

export interface ResearchDeps {
  store: ResearchStore;
  access: AccessPolicy;
  /** Seals the studies' pseudonym keys. */
  keys: SecretBox;
  clock: () => Date;
  isMember: (participantId: string) => Promise<boolean>;
  /** Whether the account holds the researcher role. */
  isResearcher: (accountId: string) => Promise<boolean>;
  /** Counts below this are withheld from researchers. */
  smallCellMinimum: number;
  /** The canonical URLs of the questionnaires in use, which a schedule may ask participants to fill in. */
  activeQuestionnaireUrls: () => Promise<Set<string>>;
  /** Called once a participant is enrolled (signed, or countersigned): their schedule starts. */
  onEnrolled: (participantId: string, studyId: string) => Promise<void>;
}

export interface StudyInput {
  title: { nl: string; en: string };
  summary: { nl: string; en: string };
  consent: { nl: string; en: string };
}

/** What a participant sees of a study: its texts, the consent to sign, and where they stand. */
export interface StudyForParticipant {
  id: string;
  title: { nl: string; en: string };
  summary: { nl: string; en: string };
  status: StudyStatus;
  consent: { version: number; nl: string; en: string; sha256: string };
  /** The questions to answer before signing, without their answers. */
  consentQuestions: Omit<ConsentQuestion, 'answer'>[];
  countersign: boolean;
  /** `eligible`: signed, awaiting the countersignature of a researcher. */
  myStatus: SubjectStatus | null;
  signedAt: Date | null;
}

/** A participant as the study team sees them: by the study's pseudonym only. */
export interface StudySubject {
  pseudonym: string;
  status: SubjectStatus;
  since: Date;
}

/** The SHA-256 of a consent document version, over both languages as signed. */
export const consentHash = (consent: { nl: string; en: string }) =>
  createHash('sha256')
    .update(JSON.stringify({ nl: consent.nl, en: consent.en }))
    .digest('hex');

function toStudy(row: StudyRow, team: TeamRow[]): Study {
  const ethics: EthicsDecision | null =
    row.ethics_committee && row.ethics_reference && row.ethics_decided_on && row.ethics_document_sha256
      ? {
          committee: row.ethics_committee,
          reference: row.ethics_reference,
          decidedOn: row.ethics_decided_on,
          documentSha256: row.ethics_document_sha256,
        }
      : null;
  return {
    id: row.id,
    title: { nl: row.title_nl, en: row.title_en },
    summary: { nl: row.summary_nl, en: row.summary_en },
    status: row.status,
    ethics,
    consent: {
      version: row.consent_version,
      nl: row.consent_nl,
      en: row.consent_en,
      sha256: row.consent_sha256,
    },
    team: team.map((member) => ({ accountId: member.account_id, role: member.role })),
    criteria: row.criteria,
    schedule: row.schedule,
    consentQuestions: row.consent_questions,
    countersign: row.countersign,
    enrolmentQuota: row.enrolment_quota,
    createdAt: row.created_at,
    approvedAt: row.approved_at,
  };
}

const forParticipant = (row: StudyRow, subject: SubjectRow | undefined): StudyForParticipant => ({
  id: row.id,
  title: { nl: row.title_nl, en: row.title_en },
  summary: { nl: row.summary_nl, en: row.summary_en },
  status: row.status,
  consent: {
    version: row.consent_version,
    nl: row.consent_nl,
    en: row.consent_en,
    sha256: row.consent_sha256,
  },
  consentQuestions: row.consent_questions.map(({ question, options }) => ({ question, options })),
  countersign: row.countersign,
  myStatus: subject?.status ?? null,
  signedAt: subject?.signed_at ?? null,
});

/**
 * Studies on the panel: their lifecycle (draft → approved → recruiting → closed → completed), their teams,
 * enrolment by e-consent, and the `study` relation through which a team sees the data of those taking part.
 */
export function createResearchService(deps: ResearchDeps) {
  const { store, access, keys, clock } = deps;
  const manage = { action: 'study.manage', purpose: 'research' } as const;

  /** The study, if the actor is on its team (or a data steward reviewing it); otherwise "not found". */
  async function visibleStudy(actor: Actor, studyId: string) {
    const row = await store.study(studyId);
    const team = row ? await store.team(studyId) : [];
    const onTeam = team.some((member) => member.account_id === actor.accountId);
    if (!row || (!onTeam && !actor.roles.includes('data_steward'))) throw notFound('This study');
    return { row, team, onTeam };
  }

  async function teamStudy(actor: Actor, studyId: string, role?: TeamRole) {
    await access.require(actor, { ...manage, resourceId: studyId });
    const study = await visibleStudy(actor, studyId);
    const member = study.team.find((m) => m.account_id === actor.accountId);
    if (!member || (role && member.role !== role)) {
      throw new DomainError(
        'forbidden',
        role ? 'Only the principal investigator may do this.' : 'Only the study team may do this.',
      );
    }
    return study;
  }

  const pseudonymsOf = (row: StudyRow) => studyPseudonyms(keys, row);

  /** Of a study's subjects, those the policy lets the team see for `action` (each decided, audited), by pseudonym. */
  async function visibleSubjects(
    actor: Actor,
    action: 'study.subjects.read' | 'study.countersign',
    row: StudyRow,
    rows: SubjectRow[],
    details?: AuditDetails,
  ): Promise<{ subject: SubjectRow; pseudonym: string }[]> {
    const visible = new Set(
      await access.filter(
        actor,
        { action, purpose: 'research', resourceId: row.id, ...(details ? { details } : {}) },
        rows.map((subject) => subject.participant_id),
      ),
    );
    const pseudonym = pseudonymsOf(row);
    return rows
      .filter((subject) => visible.has(subject.participant_id))
      .map((subject) => ({ subject, pseudonym: pseudonym(subject.participant_id) }));
  }

  /**
   * The team's study and those taking part in it whose data the policy lets the team see now, with their
   * pseudonyms (each read decided and audited, with `details` saying what for): what the team's views of
   * participants (the list, the schedule's monitoring) are built on.
   */
  async function takingPart(
    actor: Actor,
    studyId: string,
    details?: AuditDetails,
  ): Promise<{ study: StudyRow; subjects: { subject: SubjectRow; pseudonym: string }[] }> {
    const { row } = await teamStudy(actor, studyId);
    const rows = await store.subjectsOf(studyId);
    return { study: row, subjects: await visibleSubjects(actor, 'study.subjects.read', row, rows, details) };
  }

  /**
   * The participant behind a pseudonym of the study, for the team's reads of their data (which the owning
   * module checks with the policy); "not found" for anyone not taking part.
   */
  async function participantOf(actor: Actor, studyId: string, pseudonym: string): Promise<string> {
    const { row } = await teamStudy(actor, studyId);
    if (!PSEUDONYM.test(pseudonym)) throw notFound('This participant');
    const of = pseudonymsOf(row);
    const subject = (await store.subjectsOf(studyId)).find((s) => of(s.participant_id) === pseudonym);
    if (!subject || !TAKING_PART.includes(subject.status)) throw notFound('This participant');
    return subject.participant_id;
  }

  async function explain(row: StudyRow, participantId: string): Promise<Eligibility> {
    const steps = compileCriteria(row.criteria, criteriaContextOf(row.id, clock()));
    const passed = await store.stepsPassedBy(steps, participantId);
    if (!passed) throw new DomainError('forbidden', 'Join the Citizen Lab first.');
    return {
      eligible: passed.every(Boolean),
      steps: steps.map((step, i) => ({
        step: step.key,
        ...(step.criterion ? { criterion: step.criterion } : {}),
        passed: passed[i] === true,
      })),
    };
  }

  /** A schedule asks only for questionnaires participants can fill in: 422 at the field naming another. */
  async function checkQuestionnaires(schedule: Schedule) {
    const active = await deps.activeQuestionnaireUrls();
    const unknown: Record<string, string> = {};
    schedule.timepoints.forEach((point, i) => {
      if (point.task.kind === 'questionnaire' && !active.has(point.task.questionnaire)) {
        unknown[`schedule/timepoints/${i}/task/questionnaire`] = 'not a questionnaire in use';
      }
    });
    if (Object.keys(unknown).length > 0) throw invalidFields(unknown);
  }

  /** Everyone signs having understood: each question answered, and answered right; 422 names the wrong ones. */
  function checkUnderstanding(questions: ConsentQuestion[], answers: number[]) {
    const wrong: Record<string, string> = {};
    questions.forEach((question, i) => {
      if (answers[i] !== question.answer) {
        wrong[`answers/${i}`] =
          answers[i] === undefined ? 'not answered' : 'not right: read this part of the consent again';
      }
    });
    if (answers.length > questions.length) wrong.answers = `${questions.length} answers expected`;
    if (Object.keys(wrong).length > 0) throw invalidFields(wrong);
  }

  async function participantStudy(studyId: string) {
    const row = await store.study(studyId);
    if (!row || row.status === 'draft' || row.status === 'approved') throw notFound('This study');
    return row;
  }

  return {
    /** A researcher starts a study as its principal investigator; it is a draft until approved. */
    async create(actor: Actor, input: StudyInput): Promise<Study> {
      await access.require(actor, manage);
      const now = clock();
      const id = randomUUID();
      await store.createStudy(
        {
          id,
          title_nl: input.title.nl,
          title_en: input.title.en,
          summary_nl: input.summary.nl,
          summary_en: input.summary.en,
          ethics_committee: null,
          ethics_reference: null,
          ethics_decided_on: null,
          ethics_document_sha256: null,
          consent_version: 1,
          consent_nl: input.consent.nl,
          consent_en: input.consent.en,
          consent_sha256: consentHash(input.consent),
          pseudonym_key_sealed: keys.seal(newStudyKey()),
          created_by: actor.accountId,
          created_at: now,
          updated_at: now,
        },
        actor.accountId,
      );
      const { row, team } = await visibleStudy(actor, id);
      return toStudy(row, team);
    },

    /** One study, for its team and for data stewards. */
    async get(actor: Actor, studyId: string): Promise<Study> {
      const { row, team } = await visibleStudy(actor, studyId);
      return toStudy(row, team);
    },

    /** A researcher's studies; for a data steward, every study (their review queue is the drafts). */
    async list(actor: Actor): Promise<Study[]> {
      const rows = actor.roles.includes('data_steward')
        ? await store.studiesIn(['draft', 'approved', 'recruiting', 'closed', 'completed'])
        : actor.roles.includes('researcher')
          ? await store.studiesOf(actor.accountId)
          : [];
      const teams = await store.teamsOf(rows.map((row) => row.id));
      return rows.map((row) => toStudy(row, teams.get(row.id) ?? []));
    },

    /** The team changes a draft: its texts and its ethics decision. Approved studies no longer change. */
    async update(
      actor: Actor,
      studyId: string,
      changes: Partial<StudyInput> & {
        ethics?: EthicsDecision;
        criteria?: Criteria;
        schedule?: Schedule;
        consentQuestions?: ConsentQuestion[];
        countersign?: boolean;
        enrolmentQuota?: EnrolmentQuota | null;
      },
    ): Promise<Study> {
      const { row } = await teamStudy(actor, studyId);
      if (row.status !== 'draft') throw conflict('Only a draft study can be changed.');
      if (changes.schedule) await checkQuestionnaires(changes.schedule);
      const consent = changes.consent;
      const ok = await store.updateDraft(
        studyId,
        {
          ...(changes.title ? { title_nl: changes.title.nl, title_en: changes.title.en } : {}),
          ...(changes.summary ? { summary_nl: changes.summary.nl, summary_en: changes.summary.en } : {}),
          ...(consent
            ? { consent_nl: consent.nl, consent_en: consent.en, consent_sha256: consentHash(consent) }
            : {}),
          ...(changes.criteria ? { criteria: changes.criteria } : {}),
          ...(changes.schedule ? { schedule: changes.schedule } : {}),
          ...(changes.consentQuestions ? { consent_questions: changes.consentQuestions } : {}),
          ...(changes.countersign !== undefined ? { countersign: changes.countersign } : {}),
          ...(changes.enrolmentQuota !== undefined ? { enrolment_quota: changes.enrolmentQuota } : {}),
          ...(changes.ethics
            ? {
                ethics_committee: changes.ethics.committee,
                ethics_reference: changes.ethics.reference,
                ethics_decided_on: changes.ethics.decidedOn,
                ethics_document_sha256: changes.ethics.documentSha256,
              }
            : {}),
        },
        clock(),
      );
      if (!ok) throw conflict('Only a draft study can be changed.');
      const study = await visibleStudy(actor, studyId);
      return toStudy(study.row, study.team);
    },

    /**
     * Live feasibility for the team while it edits the criteria (the study's own when none are given): how many
     * members pass each step, and where and how old those passing all are. Aggregates only; every count below
     * the small-cell minimum is withheld.
     */
    async feasibility(actor: Actor, studyId: string, criteria?: Criteria): Promise<Feasibility> {
      const { row } = await teamStudy(actor, studyId);
      const now = clock();
      const steps = compileCriteria(criteria ?? row.criteria, criteriaContextOf(studyId, now));
      const counts = await store.feasibility(steps, now);
      const minimum = deps.smallCellMinimum;
      const shown = (count: number) => (count < minimum ? null : count);
      return {
        smallCellMinimum: minimum,
        funnel: steps.map((step, i) => ({
          step: step.key,
          ...(step.criterion ? { criterion: step.criterion } : {}),
          count: shown(counts.funnel[i] ?? 0),
        })),
        byMunicipality: counts.byMunicipality
          .map((cell) => ({ code: cell.code, count: shown(cell.count) }))
          .sort((a, b) => a.code.localeCompare(b.code)),
        byAgeBand: counts.byAgeBand
          .map((cell) => ({ band: cell.band, count: shown(cell.count) }))
          .sort((a, b) => a.band.localeCompare(b.band)),
      };
    },

    /** The principal investigator adds a researcher to the team. */
    async addMember(actor: Actor, studyId: string, accountId: string): Promise<Study> {
      await teamStudy(actor, studyId, 'principal_investigator');
      if (!(await deps.isResearcher(accountId))) {
        throw invalidFields({ accountId: 'This account is not a researcher.' });
      }
      await store.addMember(studyId, accountId, 'researcher', clock());
      const study = await visibleStudy(actor, studyId);
      return toStudy(study.row, study.team);
    },

    /**
     * The next step of the lifecycle: a data steward approves a draft whose ethics decision is recorded; the
     * principal investigator opens recruitment, closes it and completes the study.
     */
    async advance(actor: Actor, studyId: string, to: StudyStatus): Promise<Study> {
      const row = await store.study(studyId);
      if (!row) throw notFound('This study');
      if (NEXT_STATUS[row.status] !== to) {
        throw conflict(`A study that is ${row.status} cannot become ${to}.`);
      }
      if (to === 'approved') {
        await access.require(actor, { action: 'study.approve', purpose: 'research', resourceId: studyId });
        if (!row.ethics_committee || !row.ethics_reference || !row.ethics_decided_on) {
          throw conflict('Record the ethics decision before the study is approved.');
        }
      } else {
        await teamStudy(actor, studyId, 'principal_investigator');
      }
      if (
        !(await store.move(studyId, row.status, to, clock(), to === 'approved' ? actor.accountId : undefined))
      ) {
        throw conflict('The study changed meanwhile; reload it.');
      }
      const study = await visibleStudy(actor, studyId);
      return toStudy(study.row, study.team);
    },

    /** Studies a participant can read about: those recruiting, and those they take or took part in. */
    async studiesForParticipant(actor: Actor): Promise<StudyForParticipant[]> {
      const mine = new Map((await store.participationsOf(actor.accountId)).map((s) => [s.study_id, s]));
      const open = await store.studiesIn(['recruiting', 'closed', 'completed']);
      return open
        .filter((row) => ENROLLING.includes(row.status) || mine.has(row.id))
        .map((row) => forParticipant(row, mine.get(row.id)));
    },

    /**
     * The participant signs the study's consent: the signed-in act, its time and the hash of the version they
     * read. Only while the study recruits, only for members who consent to research, and only for the version
     * in force (a changed text must be read again).
     */
    async enrol(
      actor: Actor,
      studyId: string,
      signature: { consentVersion: number; consentSha256: string; answers?: number[] },
    ): Promise<StudyForParticipant> {
      const row = await participantStudy(studyId);
      if (!(await deps.isMember(actor.accountId))) {
        throw new DomainError('forbidden', 'Join the Citizen Lab first.');
      }
      await access.require(actor, {
        action: 'study.enrol',
        purpose: 'self_service',
        subject: actor.accountId,
        resourceId: studyId,
      });
      if (!ENROLLING.includes(row.status)) throw conflict('This study does not take new participants.');
      if (
        signature.consentVersion !== row.consent_version ||
        signature.consentSha256 !== row.consent_sha256
      ) {
        throw conflict('The consent text has changed; read the current version and sign that.');
      }
      checkUnderstanding(row.consent_questions, signature.answers ?? []);
      const now = clock();
      const subject = await store.enrol(
        {
          participant_id: actor.accountId,
          study_id: studyId,
          consent_version: row.consent_version,
          consent_sha256: row.consent_sha256,
          signed_at: now,
          updated_at: now,
        },
        row.countersign ? 'eligible' : 'enrolled',
        row.enrolment_quota,
        now,
      );
      if (subject === 'full') {
        throw new DomainError(
          'quota_full',
          'This study has all the participants it needs (like you) for now. Thank you for wanting to take part.',
        );
      }
      if (subject.status === 'enrolled') await deps.onEnrolled(actor.accountId, studyId);
      return forParticipant(row, subject);
    },

    /** The participant leaves a study; the team sees nothing more of them from now on. */
    async withdraw(actor: Actor, studyId: string): Promise<StudyForParticipant> {
      const row = await participantStudy(studyId);
      await access.require(actor, {
        action: 'study.withdraw',
        purpose: 'self_service',
        subject: actor.accountId,
        resourceId: studyId,
      });
      if (!(await store.withdraw(studyId, actor.accountId, clock()))) {
        throw conflict('You do not take part in this study.');
      }
      return forParticipant(row, await store.subject(studyId, actor.accountId));
    },

    /**
     * Those taking part, by the study's pseudonym, for its team: only those whose research consent holds now
     * (through the policy, each read audited).
     */
    async subjects(actor: Actor, studyId: string): Promise<StudySubject[]> {
      const { subjects: rows } = await takingPart(actor, studyId);
      return rows.map(({ subject, pseudonym }) => ({
        pseudonym,
        status: subject.status,
        since: subject.signed_at ?? subject.updated_at,
      }));
    },

    takingPart,

    /** Those who signed and await the team's countersignature, by pseudonym (each read decided and audited). */
    async awaitingCountersignature(
      actor: Actor,
      studyId: string,
    ): Promise<{ pseudonym: string; signedAt: Date }[]> {
      const { row } = await teamStudy(actor, studyId);
      const rows = await visibleSubjects(
        actor,
        'study.countersign',
        row,
        await store.awaitingCountersignature(studyId),
      );
      return rows.map(({ subject, pseudonym }) => ({ pseudonym, signedAt: subject.signed_at as Date }));
    },

    /**
     * A researcher of the team countersigns a participant's signature: from now on they are enrolled (and their
     * schedule starts).
     */
    async countersign(actor: Actor, studyId: string, pseudonym: string): Promise<void> {
      const { row } = await teamStudy(actor, studyId);
      if (!PSEUDONYM.test(pseudonym)) throw notFound('This participant');
      const of = pseudonymsOf(row);
      const subject = (await store.awaitingCountersignature(studyId)).find(
        (s) => of(s.participant_id) === pseudonym,
      );
      if (!subject) throw notFound('A signature awaiting countersignature');
      await access.require(actor, {
        action: 'study.countersign',
        purpose: 'research',
        subject: subject.participant_id,
        resourceId: studyId,
      });
      if (!(await store.countersign(studyId, subject.participant_id, actor.accountId, clock()))) {
        throw conflict('The signature changed meanwhile; reload.');
      }
      await deps.onEnrolled(subject.participant_id, studyId);
    },

    /**
     * Why a member is or is not eligible for a study: each step of its criteria (the two consents first) and
     * whether they pass it, judged on their own facts now. For the member themself, while the study is open to
     * participants.
     */
    async eligibility(actor: Actor, studyId: string): Promise<Eligibility> {
      const row = await participantStudy(studyId);
      await access.require(actor, {
        action: 'study.eligibility',
        purpose: 'self_service',
        subject: actor.accountId,
        resourceId: studyId,
      });
      return explain(row, actor.accountId);
    },

    /**
     * The same explanation for the study team, of someone taking part, by pseudonym (a read of their data: the
     * policy decides, with the relation `study` and research consent, and it is audited).
     */
    async subjectEligibility(actor: Actor, studyId: string, pseudonym: string): Promise<Eligibility> {
      const participantId = await participantOf(actor, studyId, pseudonym);
      await access.require(actor, {
        action: 'study.subjects.read',
        purpose: 'research',
        subject: participantId,
        resourceId: studyId,
        details: { read: 'eligibility' },
      });
      return explain((await store.study(studyId)) as StudyRow, participantId);
    },

    participantOf,
  };
}

export type ResearchService = ReturnType<typeof createResearchService>;
