import { randomUUID } from 'node:crypto';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import { conflict, notFound } from '../../platform/errors/index.ts';
import { type MailMessage, renderMail } from '../../platform/mail/index.ts';
import { memberFacts } from '../participants/index.ts';
import type { NewsAudience, StudyNews } from './model.ts';
import type { NewsRow, ResearchStore, StudyRow } from './store.ts';

/** The durable job that mails a news item to its readers. */
export const NEWS_MAIL_QUEUE = 'research-news-mail';
const MAIL_BATCH = 200;

export interface NewsDeps {
  store: ResearchStore;
  access: AccessPolicy;
  clock: () => Date;
  publicUrl: string;
  /** Where to write to a member who wants e-mail from the Citizen Lab; undefined for one who does not. */
  mailableContact: (participantId: string) => Promise<{ email: string; locale: 'nl' | 'en' } | undefined>;
  send: (message: MailMessage) => Promise<void>;
  /** Queues the mailing of a news item. */
  queueMailing: (newsId: string) => Promise<void>;
}

export interface NewsInput {
  title: { nl: string; en: string };
  body: { nl: string; en: string };
  audience: NewsAudience;
}

const toNews = (row: NewsRow, study: StudyRow | undefined): StudyNews => ({
  id: row.id,
  studyId: row.study_id,
  studyTitle: { nl: study?.title_nl ?? '', en: study?.title_en ?? '' },
  title: { nl: row.title_nl, en: row.title_en },
  body: { nl: row.body_nl, en: row.body_en },
  audience: row.audience,
  publishedAt: row.published_at,
});

/** The news by e-mail, in the reader's language: the text itself, and a link to read it on their home page. */
function newsMail(
  to: string,
  locale: 'nl' | 'en',
  news: NewsRow,
  study: StudyRow,
  homeUrl: string,
): MailMessage {
  const title = locale === 'nl' ? news.title_nl : news.title_en;
  const body = locale === 'nl' ? news.body_nl : news.body_en;
  const studyTitle = locale === 'nl' ? study.title_nl : study.title_en;
  const why =
    news.audience === 'panel'
      ? locale === 'nl'
        ? 'U krijgt dit bericht als lid van het Citizen Lab. Geen e-mail meer? Pas dat aan in uw profiel.'
        : 'You receive this as a member of the Citizen Lab. No more e-mail? Change that in your profile.'
      : locale === 'nl'
        ? `U krijgt dit bericht omdat u meedoet of meedeed aan de studie “${studyTitle}”.`
        : `You receive this because you take or took part in the study “${studyTitle}”.`;
  return {
    to,
    subject: locale === 'nl' ? `Nieuws uit onderzoek: ${title}` : `News from research: ${title}`,
    ...renderMail({
      locale,
      heading: title,
      paragraphs: body.split(/\n\s*\n/).map((paragraph) => paragraph.trim()),
      action: {
        label: locale === 'nl' ? 'Lees het in het Citizen Lab' : 'Read it in the Citizen Lab',
        url: homeUrl,
      },
      footer: why,
    }),
  };
}

/**
 * Study news and results back to participants: a study's team publishes plain-language news to those who took
 * part, or to the whole panel; participants read it on their home page, and a durable job mails it to those who
 * want e-mail, each once.
 */
export function createNewsService(deps: NewsDeps) {
  const { store, access, clock } = deps;

  async function teamStudy(actor: Actor, studyId: string) {
    await access.require(actor, { action: 'study.manage', purpose: 'research', resourceId: studyId });
    const study = await store.studyOfTeam(studyId, actor.accountId);
    if (!study) throw notFound('This study');
    return study;
  }

  return {
    /** The study's team publishes news; only once the study is open to participants (never a draft). */
    async publish(actor: Actor, studyId: string, input: NewsInput): Promise<StudyNews> {
      const study = await teamStudy(actor, studyId);
      if (study.status === 'draft' || study.status === 'approved') {
        throw conflict('A study publishes news once it has opened to participants.');
      }
      const row: NewsRow = {
        id: randomUUID(),
        study_id: studyId,
        title_nl: input.title.nl,
        title_en: input.title.en,
        body_nl: input.body.nl,
        body_en: input.body.en,
        audience: input.audience,
        published_by: actor.accountId,
        published_at: clock(),
      };
      await store.publishNews(row);
      await deps.queueMailing(row.id);
      return toNews(row, study);
    },

    /** A study's news, for its team. */
    async newsOf(actor: Actor, studyId: string): Promise<StudyNews[]> {
      const study = await teamStudy(actor, studyId);
      return (await store.newsOf(studyId)).map((row) => toNews(row, study));
    },

    /** What a participant reads on their home page: news of their studies and for the whole panel, newest first. */
    async forParticipant(actor: Actor, limit = 20): Promise<StudyNews[]> {
      const rows = await store.newsFor(actor.accountId, limit);
      const studies = new Map<string, StudyRow | undefined>();
      for (const row of rows) {
        if (!studies.has(row.study_id)) studies.set(row.study_id, await store.study(row.study_id));
      }
      return rows.map((row) => toNews(row, studies.get(row.study_id)));
    },

    /**
     * The job: mails a news item to every reader not dealt with yet, in batches; each is recorded as dealt with
     * (mailed, or not when they want no e-mail) right after, so a retry continues with those left (only someone
     * whose mail went out just before a crash could get it twice).
     */
    async mail(newsId: string): Promise<{ mailed: number }> {
      const news = await store.news(newsId);
      const study = news ? await store.study(news.study_id) : undefined;
      if (!news || !study) return { mailed: 0 };
      let mailed = 0;
      let after: string | null = null;
      for (;;) {
        const batch = await store.nextRecipients(news, memberFacts(), after, MAIL_BATCH);
        for (const participantId of batch) {
          const contact = await deps.mailableContact(participantId);
          if (contact) {
            await deps.send(newsMail(contact.email, contact.locale, news, study, `${deps.publicUrl}/`));
            mailed++;
          }
          await store.recordMailing(news.id, participantId, contact ? clock() : null);
        }
        if (batch.length < MAIL_BATCH) return { mailed };
        after = batch.at(-1) ?? null;
      }
    },
  };
}

export type NewsService = ReturnType<typeof createNewsService>;
