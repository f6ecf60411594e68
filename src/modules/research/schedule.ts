import { z } from 'zod';

/**
 * A study's schedule, as data: timepoints relative to each participant (after Sage Bionetworks' Bridge: events
 * relative to the participant, not to the calendar). A timepoint starts `startDay` days after its anchor — the
 * participant's enrolment, or their completing the first occurrence of another timepoint — stays open for
 * `windowDays`, and may repeat as bursts `every` days, `times` in all. Days are calendar days in
 * Europe/Amsterdam: a window opens at local midnight and closes at local midnight, whatever daylight saving does.
 */

/** What a participant does at a timepoint. */
const questionnaireTask = z.object({
  kind: z.literal('questionnaire'),
  /** The instrument's canonical URL: whichever version is active when the participant fills it in counts. */
  questionnaire: z.url().max(500),
});
const wearTask = z.object({
  kind: z.literal('wear'),
  /** A glucose sensor or a step counter worn for `days` days with enough data in the window. */
  measure: z.enum(['cgm', 'steps']),
  days: z.number().int().min(1).max(90),
});
const measurementTask = z.object({
  kind: z.literal('measurement'),
  measure: z.enum(['weight']),
});
export const scheduleTask = z.discriminatedUnion('kind', [questionnaireTask, wearTask, measurementTask]);
export type ScheduleTask = z.infer<typeof scheduleTask>;

const TIMEPOINT_KEY = /^[a-z0-9][a-z0-9-]{0,39}$/;

const timepoint = z.object({
  key: z.string().regex(TIMEPOINT_KEY, 'lower-case letters, digits and hyphens, at most 40'),
  title: z.object({ nl: z.string().trim().min(1).max(200), en: z.string().trim().min(1).max(200) }),
  task: scheduleTask,
  after: z
    .discriminatedUnion('event', [
      z.object({ event: z.literal('enrolment') }),
      z.object({ event: z.literal('completed'), timepoint: z.string().regex(TIMEPOINT_KEY) }),
    ])
    .default({ event: 'enrolment' }),
  startDay: z.number().int().min(0).max(3650),
  windowDays: z.number().int().min(1).max(365),
  repeat: z
    .object({ every: z.number().int().min(1).max(3650), times: z.number().int().min(2).max(52) })
    .optional(),
  /** Days before the window closes to remind those who have not done it yet; 0: no reminder. */
  remindDaysBeforeClose: z.number().int().min(0).max(30).default(2),
});
export type Timepoint = z.infer<typeof timepoint>;

export const schedule = z
  .object({ timepoints: z.array(timepoint).max(50) })
  .superRefine(({ timepoints }, context) => {
    const seen = new Set<string>();
    timepoints.forEach((point, i) => {
      if (seen.has(point.key)) {
        context.addIssue({ code: 'custom', path: ['timepoints', i, 'key'], message: 'used twice' });
      }
      // A timepoint follows one defined before it: no cycles, and the order reads as the study runs.
      if (point.after.event === 'completed' && !seen.has(point.after.timepoint)) {
        context.addIssue({
          code: 'custom',
          path: ['timepoints', i, 'after', 'timepoint'],
          message: 'not a timepoint defined before this one',
        });
      }
      seen.add(point.key);
      // Bursts must not overlap: a participant has one open window of a timepoint at a time.
      if (point.repeat && point.repeat.every < point.windowDays) {
        context.addIssue({
          code: 'custom',
          path: ['timepoints', i, 'repeat', 'every'],
          message: 'shorter than the window: bursts would overlap',
        });
      }
      if (point.task.kind === 'wear' && point.task.days > point.windowDays) {
        context.addIssue({
          code: 'custom',
          path: ['timepoints', i, 'task', 'days'],
          message: 'more days than the window has',
        });
      }
    });
  });
export type Schedule = z.infer<typeof schedule>;

export const EMPTY_SCHEDULE: Schedule = { timepoints: [] };

/**
 * Quarter-hour slots a day must have readings in to count as a day of sensor wear: 70% of 96. The international
 * consensus on CGM metrics (Battelino et al., Diabetes Care 2019;42:1593–1603) asks for at least 70% of possible
 * readings; counting slots rather than readings makes it hold for 5-minute and 15-minute sensors alike.
 */
const CGM_SLOTS_PER_DAY = 67;

/** The slots a day needs for the task's measure to count it as a day with data. */
export function slotsPerDay(task: ScheduleTask): number {
  return task.kind === 'wear' && task.measure === 'cgm' ? CGM_SLOTS_PER_DAY : 1;
}

/** Days with data a task needs to be done: the wear days asked for, or one measurement. */
export function daysNeeded(task: ScheduleTask): number {
  return task.kind === 'wear' ? task.days : 1;
}
