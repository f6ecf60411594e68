import { randomUUID } from 'node:crypto';
import type { Questionnaire, QuestionnaireResponseItem } from '@medplum/fhirtypes';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import type { Audit } from '../../platform/audit/index.ts';
import { conflict, DomainError, type FieldError, notFound } from '../../platform/errors/index.ts';
import {
  calculate,
  EXT,
  flattenItems,
  parseQuestionnaire,
  questionnaireTitle,
  validateResponse,
} from './engine/index.ts';
import { toQuestionnaire, toQuestionnaireResponse } from './fhir.ts';
import { dueAgainAt, type QuestionnaireRecord, type QuestionnaireSource, type ScoreRecord } from './model.ts';
import { RedcapImportError, redcapToQuestionnaire } from './redcap.ts';
import {
  isScoringModel,
  ScoringInputError,
  type ScoringModel,
  scoreResponse,
  scoringMismatches,
} from './scoring.ts';
import type { QuestionnaireStore } from './store.ts';

export interface QuestionnaireDeps {
  store: QuestionnaireStore;
  access: AccessPolicy;
  audit: Audit;
  clock: () => Date;
  /** Whether an account is a member of the Citizen Lab now (joined, not left). */
  isMember: (participantId: string) => Promise<boolean>;
  /** Mails a participant that a questionnaire is due again, if they want mail; false when they do not. */
  sendReminder: (participantId: string, questionnaire: QuestionnaireRecord) => Promise<boolean>;
}

/** What the participant's list shows per active questionnaire. */
export interface QuestionnaireTask {
  questionnaire: QuestionnaireSummary;
  state: 'new' | 'draft' | 'done' | 'due';
  lastCompletedAt: Date | null;
  draftSavedAt: Date | null;
  dueAt: Date | null;
}

export type QuestionnaireSummary = Omit<QuestionnaireRecord, 'resource'> & { itemCount: number };

const summary = (record: QuestionnaireRecord): QuestionnaireSummary => {
  const { resource, ...rest } = record;
  return {
    ...rest,
    // Questions to answer: not groups, texts or calculated values such as the BMI.
    itemCount: flattenItems(resource.item ?? []).filter(
      (i: { type: string; readOnly?: boolean }) => !['group', 'display'].includes(i.type) && !i.readOnly,
    ).length,
  };
};

/** The scoring model a questionnaire names in its scoring-model extension, if any. */
function scoringOf(questionnaire: Questionnaire): { model: ScoringModel | null; fields: FieldError[] } {
  const index = (questionnaire.extension ?? []).findIndex((e) => e.url === EXT.scoringModel);
  if (index < 0) return { model: null, fields: [] };
  const code = questionnaire.extension?.[index]?.valueCode;
  if (isScoringModel(code)) return { model: code, fields: [] };
  return {
    model: null,
    fields: [
      {
        in: 'body',
        pointer: `#/extension/${index}/valueCode`,
        detail: `Unknown scoring model "${code ?? ''}": use findrisc, ada or who5.`,
      },
    ],
  };
}

const slug = (text: string) =>
  text
    .normalize('NFKD')
    .replace(/[^\w\s-]/g, '')
    .trim()
    .toLowerCase()
    .replace(/[\s_]+/g, '-')
    .slice(0, 60) || 'questionnaire';

const DEFINITION_TTL_MS = 2000;

export const QUESTIONNAIRE_URL_BASE = 'https://topfit.nl/fhir/Questionnaire/';

function invalidResponse(issues: ReturnType<typeof validateResponse>): DomainError {
  return new DomainError(
    'invalid_input',
    `${issues.length} answer${issues.length === 1 ? ' is' : 's are'} invalid.`,
    issues.map((issue) => ({
      in: 'body',
      pointer: `#${issue.pointer}`,
      detail: issue.message,
      linkId: issue.linkId,
      issue: issue.code,
    })),
  );
}

export function createQuestionnaireService(deps: QuestionnaireDeps) {
  const { store, access, audit, clock } = deps;

  const requireAuthor = (actor: Actor) =>
    access.require(actor, { action: 'questionnaire.author', purpose: 'administration' });
  const isAuthor = async (actor: Actor) =>
    (await access.check(actor, { action: 'questionnaire.author', purpose: 'administration' })).allowed;

  async function requireMember(actor: Actor, action: string) {
    await access.require(actor, { action, purpose: 'self_service', subject: actor.accountId });
    if (!(await deps.isMember(actor.accountId))) {
      throw new DomainError('forbidden', 'Join the Citizen Lab first to answer questionnaires.');
    }
  }

  async function questionnaireFor(actor: Actor, id: string): Promise<QuestionnaireRecord> {
    const record = await store.questionnaire(id);
    if (!record || (record.status === 'draft' && !(await isAuthor(actor))))
      throw notFound('The questionnaire');
    return record;
  }

  // Each submission needs its questionnaire; reading and parsing the resource every time cost more than the
  // rest of the submission. A version seen here is trusted for a moment: one retired by another process may
  // take answers for up to DEFINITION_TTL_MS more, which is harmless, as each response keeps its version.
  const definitions = new Map<string, { record: QuestionnaireRecord; at: number }>();
  async function activeQuestionnaire(id: string): Promise<QuestionnaireRecord> {
    const seen = definitions.get(id);
    let record = seen && performance.now() - seen.at < DEFINITION_TTL_MS ? seen.record : undefined;
    if (!record) {
      record = await store.questionnaire(id);
      if (record) definitions.set(id, { record, at: performance.now() });
    }
    if (!record) throw notFound('The questionnaire');
    if (record.status !== 'active') {
      throw conflict('This version of the questionnaire is not in use; open the current one.');
    }
    return record;
  }

  function prepare(json: unknown, defaults: { url?: string }) {
    const parsed = parseQuestionnaire(json);
    if (!parsed.ok) {
      throw new DomainError(
        'invalid_input',
        'The questionnaire is invalid.',
        parsed.issues.map((issue) => ({ in: 'body', pointer: `#${issue.pointer}`, detail: issue.message })),
      );
    }
    const questionnaire = parsed.questionnaire;
    const { model, fields } = scoringOf(questionnaire);
    if (model) {
      for (const mismatch of scoringMismatches(model, flattenItems(questionnaire.item ?? []))) {
        fields.push({ in: 'body', pointer: '#/item', detail: mismatch.message, linkId: mismatch.linkId });
      }
    }
    if (fields.length > 0)
      throw new DomainError('invalid_input', 'The questionnaire cannot be scored.', fields);
    const nl = questionnaireTitle(questionnaire, 'nl') ?? questionnaire.name ?? 'Vragenlijst';
    const title = { nl, en: questionnaireTitle(questionnaire, 'en') ?? nl };
    const url =
      questionnaire.url ?? defaults.url ?? `${QUESTIONNAIRE_URL_BASE}${slug(questionnaire.name ?? nl)}`;
    return { questionnaire: { ...questionnaire, url }, url, title, scoring: model };
  }

  async function addVersion(
    actor: Actor | null,
    json: unknown,
    source: QuestionnaireSource,
    options: { url?: string; activate?: boolean } = {},
  ): Promise<QuestionnaireRecord | undefined> {
    const prepared = prepare(json, options);
    const id = randomUUID();
    const record = await store.insertVersion({
      id,
      url: prepared.url,
      name: prepared.questionnaire.name ?? null,
      title: prepared.title,
      scoring: prepared.scoring,
      source,
      resource: (version) => ({
        ...prepared.questionnaire,
        id,
        version: String(version),
        status: options.activate ? 'active' : 'draft',
      }),
      createdBy: actor?.accountId ?? null,
      status: options.activate ? 'active' : 'draft',
      onlyIfNew: source === 'library',
      now: clock(),
    });
    if (record && actor) await recordChange(actor, 'questionnaire.import', record, { source });
    return record;
  }

  async function recordChange(
    actor: Actor,
    action: string,
    record: QuestionnaireRecord,
    details: Record<string, string> = {},
  ) {
    await audit.record({
      actorAccountId: actor.accountId,
      actorRole: actor.roles.join(',') || null,
      onBehalfOf: null,
      action,
      resourceType: 'questionnaire',
      resourceId: record.id,
      subjectParticipantId: null,
      purpose: 'administration',
      outcome: 'success',
      requestId: actor.requestId ?? null,
      clientAddress: actor.clientAddress ?? null,
      details: { url: record.url, version: String(record.version), ...details },
    });
  }

  return {
    /** Loads a shipped instrument as its url's first, active version, unless that url exists already. */
    async installLibraryInstrument(json: unknown): Promise<QuestionnaireRecord | undefined> {
      // Every start passes here: an instrument installed before is not parsed and checked again.
      const url = (json as { url?: unknown } | null)?.url;
      if (typeof url === 'string' && (await store.hasUrl(url))) return undefined;
      return addVersion(null, json, 'library', { activate: true });
    },

    async list(actor: Actor, options: { all?: boolean } = {}): Promise<QuestionnaireSummary[]> {
      if (options.all) {
        await requireAuthor(actor);
        return (await store.questionnaires()).map(summary);
      }
      return (await store.questionnaires({ status: 'active' })).map(summary);
    },

    /** The versions in use now, by canonical URL: what other modules may ask participants to fill in. */
    async inUse(): Promise<{ id: string; url: string }[]> {
      return (await store.questionnaires({ status: 'active' })).map((record) => ({
        id: record.id,
        url: record.url,
      }));
    },

    async get(actor: Actor, id: string): Promise<QuestionnaireRecord> {
      return questionnaireFor(actor, id);
    },

    async exportFhir(actor: Actor, id: string): Promise<Questionnaire> {
      return toQuestionnaire(await questionnaireFor(actor, id));
    },

    /** A FHIR Questionnaire as a new draft version of its url (a new instrument when the url is new). */
    async importJson(actor: Actor, json: unknown): Promise<QuestionnaireRecord> {
      await requireAuthor(actor);
      const record = await addVersion(actor, json, 'json');
      if (!record) throw new Error('a new version was not stored');
      return record;
    },

    async importRedcap(
      actor: Actor,
      input: { csv: string; name: string; title?: string; language?: 'nl' | 'en' },
    ): Promise<{ questionnaire: QuestionnaireRecord; warnings: { line: number; message: string }[] }> {
      await requireAuthor(actor);
      const url = `${QUESTIONNAIRE_URL_BASE}${slug(input.name)}`;
      let converted: ReturnType<typeof redcapToQuestionnaire>;
      try {
        converted = redcapToQuestionnaire(input.csv, {
          url,
          ...(input.title ? { title: input.title } : {}),
          ...(input.language ? { language: input.language } : {}),
        });
      } catch (error) {
        if (!(error instanceof RedcapImportError)) throw error;
        throw new DomainError(
          'invalid_input',
          'The data dictionary could not be imported.',
          error.issues.map((issue) => ({
            in: 'body',
            pointer: '#/csv',
            detail: `Line ${issue.line}${issue.column ? ` (${issue.column})` : ''}: ${issue.message}`,
          })),
        );
      }
      const record = await addVersion(actor, { ...converted.questionnaire, name: input.name }, 'redcap', {
        url,
      });
      if (!record) throw new Error('a new version was not stored');
      return { questionnaire: record, warnings: converted.warnings };
    },

    /** Replaces a draft's content; versions in use or retired are never changed (import a new version). */
    async replaceDraft(actor: Actor, id: string, json: unknown): Promise<QuestionnaireRecord> {
      await requireAuthor(actor);
      const current = await store.questionnaire(id);
      if (!current) throw notFound('The questionnaire');
      if (current.status !== 'draft') {
        throw conflict('Only a draft can be changed; import the change as a new version.');
      }
      const prepared = prepare(json, { url: current.url });
      if (prepared.url !== current.url) {
        throw new DomainError('invalid_input', 'A draft keeps its url.', [
          { in: 'body', pointer: '#/url', detail: `This draft is a version of ${current.url}.` },
        ]);
      }
      const record = await store.replaceDraft(id, {
        name: prepared.questionnaire.name ?? null,
        title: prepared.title,
        scoring: prepared.scoring,
        resource: { ...prepared.questionnaire, id, version: String(current.version), status: 'draft' },
      });
      if (!record) throw conflict('Only a draft can be changed; import the change as a new version.');
      await recordChange(actor, 'questionnaire.change', record);
      return record;
    },

    /** Puts a version in use (the one in use before is retired), asked again every `repeatMonths`. */
    async activate(actor: Actor, id: string, repeatMonths: number | null): Promise<QuestionnaireRecord> {
      await requireAuthor(actor);
      const current = await store.questionnaire(id);
      if (!current) throw notFound('The questionnaire');
      definitions.clear();
      const record = await store.activate(id, current.url, repeatMonths, clock());
      await recordChange(actor, 'questionnaire.activate', record, {
        repeatMonths: repeatMonths === null ? 'none' : String(repeatMonths),
      });
      return record;
    },

    async retire(actor: Actor, id: string): Promise<QuestionnaireRecord> {
      await requireAuthor(actor);
      const current = await store.questionnaire(id);
      if (!current) throw notFound('The questionnaire');
      if (current.status === 'draft') throw conflict('A draft is not in use; there is nothing to retire.');
      definitions.clear();
      const record = await store.retire(id, clock());
      await recordChange(actor, 'questionnaire.retire', record);
      return record;
    },

    /** The participant's questionnaires: new, continued from a draft, done, or due again. */
    async tasks(actor: Actor): Promise<QuestionnaireTask[]> {
      await requireMember(actor, 'questionnaire.read_responses');
      const [active, last, drafts] = await Promise.all([
        store.questionnaires({ status: 'active' }),
        store.lastCompleted(actor.accountId),
        store.draftsOf(actor.accountId),
      ]);
      const now = clock();
      return active.map((record) => {
        const draft = drafts.get(record.url);
        const lastCompletedAt = last.get(record.url) ?? null;
        const dueAt =
          lastCompletedAt && record.repeatMonths ? dueAgainAt(lastCompletedAt, record.repeatMonths) : null;
        const state = draft ? 'draft' : !lastCompletedAt ? 'new' : dueAt && dueAt <= now ? 'due' : 'done';
        return {
          questionnaire: summary(record),
          state,
          lastCompletedAt,
          draftSavedAt: draft?.updatedAt ?? null,
          dueAt,
        };
      });
    },

    async draft(actor: Actor, questionnaireId: string) {
      await requireMember(actor, 'questionnaire.read_responses');
      const record = await questionnaireFor(actor, questionnaireId);
      const draft = await store.draftOf(actor.accountId, record.url);
      if (!draft) throw notFound('A saved draft');
      return draft;
    },

    /** Saves answers so far; only what is there is checked (required questions may still be open). */
    async saveDraft(actor: Actor, questionnaireId: string, items: QuestionnaireResponseItem[]) {
      await requireMember(actor, 'questionnaire.respond');
      const record = await activeQuestionnaire(questionnaireId);
      const issues = validateResponse(record.resource, { item: items }, { mode: 'draft' });
      if (issues.length > 0) throw invalidResponse(issues);
      return store.saveDraft({
        participantId: actor.accountId,
        newId: randomUUID(),
        questionnaireId: record.id,
        url: record.url,
        items,
        now: clock(),
      });
    },

    async discardDraft(actor: Actor, questionnaireId: string) {
      await requireMember(actor, 'questionnaire.respond');
      const record = await questionnaireFor(actor, questionnaireId);
      if (!(await store.deleteDraft(actor.accountId, record.url))) throw notFound('A saved draft');
    },

    /**
     * Submits a response: every answer is checked against the questionnaire, calculated answers are worked
     * out here (the server's answer counts), and the score is computed and stored with it, but only
     * while the participant allows personal insights (consent purpose 1).
     */
    async submit(actor: Actor, questionnaireId: string, items: QuestionnaireResponseItem[]) {
      await requireMember(actor, 'questionnaire.respond');
      const record = await activeQuestionnaire(questionnaireId);
      // Checked as sent, so that every pointer names a place in the request; the calculated answers (a BMI
      // the participant may not have sent) are what is stored.
      const calculated = calculate(record.resource, {
        resourceType: 'QuestionnaireResponse',
        status: 'completed',
        item: items,
      });
      const issues = validateResponse(record.resource, { item: items }, { mode: 'submit', calculated });
      if (issues.length > 0) throw invalidResponse(issues);
      const answered = calculated.item ?? [];

      const insightsAllowed =
        record.scoring !== null &&
        (
          await access.check(actor, {
            action: 'insights.compute',
            purpose: 'self_service',
            subject: actor.accountId,
          })
        ).allowed;
      let score: ReturnType<typeof scoreResponse> | null = null;
      if (record.scoring && insightsAllowed) {
        try {
          score = scoreResponse(record.scoring, answered);
        } catch (error) {
          // Activation checks that the model's items are there; a response that still lacks one is kept unscored.
          if (!(error instanceof ScoringInputError)) throw error;
        }
      }
      const stored = await store.complete({
        participantId: actor.accountId,
        newId: randomUUID(),
        questionnaireId: record.id,
        url: record.url,
        items: answered,
        now: clock(),
        score: score && { ...score, id: randomUUID() },
      });
      return {
        response: stored.response,
        score: stored.score,
        insightsOff: record.scoring !== null && !insightsAllowed,
      };
    },

    async responses(actor: Actor) {
      await requireMember(actor, 'questionnaire.read_responses');
      const [responses, questionnaires] = await Promise.all([
        store.completedResponses(actor.accountId),
        store.questionnaires(),
      ]);
      const byId = new Map(questionnaires.map((q) => [q.id, q]));
      return responses.flatMap((response) => {
        const questionnaire = byId.get(response.questionnaireId);
        return questionnaire ? [{ response, questionnaire: summary(questionnaire) }] : [];
      });
    },

    /** One of the participant's responses with the version of the questionnaire it answered. */
    async response(actor: Actor, responseId: string) {
      await requireMember(actor, 'questionnaire.read_responses');
      const response = await store.response(actor.accountId, responseId);
      if (!response) throw notFound('The response');
      const questionnaire = await store.questionnaire(response.questionnaireId);
      if (!questionnaire) throw notFound('The questionnaire');
      return { response, questionnaire, fhir: toQuestionnaireResponse(response, questionnaire) };
    },

    /** The participant's scores, newest first; only while they allow personal insights. */
    async scores(actor: Actor, model?: ScoringModel): Promise<ScoreRecord[]> {
      await access.require(actor, {
        action: 'insights.read',
        purpose: 'self_service',
        subject: actor.accountId,
      });
      return store.scoresOf(actor.accountId, model);
    },

    /**
     * Scores a response given while personal insights were off, at the participant's request now that they
     * are on (a grant computes nothing by itself).
     */
    async scoreEarlierResponse(actor: Actor, responseId: string): Promise<ScoreRecord> {
      await access.require(actor, {
        action: 'insights.compute',
        purpose: 'self_service',
        subject: actor.accountId,
      });
      const response = await store.response(actor.accountId, responseId);
      if (response?.status !== 'completed') throw notFound('The response');
      const questionnaire = await store.questionnaire(response.questionnaireId);
      if (!questionnaire?.scoring) throw conflict('This questionnaire has no score.');
      let score: ReturnType<typeof scoreResponse>;
      try {
        score = scoreResponse(questionnaire.scoring, response.items);
      } catch (error) {
        if (error instanceof ScoringInputError)
          throw conflict(`This response cannot be scored: ${error.message}`);
        throw error;
      }
      return store.addScore(actor.accountId, response.id, { ...score, id: randomUUID() }, clock());
    },

    async score(actor: Actor, scoreId: string): Promise<ScoreRecord> {
      await access.require(actor, {
        action: 'insights.read',
        purpose: 'self_service',
        subject: actor.accountId,
      });
      const score = await store.score(actor.accountId, scoreId);
      if (!score) throw notFound('The result');
      return score;
    },

    /**
     * Reminds participants whose repeating questionnaires fell due: one reminder per due date, recorded
     * before the mail goes out, so a second sweep (or a second process) never mails twice.
     */
    async sendDueReminders(batch = 500): Promise<{ reminded: number; mailed: number }> {
      const questionnaires = new Map(
        (await store.questionnaires({ status: 'active' })).map((q) => [q.url, q] as const),
      );
      let reminded = 0;
      let mailed = 0;
      // Batch after batch: what is claimed drops out of the next query, so this ends when none are left.
      for (;;) {
        const due = await store.dueWithoutReminder(clock(), batch);
        for (const { participantId, url, dueOn } of due) {
          if (!(await store.claimReminder(participantId, url, dueOn))) continue;
          const questionnaire = questionnaires.get(url);
          if (!questionnaire || !(await deps.isMember(participantId))) continue;
          reminded += 1;
          if (await deps.sendReminder(participantId, questionnaire)) {
            await store.markMailed(participantId, url, dueOn, clock());
            mailed += 1;
          }
        }
        if (due.length < batch) return { reminded, mailed };
      }
    },
  };
}

export type QuestionnaireService = ReturnType<typeof createQuestionnaireService>;
