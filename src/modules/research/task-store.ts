import { type RawBuilder, type Selectable, sql } from 'kysely';
import type { Db } from '../../platform/db/index.ts';
import type { StudyStatus, SubjectStatus } from './model.ts';
import type { Schedule, Timepoint } from './schedule.ts';

type Tables = {
  study_tasks: {
    participant_id: string;
    id: string;
    study_id: string;
    timepoint: string;
    occurrence: number;
    opens_at: Date;
    closes_at: Date;
    data_days: number;
    completed_at: Date | null;
    cancelled_at: Date | null;
    created_at: Date;
  };
  study_task_notifications: {
    participant_id: string;
    id: string;
    task_id: string;
    kind: NotificationKind;
    token_sha256: string;
    created_at: Date;
    mailed_at: Date | null;
    delivery: Delivery;
    failure: string | null;
    opened_at: Date | null;
  };
  study_participants: { participant_id: string; study_id: string; status: SubjectStatus };
  studies: {
    id: string;
    status: StudyStatus;
    schedule: Schedule;
    title_nl: string;
    title_en: string;
  };
};

export type NotificationKind = 'opened' | 'reminder';
export type Delivery = 'pending' | 'sent' | 'failed' | 'no_email';
export type TaskRow = Selectable<Tables['study_tasks']>;
export type NotificationRow = Selectable<Tables['study_task_notifications']>;

/** Days are calendar days here: windows open and close at local midnight. */
const ZONE = 'Europe/Amsterdam';
/** Data that arrives up to this long after a window closed still completes its task (a sensor read out late). */
const LATE_DATA_DAYS = 30;

/** Whether a task still waits for its data: neither done nor cancelled. */
const PENDING = sql`t.completed_at IS NULL AND t.cancelled_at IS NULL`;

/**
 * Tasks `t` of a timepoint (of one participant, or all) that data can still complete: waiting, open, and not
 * closed longer ago than late data is accepted.
 */
const stillCounting = (studyId: string, key: string, now: Date, participantId?: string) => sql`
  t.study_id = ${studyId} AND t.timepoint = ${key} AND ${PENDING} AND t.opens_at <= ${now}
  AND t.closes_at > ${new Date(now.getTime() - LATE_DATA_DAYS * 86_400_000)}
  ${participantId ? sql`AND t.participant_id = ${participantId}` : sql``}`;

/** The tasks of schedules (research/schedule.ts): planned per participant, completed from the data, notified. */
export function createTaskStore(base: Db) {
  const db = base.withTables<Tables>();
  const anchorsOf = (studyId: string, point: Timepoint, participantId?: string) => {
    const one = participantId ? sql`AND p.participant_id = ${participantId}` : sql``;
    return point.after.event === 'enrolment'
      ? sql`SELECT p.participant_id, coalesce(p.countersigned_at, p.signed_at) AS anchor FROM study_participants p
            WHERE p.study_id = ${studyId} AND p.status = 'enrolled' AND p.signed_at IS NOT NULL ${one}`
      : sql`SELECT p.participant_id, t.completed_at AS anchor FROM study_participants p
            JOIN study_tasks t ON t.participant_id = p.participant_id AND t.study_id = p.study_id
            WHERE p.study_id = ${studyId} AND p.status = 'enrolled' ${one}
              AND t.timepoint = ${point.after.timepoint} AND t.occurrence = 1 AND t.completed_at IS NOT NULL`;
  };

  /** Local midnight `days` days after the anchor's local day. */
  const dayAfter = (days: RawBuilder<number>) =>
    sql<Date>`((a.anchor AT TIME ZONE ${ZONE})::date + ${days})::timestamp AT TIME ZONE ${ZONE}`;

  return {
    /** Studies whose schedules run: recruiting or closed, with at least one timepoint. */
    async runningSchedules(): Promise<{ id: string; schedule: Schedule }[]> {
      const { rows } = await sql<{ id: string; schedule: Schedule }>`
        SELECT id, schedule FROM studies
        WHERE status IN ('recruiting', 'closed') AND jsonb_array_length(schedule->'timepoints') > 0`.execute(
        db,
      );
      return rows;
    },

    /**
     * Plans a timepoint's tasks (every occurrence) for those enrolled whose anchor has happened: everyone's, or
     * one participant's. Planning again adds nothing: each task is unique per participant and occurrence.
     * Enrolment is the countersignature where the study asks for one, else the participant's own signature.
     */
    async plan(studyId: string, point: Timepoint, now: Date, participantId?: string): Promise<number> {
      const every = point.repeat?.every ?? 0;
      const times = point.repeat?.times ?? 1;
      const start = sql<number>`(${point.startDay}::int + (o.n - 1) * ${every}::int)`;
      const result = await sql`
        INSERT INTO study_tasks (participant_id, id, study_id, timepoint, occurrence, opens_at, closes_at, created_at)
        SELECT a.participant_id, gen_random_uuid(), ${studyId}, ${point.key}, o.n,
               ${dayAfter(start)}, ${dayAfter(sql`${start} + ${point.windowDays}::int`)}, ${now}
        FROM (${anchorsOf(studyId, point, participantId)}) a CROSS JOIN generate_series(1, ${times}::int) AS o(n)
        ON CONFLICT DO NOTHING`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },

    /**
     * Completes a questionnaire timepoint's open (or lately closed) tasks from a subquery over `t` giving the
     * time it was done (`done_at`, null while not done).
     */
    async completeFrom(
      studyId: string,
      key: string,
      doneAt: RawBuilder<{ done_at: Date | null }>,
      now: Date,
      participantId?: string,
    ): Promise<number> {
      const result = await sql`
        WITH done AS (
          SELECT t.participant_id, t.id, d.done_at FROM study_tasks t CROSS JOIN LATERAL (${doneAt}) d
          WHERE ${stillCounting(studyId, key, now, participantId)}
            AND d.done_at IS NOT NULL)
        UPDATE study_tasks u SET completed_at = done.done_at FROM done
        WHERE u.participant_id = done.participant_id AND u.id = done.id`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },

    /**
     * Counts a wear or measurement timepoint's days with data (a subquery over `t` giving `days`) in its open
     * (or lately closed) tasks, and completes those with `needed` days.
     */
    async countDays(
      studyId: string,
      key: string,
      days: RawBuilder<{ days: number }>,
      needed: number,
      now: Date,
      participantId?: string,
    ): Promise<number> {
      const result = await sql`
        WITH counted AS (
          SELECT t.participant_id, t.id, d.days FROM study_tasks t CROSS JOIN LATERAL (${days}) d
          WHERE ${stillCounting(studyId, key, now, participantId)})
        UPDATE study_tasks u
        SET data_days = counted.days, completed_at = CASE WHEN counted.days >= ${needed}::int THEN ${now}::timestamptz END
        FROM counted
        WHERE u.participant_id = counted.participant_id AND u.id = counted.id
          AND (u.data_days <> counted.days OR counted.days >= ${needed}::int)`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },

    /** Cancels the waiting tasks of those no longer enrolled (withdrawn, or done when the study completed). */
    async cancelEnded(now: Date): Promise<number> {
      const result = await sql`
        UPDATE study_tasks t SET cancelled_at = ${now}
        FROM study_participants p
        WHERE p.participant_id = t.participant_id AND p.study_id = t.study_id AND p.status <> 'enrolled'
          AND ${PENDING}`.execute(db);
      return Number(result.numAffectedRows ?? 0);
    },

    /**
     * Waiting tasks of a timepoint due a notification of `kind`: open ones never told they opened, or those
     * closing within `remindDays` days never reminded; of those still enrolled, oldest first.
     */
    async dueNotifications(
      studyId: string,
      point: Timepoint,
      kind: NotificationKind,
      now: Date,
      limit: number,
    ): Promise<TaskRow[]> {
      const window =
        kind === 'opened'
          ? sql`t.opens_at <= ${now} AND t.closes_at > ${now}`
          : sql`t.closes_at > ${now}
                AND t.closes_at <= ${new Date(now.getTime() + point.remindDaysBeforeClose * 86_400_000)}`;
      const { rows } = await sql<TaskRow>`
        SELECT t.* FROM study_tasks t
        JOIN study_participants p ON p.participant_id = t.participant_id AND p.study_id = t.study_id
        WHERE t.study_id = ${studyId} AND t.timepoint = ${point.key} AND ${PENDING} AND p.status = 'enrolled'
          AND ${window}
          ${
            kind === 'reminder'
              ? sql`AND EXISTS (SELECT 1 FROM study_task_notifications o
              WHERE o.participant_id = t.participant_id AND o.task_id = t.id AND o.kind = 'opened'
                AND o.created_at <= ${new Date(now.getTime() - 86_400_000)})`
              : sql``
          }
          AND NOT EXISTS (SELECT 1 FROM study_task_notifications n
                          WHERE n.participant_id = t.participant_id AND n.task_id = t.id AND n.kind = ${kind})
        ORDER BY t.opens_at LIMIT ${limit}`.execute(db);
      return rows;
    },

    /** Records a notification before it is sent; false if the task already has one of its kind. */
    async addNotification(
      row: Omit<NotificationRow, 'mailed_at' | 'failure' | 'opened_at'>,
    ): Promise<boolean> {
      const inserted = await db
        .insertInto('study_task_notifications')
        .values(row)
        .onConflict((conflict) => conflict.doNothing())
        .returning('id')
        .executeTakeFirst();
      return inserted !== undefined;
    },

    async markDelivery(
      participantId: string,
      id: string,
      delivery: Delivery,
      mailedAt: Date | null,
      failure: string | null,
    ) {
      await db
        .updateTable('study_task_notifications')
        .set({ delivery, mailed_at: mailedAt, failure })
        .where('participant_id', '=', participantId)
        .where('id', '=', id)
        .execute();
    },

    /** The notification behind a link (by its token's SHA-256), marked opened the first time. */
    async openNotification(tokenSha256: string, at: Date): Promise<NotificationRow | undefined> {
      const row = await db
        .selectFrom('study_task_notifications')
        .selectAll()
        .where('token_sha256', '=', tokenSha256)
        .executeTakeFirst();
      if (row && !row.opened_at) {
        await db
          .updateTable('study_task_notifications')
          .set({ opened_at: at })
          .where('participant_id', '=', row.participant_id)
          .where('id', '=', row.id)
          .where('opened_at', 'is', null)
          .execute();
      }
      return row;
    },

    async task(participantId: string, id: string): Promise<TaskRow | undefined> {
      return db
        .selectFrom('study_tasks')
        .selectAll()
        .where('participant_id', '=', participantId)
        .where('id', '=', id)
        .executeTakeFirst();
    },

    /** A participant's tasks in the studies they take part in (not cancelled), by when they open. */
    async tasksOf(participantId: string): Promise<TaskRow[]> {
      return db
        .selectFrom('study_tasks as t')
        .innerJoin('study_participants as p', (join) =>
          join.onRef('p.participant_id', '=', 't.participant_id').onRef('p.study_id', '=', 't.study_id'),
        )
        .selectAll('t')
        .where('t.participant_id', '=', participantId)
        .where('p.status', 'in', ['enrolled', 'completed'])
        .where('t.cancelled_at', 'is', null)
        .orderBy('t.opens_at')
        .orderBy('t.timepoint')
        .execute();
    },

    /** The study's tasks of the participants given, with what their notifications did. */
    async tasksOfStudy(
      studyId: string,
      participantIds: string[],
    ): Promise<
      (TaskRow & { notified: number; sent: number; failed: number; no_email: number; opened: number })[]
    > {
      if (participantIds.length === 0) return [];
      const { rows } = await sql<
        TaskRow & { notified: number; sent: number; failed: number; no_email: number; opened: number }
      >`
        SELECT t.*,
               count(n.id)::int AS notified,
               count(n.id) FILTER (WHERE n.delivery = 'sent')::int AS sent,
               count(n.id) FILTER (WHERE n.delivery = 'failed')::int AS failed,
               count(n.id) FILTER (WHERE n.delivery = 'no_email')::int AS no_email,
               count(n.opened_at)::int AS opened
        FROM study_tasks t
        LEFT JOIN study_task_notifications n ON n.participant_id = t.participant_id AND n.task_id = t.id
        WHERE t.study_id = ${studyId} AND t.participant_id = ANY(${participantIds}::uuid[])
        GROUP BY t.participant_id, t.id
        ORDER BY t.timepoint, t.occurrence`.execute(db);
      return rows;
    },

    /** All a participant's tasks, cancelled ones too, for their GDPR export. */
    async allTasksOf(participantId: string): Promise<TaskRow[]> {
      return db
        .selectFrom('study_tasks')
        .selectAll()
        .where('participant_id', '=', participantId)
        .orderBy('opens_at')
        .execute();
    },

    /** A participant's task notifications, for their GDPR export. */
    async notificationsOf(participantId: string): Promise<NotificationRow[]> {
      return db
        .selectFrom('study_task_notifications')
        .selectAll()
        .where('participant_id', '=', participantId)
        .orderBy('created_at')
        .execute();
    },

    async erase(participantId: string) {
      const notifications = await db
        .deleteFrom('study_task_notifications')
        .where('participant_id', '=', participantId)
        .executeTakeFirst();
      const tasks = await db
        .deleteFrom('study_tasks')
        .where('participant_id', '=', participantId)
        .executeTakeFirst();
      return [
        { table: 'study_task_notifications', removed: Number(notifications.numDeletedRows) },
        { table: 'study_tasks', removed: Number(tasks.numDeletedRows) },
      ];
    },
  };
}

export type TaskStore = ReturnType<typeof createTaskStore>;
