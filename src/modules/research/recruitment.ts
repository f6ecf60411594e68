import { createHash, createHmac, hkdfSync, randomUUID } from 'node:crypto';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import { conflict, invalidToken, notFound } from '../../platform/errors/index.ts';
import { type MailMessage, renderMail } from '../../platform/mail/index.ts';
import { compileCriteria } from './criteria.ts';
import type { Invitation, InvitationBatch, InvitationResponse, Stratification } from './model.ts';
import { criteriaContextOf, type ResearchStore, type StudyRow } from './store.ts';

/** The durable job that mails a batch's invitations, at the configured rate. */
export const INVITATION_MAIL_QUEUE = 'research-invitation-mail';
/** The daily job that reminds, once, those who did not answer. */
export const INVITATION_REMINDER_QUEUE = 'research-invitation-reminders';
/** Days after the invitation before its one reminder. */
export const REMINDER_AFTER_DAYS = 7;
/** The most a batch may invite at once. */
export const MAX_BATCH = 5000;

export interface RecruitmentDeps {
  store: ResearchStore;
  access: AccessPolicy;
  clock: () => Date;
  /** The platform secret: invitation links are derived from it, so none is ever stored. */
  secret: string;
  publicUrl: string;
  smallCellMinimum: number;
  /** Invitation e-mails per minute, at most. */
  mailsPerMinute: number;
  mailableContact: (participantId: string) => Promise<{ email: string; locale: 'nl' | 'en' } | undefined>;
  send: (message: MailMessage) => Promise<void>;
  /** Queues (a continuation of) the mailing of a batch, after `delaySeconds`. */
  queueMailing: (batchId: string, delaySeconds: number, round: number) => Promise<void>;
}

function invitationMail(
  to: string,
  locale: 'nl' | 'en',
  study: StudyRow,
  link: string,
  reminder: boolean,
): MailMessage {
  const title = locale === 'nl' ? study.title_nl : study.title_en;
  const summary = locale === 'nl' ? study.summary_nl : study.summary_en;
  const nl = locale === 'nl';
  return {
    to,
    subject: nl
      ? `${reminder ? 'Herinnering: u' : 'U'} bent uitgenodigd voor de studie “${title}”`
      : `${reminder ? 'Reminder: you' : 'You'} are invited to the study “${title}”`,
    ...renderMail({
      locale,
      heading: nl ? `Uitnodiging: ${title}` : `Invitation: ${title}`,
      paragraphs: [
        nl
          ? 'U past bij wat deze studie zoekt, en u gaf toestemming om voor studies benaderd te worden. Daarom nodigen wij u uit.'
          : 'You match what this study is looking for, and you agreed to be asked about studies. That is why we invite you.',
        summary,
        nl
          ? 'De onderzoekers weten niet wie er is uitgenodigd. Zij horen pas van u als u meedoet. Meedoen is vrijwillig.'
          : 'The researchers do not know who was invited. They only hear from you if you take part. Taking part is voluntary.',
      ],
      action: { label: nl ? 'Bekijk de uitnodiging' : 'See the invitation', url: link },
      footer: nl
        ? 'Geen uitnodigingen meer? Trek uw toestemming “benaderd worden voor studies” in op uw toestemmingenpagina.'
        : 'No more invitations? Withdraw your consent “being asked about studies” on your consent page.',
    }),
  };
}

/**
 * Recruitment: the study's team invites, in batches, members who pass the study's criteria now (which include
 * consent to research and to being contacted about studies); it sees how many were invited and answered, never
 * who. Each invitation has a personal link (HMAC of study and participant under a key derived from the platform
 * secret: nothing to store, only its SHA-256 to find it), mailed at a limited rate to those who want e-mail,
 * reminded once after a week without an answer; the member answers interested or not, by the link or signed in.
 */
export function createRecruitmentService(deps: RecruitmentDeps) {
  const { store, access, clock } = deps;
  const linkKey = Buffer.from(hkdfSync('sha256', deps.secret, 'topfit', 'invitation-links', 32));
  const tokenOf = (studyId: string, participantId: string) =>
    createHmac('sha256', linkKey).update(`${studyId}/${participantId}`).digest('base64url');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
  const linkOf = (studyId: string, participantId: string) =>
    `${deps.publicUrl}/study-invitations/${tokenOf(studyId, participantId)}`;
  const shown = (count: number) => (count < deps.smallCellMinimum ? null : count);

  async function teamStudy(actor: Actor, studyId: string) {
    await access.require(actor, { action: 'study.manage', purpose: 'research', resourceId: studyId });
    const study = await store.studyOfTeam(studyId, actor.accountId);
    if (!study) throw notFound('This study');
    return study;
  }

  async function invitationFor(token: string) {
    const invitation = await store.invitationByToken(sha256(token));
    const study = invitation ? await store.study(invitation.study_id) : undefined;
    if (!invitation || !study) throw invalidToken();
    return { invitation, study };
  }

  const toInvitation = (
    study: StudyRow,
    row: { invited_at: Date; response: InvitationResponse | null; responded_at: Date | null },
  ): Invitation => ({
    studyId: study.id,
    title: { nl: study.title_nl, en: study.title_en },
    summary: { nl: study.summary_nl, en: study.summary_en },
    studyStatus: study.status,
    invitedAt: row.invited_at,
    response: row.response,
    respondedAt: row.responded_at,
  });

  async function mailInvitation(study: StudyRow, participantId: string, reminder: boolean): Promise<boolean> {
    const contact = await deps.mailableContact(participantId);
    if (!contact) return false;
    await deps.send(
      invitationMail(contact.email, contact.locale, study, linkOf(study.id, participantId), reminder),
    );
    return true;
  }

  /** The study's batches with their counts (invited, mailed, reminded, answered), small counts withheld. */
  async function batchesOf(actor: Actor, studyId: string): Promise<InvitationBatch[]> {
    await teamStudy(actor, studyId);
    const counts = new Map((await store.batchCounts(studyId)).map((row) => [row.batch_id, row]));
    return (await store.batchesOf(studyId)).map((batch) => {
      const c = counts.get(batch.id);
      const invited = Number(c?.invited ?? 0);
      const interested = Number(c?.interested ?? 0);
      const declined = Number(c?.declined ?? 0);
      return {
        id: batch.id,
        createdAt: batch.created_at,
        requested: batch.requested,
        stratifyBy: batch.stratify_by,
        perStratum: batch.per_stratum,
        invited: shown(invited),
        mailed: shown(Number(c?.mailed ?? 0)),
        reminded: shown(Number(c?.reminded ?? 0)),
        interested: shown(interested),
        declined: shown(declined),
        noAnswer: shown(invited - interested - declined),
      };
    });
  }

  return {
    /**
     * The team invites up to `size` members who pass the study's criteria now and were never invited to it, drawn
     * at random; with a stratification, at most `perStratum` in each stratum over all the study's batches.
     */
    async invite(
      actor: Actor,
      studyId: string,
      input: { size: number; stratifyBy?: Stratification; perStratum?: number },
    ): Promise<InvitationBatch> {
      const study = await teamStudy(actor, studyId);
      if (study.status !== 'recruiting') throw conflict('Only a study that recruits can invite.');
      const now = clock();
      const batchId = randomUUID();
      const steps = compileCriteria(study.criteria, criteriaContextOf(studyId, now));
      const chosen = await store.invitees(studyId, steps, now, {
        limit: input.size,
        seed: batchId,
        stratifyBy: input.stratifyBy ?? null,
        perStratum: input.stratifyBy ? (input.perStratum ?? null) : null,
      });
      await store.createBatch(
        {
          id: batchId,
          study_id: studyId,
          requested: input.size,
          invited: chosen.length,
          stratify_by: input.stratifyBy ?? null,
          per_stratum: input.stratifyBy ? (input.perStratum ?? null) : null,
          created_by: actor.accountId,
          created_at: now,
        },
        chosen.map((row) => ({
          participant_id: row.participant_id,
          study_id: studyId,
          batch_id: batchId,
          stratum: row.stratum,
          token_sha256: sha256(tokenOf(studyId, row.participant_id)),
          invited_at: now,
          mailed_at: null,
          reminded_at: null,
          response: null,
          responded_at: null,
        })),
      );
      if (chosen.length > 0) await deps.queueMailing(batchId, 0, 0);
      const batches = await batchesOf(actor, studyId);
      return batches.find((batch) => batch.id === batchId) as InvitationBatch;
    },

    /** The study's batches with their counts (invited, mailed, reminded, answered), small counts withheld. */
    recruitment: batchesOf,

    /**
     * The job: mails the batch's invitations not mailed yet, at most `mailsPerMinute`, then continues a minute
     * later while some are left. Those who want no e-mail find the invitation on their Studies page.
     */
    async mailBatch(batchId: string, round: number): Promise<{ mailed: number; left: boolean }> {
      const batch = await store.batch(batchId);
      const study = batch ? await store.study(batch.study_id) : undefined;
      if (!batch || !study || study.status !== 'recruiting') return { mailed: 0, left: false };
      const due = await store.unmailed(batchId, deps.mailsPerMinute + 1);
      let mailed = 0;
      for (const invitation of due.slice(0, deps.mailsPerMinute)) {
        if (await mailInvitation(study, invitation.participant_id, false)) mailed++;
        await store.markMailed(invitation.participant_id, study.id, clock(), 'mailed_at');
      }
      const left = due.length > deps.mailsPerMinute;
      if (left) await deps.queueMailing(batchId, 60, round + 1);
      return { mailed, left };
    },

    /** The daily job: one reminder to each invitation unanswered a week after it was mailed. */
    async sendReminders(): Promise<{ reminded: number }> {
      const before = new Date(clock().getTime() - REMINDER_AFTER_DAYS * 86_400_000);
      let reminded = 0;
      for (;;) {
        const due = await store.dueReminders(before, 200);
        for (const invitation of due) {
          const study = await store.study(invitation.study_id);
          if (study && (await mailInvitation(study, invitation.participant_id, true))) reminded++;
          await store.markMailed(invitation.participant_id, invitation.study_id, clock(), 'reminded_at');
        }
        if (due.length < 200) return { reminded };
      }
    },

    /** The invitation behind a personal link: the study, and the answer given so far. No sign-in needed. */
    async byLink(token: string): Promise<Invitation> {
      const { invitation, study } = await invitationFor(token);
      return toInvitation(study, invitation);
    },

    /** The answer through the personal link; it can be changed while the study recruits. */
    async answerByLink(token: string, response: InvitationResponse): Promise<Invitation> {
      const { invitation, study } = await invitationFor(token);
      if (study.status !== 'recruiting') throw conflict('This study no longer takes new participants.');
      const at = clock();
      await store.respond(invitation.participant_id, study.id, response, at);
      return toInvitation(study, { ...invitation, response, responded_at: at });
    },

    /** The member's invitations, newest first. */
    async mine(actor: Actor): Promise<Invitation[]> {
      await access.require(actor, {
        action: 'study.invitations.read',
        purpose: 'self_service',
        subject: actor.accountId,
      });
      const rows = await store.invitationsOf(actor.accountId);
      const answer: Invitation[] = [];
      for (const row of rows) {
        const study = await store.study(row.study_id);
        if (study) answer.push(toInvitation(study, row));
      }
      return answer;
    },

    /** The member answers an invitation on the site. */
    async answer(actor: Actor, studyId: string, response: InvitationResponse): Promise<Invitation> {
      await access.require(actor, {
        action: 'study.invitations.read',
        purpose: 'self_service',
        subject: actor.accountId,
        resourceId: studyId,
      });
      const study = await store.study(studyId);
      if (!study) throw notFound('This invitation');
      if (study.status !== 'recruiting') throw conflict('This study no longer takes new participants.');
      const at = clock();
      if (!(await store.respond(actor.accountId, studyId, response, at))) throw notFound('This invitation');
      const row = (await store.invitationsOf(actor.accountId)).find((r) => r.study_id === studyId);
      if (!row) throw notFound('This invitation');
      return toInvitation(study, row);
    },
  };
}

export type RecruitmentService = ReturnType<typeof createRecruitmentService>;
