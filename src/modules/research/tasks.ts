import { createHash, createHmac, hkdfSync, randomUUID } from 'node:crypto';
import type { AccessPolicy, Actor } from '../../platform/access/index.ts';
import { invalidToken } from '../../platform/errors/index.ts';
import { type MailMessage, renderMail } from '../../platform/mail/index.ts';
import { CODES, dataDaysWithin, type ObservationCode } from '../measurements/index.ts';
import { completedWithin } from '../questionnaires/index.ts';
import type { Monitoring, StudyTask, SubjectAdherence, TaskStatus, TimepointProgress } from './model.ts';
import { daysNeeded, type Schedule, type ScheduleTask, slotsPerDay, type Timepoint } from './schedule.ts';
import type { ResearchService } from './service.ts';
import type { ResearchStore, StudyRow } from './store.ts';
import type { NotificationKind, TaskRow, TaskStore } from './task-store.ts';

/** The job that plans tasks, finds them done in the data, cancels those of people who left, and notifies. */
export const TASK_SWEEP_QUEUE = 'research-task-sweep';
/** Notifications one sweep sends per timepoint and kind at most; the next sweep sends the rest. */
const NOTIFICATIONS_PER_SWEEP = 500;

const MEASURE_CODES: Record<'cgm' | 'steps' | 'weight', ObservationCode> = {
  cgm: CODES.cgmGlucose,
  steps: CODES.steps,
  weight: CODES.weight,
};

export interface TaskDeps {
  tasks: TaskStore;
  studies: ResearchStore;
  access: AccessPolicy;
  /** The research service's view of a team's study and those taking part it may see, by pseudonym. */
  takingPart: ResearchService['takingPart'];
  clock: () => Date;
  /** The platform secret: notification links are derived from it, so none is ever stored. */
  secret: string;
  publicUrl: string;
  /** The questionnaires in use now: a questionnaire task links to the version to fill in. */
  activeQuestionnaires: () => Promise<{ id: string; url: string }[]>;
  mailableContact: (participantId: string) => Promise<{ email: string; locale: 'nl' | 'en' } | undefined>;
  send: (message: MailMessage) => Promise<void>;
}

function statusOf(
  task: Pick<TaskRow, 'opens_at' | 'closes_at' | 'completed_at' | 'cancelled_at'>,
  now: Date,
): TaskStatus {
  if (task.cancelled_at) return 'cancelled';
  if (task.completed_at) return 'done';
  if (task.opens_at > now) return 'upcoming';
  return task.closes_at > now ? 'open' : 'missed';
}

function taskMail(
  to: string,
  locale: 'nl' | 'en',
  study: StudyRow,
  point: Timepoint,
  task: TaskRow,
  kind: NotificationKind,
  link: string,
): MailMessage {
  const nl = locale === 'nl';
  const studyTitle = nl ? study.title_nl : study.title_en;
  const title = point.title[locale];
  const closes = new Intl.DateTimeFormat(nl ? 'nl-NL' : 'en-GB', {
    dateStyle: 'long',
    timeZone: 'Europe/Amsterdam',
  }).format(new Date(task.closes_at.getTime() - 1));
  const what: Record<ScheduleTask['kind'], string> = nl
    ? {
        questionnaire: 'Vul de vragenlijst in op de site.',
        wear: 'Draag uw sensor of stappenteller en laad de gegevens op de site.',
        measurement: 'Meet en laad de meting op de site.',
      }
    : {
        questionnaire: 'Fill in the questionnaire on the site.',
        wear: 'Wear your sensor or step counter and upload its data on the site.',
        measurement: 'Measure and upload the measurement on the site.',
      };
  const reminder = kind === 'reminder';
  return {
    to,
    subject: nl
      ? `${reminder ? 'Herinnering: ' : ''}${title} voor de studie “${studyTitle}”`
      : `${reminder ? 'Reminder: ' : ''}${title} for the study “${studyTitle}”`,
    ...renderMail({
      locale,
      heading: title,
      paragraphs: [
        nl
          ? `Voor de studie “${studyTitle}” staat iets voor u klaar, tot en met ${closes}.`
          : `The study “${studyTitle}” has something for you to do, until ${closes} included.`,
        what[point.task.kind],
        nl
          ? 'Doet u liever niet meer mee? Dat kan altijd, op uw pagina Studies.'
          : 'Rather stop taking part? You can at any time, on your Studies page.',
      ],
      action: { label: nl ? 'Naar mijn taken' : 'Go to my tasks', url: link },
      footer: nl
        ? 'U krijgt deze e-mail omdat u meedoet aan deze studie en e-mail van het Citizen Lab wilt ontvangen.'
        : 'You receive this e-mail because you take part in this study and want e-mail from the Citizen Lab.',
    }),
  };
}

/**
 * Schedules at work: each participant's tasks are planned from their own events (enrolment, completing another
 * timepoint), found done in the data they bring (a completed questionnaire, days of sensor data, a
 * measurement), cancelled when they leave, and announced by e-mail when they open and once more before they
 * close — each notification's delivery, opening (by its personal link) and the task's completion recorded. The
 * team follows completion per timepoint and adherence per participant, by pseudonym, through the policy.
 */
export function createTaskService(deps: TaskDeps) {
  const { tasks, studies, access, clock } = deps;
  const linkKey = Buffer.from(hkdfSync('sha256', deps.secret, 'topfit', 'study-task-links', 32));
  const tokenOf = (notificationId: string) =>
    createHmac('sha256', linkKey).update(notificationId).digest('base64url');
  const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

  /** Completes a timepoint's waiting tasks from the data: everyone's, or one participant's. */
  async function evaluate(studyId: string, point: Timepoint, now: Date, participantId?: string) {
    const task = point.task;
    if (task.kind === 'questionnaire') {
      await tasks.completeFrom(
        studyId,
        point.key,
        completedWithin(task.questionnaire, 't'),
        now,
        participantId,
      );
    } else {
      const days = dataDaysWithin(MEASURE_CODES[task.measure], slotsPerDay(task), 't');
      await tasks.countDays(studyId, point.key, days, daysNeeded(task), now, participantId);
    }
  }

  /**
   * Plans and completes in the schedule's order, so that a timepoint following another is planned as soon as
   * that one is done.
   */
  async function run(studyId: string, schedule: Schedule, now: Date, participantId?: string) {
    for (const point of schedule.timepoints) {
      await tasks.plan(studyId, point, now, participantId);
      await evaluate(studyId, point, now, participantId);
    }
  }

  async function notify(study: StudyRow, point: Timepoint, task: TaskRow, kind: NotificationKind) {
    const id = randomUUID();
    const token = tokenOf(id);
    const added = await tasks.addNotification({
      participant_id: task.participant_id,
      id,
      task_id: task.id,
      kind,
      token_sha256: sha256(token),
      created_at: clock(),
      delivery: 'pending',
    });
    if (!added) return;
    const contact = await deps.mailableContact(task.participant_id);
    if (!contact) {
      await tasks.markDelivery(task.participant_id, id, 'no_email', null, null);
      return;
    }
    const link = `${deps.publicUrl}/study-tasks/${token}`;
    try {
      await deps.send(taskMail(contact.email, contact.locale, study, point, task, kind, link));
      await tasks.markDelivery(task.participant_id, id, 'sent', clock(), null);
    } catch (error) {
      // Recorded, not retried: a reminder follows, and the task shows on the participant's page regardless.
      const failure = error instanceof Error ? error.message.slice(0, 500) : 'unknown failure';
      await tasks.markDelivery(task.participant_id, id, 'failed', null, failure);
    }
  }

  const byKey = (schedule: Schedule) => new Map(schedule.timepoints.map((point) => [point.key, point]));

  return {
    /** The job: plans, completes and cancels tasks, then mails the notifications due. */
    async sweep(): Promise<{ notified: number }> {
      const now = clock();
      await tasks.cancelEnded(now);
      let notified = 0;
      for (const { id, schedule } of await tasks.runningSchedules()) {
        await run(id, schedule, now);
        const study = await studies.study(id);
        if (!study) continue;
        for (const point of schedule.timepoints) {
          const kinds: NotificationKind[] =
            point.remindDaysBeforeClose > 0 ? ['opened', 'reminder'] : ['opened'];
          for (const kind of kinds) {
            for (const task of await tasks.dueNotifications(id, point, kind, now, NOTIFICATIONS_PER_SWEEP)) {
              await notify(study, point, task, kind);
              notified++;
            }
          }
        }
      }
      return { notified };
    },

    /** Plans the participant's tasks in a study they just joined. */
    async start(participantId: string, studyId: string): Promise<void> {
      const study = await studies.study(studyId);
      if (study) await run(studyId, study.schedule, clock(), participantId);
    },

    /** The participant's tasks in the studies they take part in, brought up to date with their data first. */
    async mine(actor: Actor): Promise<StudyTask[]> {
      await access.require(actor, {
        action: 'study.tasks.read',
        purpose: 'self_service',
        subject: actor.accountId,
      });
      const now = clock();
      const taking = (await studies.participationsOf(actor.accountId)).filter((p) => p.status === 'enrolled');
      const rows = new Map<string, StudyRow>();
      for (const participation of taking) {
        const study = await studies.study(participation.study_id);
        if (!study) continue;
        rows.set(study.id, study);
        if (study.status === 'recruiting' || study.status === 'closed') {
          await run(study.id, study.schedule, now, actor.accountId);
        }
      }
      const questionnaires = new Map((await deps.activeQuestionnaires()).map((q) => [q.url, q.id]));
      const answer: StudyTask[] = [];
      for (const task of await tasks.tasksOf(actor.accountId)) {
        const study = rows.get(task.study_id) ?? (await studies.study(task.study_id));
        const point = study ? byKey(study.schedule).get(task.timepoint) : undefined;
        if (!study || !point) continue;
        rows.set(study.id, study);
        answer.push({
          id: task.id,
          studyId: study.id,
          studyTitle: { nl: study.title_nl, en: study.title_en },
          timepoint: point.key,
          title: point.title,
          occurrence: task.occurrence,
          occurrences: point.repeat?.times ?? 1,
          task: point.task,
          questionnaireId:
            point.task.kind === 'questionnaire'
              ? (questionnaires.get(point.task.questionnaire) ?? null)
              : null,
          status: statusOf(task, now),
          opensAt: task.opens_at,
          closesAt: task.closes_at,
          completedAt: task.completed_at,
          dataDays: task.data_days,
          daysNeeded: daysNeeded(point.task),
        });
      }
      return answer;
    },

    /**
     * The link of a notification: records that it was opened (the first time) and tells which task it is
     * about. No sign-in needed; the page then leads to the participant's tasks.
     */
    async opened(token: string): Promise<{ title: { nl: string; en: string }; closesAt: Date }> {
      const notification = await tasks.openNotification(sha256(token), clock());
      const task = notification
        ? await tasks.task(notification.participant_id, notification.task_id)
        : undefined;
      const study = task ? await studies.study(task.study_id) : undefined;
      const point = task && study ? byKey(study.schedule).get(task.timepoint) : undefined;
      if (!task || !point) throw invalidToken();
      return { title: point.title, closesAt: task.closes_at };
    },

    /**
     * The team's view of its schedule: per timepoint and occurrence how many are upcoming, open, done and
     * missed, with data sufficiency for wear tasks; adherence per participant by pseudonym; windows closed
     * undone; what the notifications did. Only those taking part whose research consent holds, decided by the
     * policy and audited.
     */
    async monitoring(actor: Actor, studyId: string): Promise<Monitoring> {
      const { study, subjects } = await deps.takingPart(actor, studyId, { read: 'schedule' });
      const pseudonym = new Map(subjects.map((s) => [s.subject.participant_id, s.pseudonym]));
      const rows = await tasks.tasksOfStudy(studyId, [...pseudonym.keys()]);
      const now = clock();
      const points = byKey(study.schedule);

      const progress = new Map<string, TimepointProgress & { dataDaysSum: number; opened: number }>();
      const adherence = new Map<string, SubjectAdherence>();
      const overdue: Monitoring['overdue'] = [];
      const notifications = { sent: 0, failed: 0, noEmail: 0, opened: 0, doneAfter: 0 };
      for (const row of rows) {
        const status = statusOf(row, now);
        if (status === 'cancelled') continue;
        const point = points.get(row.timepoint);
        const name = pseudonym.get(row.participant_id) as string;
        const entryKey = `${row.timepoint}#${row.occurrence}`;
        let entry = progress.get(entryKey);
        if (!entry) {
          entry = {
            timepoint: row.timepoint,
            title: point?.title ?? { nl: row.timepoint, en: row.timepoint },
            occurrence: row.occurrence,
            upcoming: 0,
            open: 0,
            done: 0,
            missed: 0,
            completionRate: null,
            meanDataDays: null,
            daysNeeded: point ? daysNeeded(point.task) : 1,
            dataDaysSum: 0,
            opened: 0,
          };
          progress.set(entryKey, entry);
        }
        entry[status]++;
        if (status !== 'upcoming') {
          entry.dataDaysSum += row.data_days;
          entry.opened++;
        }
        let subject = adherence.get(name);
        if (!subject) {
          subject = {
            pseudonym: name,
            due: 0,
            done: 0,
            missed: 0,
            open: 0,
            adherence: null,
            lastDoneAt: null,
          };
          adherence.set(name, subject);
        }
        if (status === 'done' || status === 'missed' || status === 'open') subject[status]++;
        if (status === 'done' && (!subject.lastDoneAt || (row.completed_at as Date) > subject.lastDoneAt)) {
          subject.lastDoneAt = row.completed_at;
        }
        if (status === 'missed') {
          overdue.push({
            pseudonym: name,
            timepoint: row.timepoint,
            occurrence: row.occurrence,
            closedAt: row.closes_at,
          });
        }
        notifications.sent += row.sent;
        notifications.failed += row.failed;
        notifications.noEmail += row.no_email;
        notifications.opened += row.opened;
        if (row.notified > 0 && status === 'done') notifications.doneAfter++;
      }
      const order = study.schedule.timepoints.map((point) => point.key);
      return {
        timepoints: [...progress.values()]
          .sort(
            (a, b) => order.indexOf(a.timepoint) - order.indexOf(b.timepoint) || a.occurrence - b.occurrence,
          )
          .map(({ dataDaysSum, opened, ...entry }) => ({
            ...entry,
            completionRate: entry.done + entry.missed > 0 ? entry.done / (entry.done + entry.missed) : null,
            meanDataDays:
              points.get(entry.timepoint)?.task.kind !== 'questionnaire' && opened > 0
                ? dataDaysSum / opened
                : null,
          })),
        subjects: [...adherence.values()]
          .map((subject) => {
            const due = subject.done + subject.missed;
            return { ...subject, due, adherence: due > 0 ? subject.done / due : null };
          })
          .sort((a, b) => (a.adherence ?? 2) - (b.adherence ?? 2) || a.pseudonym.localeCompare(b.pseudonym)),
        overdue: overdue.sort((a, b) => b.closedAt.getTime() - a.closedAt.getTime()),
        notifications,
      };
    },
  };
}

export type TaskService = ReturnType<typeof createTaskService>;
