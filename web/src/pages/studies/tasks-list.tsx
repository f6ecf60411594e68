import { Badge, Button, List, Stack, Text, Title } from '@mantine/core';
import type { TFunction } from 'i18next';
import { type ReactNode, useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import { ItemCard } from '../../components/item-card.tsx';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { type StudyTask, useMyStudyTasks, useStudyDays } from '../research/schedule-api.ts';

/** The section's id: e-mails and the task link page lead to /studies#tasks. */
const TASKS_ID = 'tasks';

/** The task's title, with its round when it repeats: "Wear the sensor (2 of 3)". */
function useTaskTitle() {
  const { t } = useTranslation();
  const locale = useLocale();
  return (task: StudyTask) =>
    task.occurrences > 1
      ? t('studies.tasks.round', {
          title: task.title[locale],
          occurrence: task.occurrence,
          occurrences: task.occurrences,
        })
      : task.title[locale];
}

/** What to do, in a sentence. */
function whatToDo(task: StudyTask, t: TFunction): string {
  if (task.task.kind === 'questionnaire') return t('studies.tasks.what.questionnaire');
  if (task.task.kind === 'wear')
    return t(`studies.tasks.what.${task.task.measure}`, { count: task.daysNeeded });
  return t('studies.tasks.what.weight');
}

/** An open task: what to do, until which day, how far along, and the way to do it. */
function OpenTask({ task }: { task: StudyTask }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { lastDay } = useStudyDays();
  const title = useTaskTitle();
  let action: ReactNode;
  if (task.task.kind === 'questionnaire') {
    action = task.questionnaireId ? (
      <Button component={Link} to={`/questionnaires/${task.questionnaireId}`} data-testid="task-fill-in">
        {t('studies.tasks.fillIn')}
      </Button>
    ) : (
      <Text size="sm">{t('studies.tasks.questionnaireUnavailable')}</Text>
    );
  } else {
    action = (
      <Button component={Link} to="/measurements/import" data-testid="task-upload">
        {t('studies.tasks.upload')}
      </Button>
    );
  }
  return (
    <ItemCard
      title={title(task)}
      badge={
        <Badge color="blue" variant="light" c="dark.7" tt="none">
          {t('studies.tasks.status.open')}
        </Badge>
      }
      testId="task-open"
    >
      <Text size="sm">{t('studies.tasks.forStudy', { study: task.studyTitle[locale] })}</Text>
      <Text>{whatToDo(task, t)}</Text>
      <Text fw={600} data-testid="task-until">
        {t('studies.tasks.until', { date: lastDay(task.closesAt) })}
      </Text>
      {task.task.kind !== 'questionnaire' && (
        <Text data-testid="task-progress">
          {t('studies.tasks.progress', { done: task.dataDays, count: task.daysNeeded })}
        </Text>
      )}
      <div>{action}</div>
    </ItemCard>
  );
}

/** Tasks to come, done or missed: one line each. */
function TaskLines({
  tasks,
  line,
  testId,
}: {
  tasks: StudyTask[];
  line: (task: StudyTask) => string;
  testId: string;
}) {
  const locale = useLocale();
  const title = useTaskTitle();
  return (
    <List spacing="xs">
      {tasks.map((task) => (
        <List.Item key={task.id} data-testid={testId}>
          <Text span fw={600}>
            {title(task)}
          </Text>
          {' · '}
          {line(task)}
          <Text size="sm">{task.studyTitle[locale]}</Text>
        </List.Item>
      ))}
    </List>
  );
}

const byTime =
  (time: (task: StudyTask) => string | null, newestFirst = false) =>
  (a: StudyTask, b: StudyTask) => {
    const order = (time(a) ?? '').localeCompare(time(b) ?? '');
    return newestFirst ? -order : order;
  };

/**
 * "My tasks" on the Studies page: what the studies I take part in ask of me now (open, the soonest closing
 * first, with the way to do it), what comes later (from when), and, folded away, what is done or was missed.
 */
export function TasksList() {
  const { t } = useTranslation();
  const { hash } = useLocation();
  const { day, lastDay } = useStudyDays();
  const tasks = useMyStudyTasks();

  // The browser scrolls to #tasks only on a full page load; arriving within the app, the list is not there yet.
  const loaded = tasks.isSuccess;
  useEffect(() => {
    if (loaded && hash === `#${TASKS_ID}`) document.getElementById(TASKS_ID)?.scrollIntoView();
  }, [loaded, hash]);

  let content: ReactNode;
  if (tasks.isPending) content = <Loading />;
  else if (tasks.isError) content = <QueryError error={tasks.error} />;
  else {
    const all = tasks.data.filter((task) => task.status !== 'cancelled');
    const open = all.filter((task) => task.status === 'open').sort(byTime((task) => task.closesAt));
    const upcoming = all.filter((task) => task.status === 'upcoming').sort(byTime((task) => task.opensAt));
    const past = all
      .filter((task) => task.status === 'done' || task.status === 'missed')
      .sort(byTime((task) => task.completedAt ?? task.closesAt, true));
    content = (
      <>
        {open.length === 0 ? (
          <Text data-testid="tasks-none-open">
            {all.length === 0 ? t('studies.tasks.none') : t('studies.tasks.noneOpen')}
          </Text>
        ) : (
          open.map((task) => <OpenTask key={task.id} task={task} />)
        )}
        {upcoming.length > 0 && (
          <Stack gap="xs">
            <Title order={3} size="h4">
              {t('studies.tasks.upcomingTitle')}
            </Title>
            <TaskLines
              tasks={upcoming}
              testId="task-upcoming"
              line={(task) => t('studies.tasks.from', { date: day(task.opensAt) })}
            />
          </Stack>
        )}
        {past.length > 0 && (
          <details data-testid="tasks-past">
            <summary style={{ cursor: 'pointer', fontWeight: 600 }}>
              {t('studies.tasks.pastTitle', { count: past.length })}
            </summary>
            <Stack gap="xs" mt="xs">
              <TaskLines
                tasks={past}
                testId="task-past"
                line={(task) =>
                  task.status === 'done' && task.completedAt
                    ? t('studies.tasks.doneOn', { date: day(task.completedAt) })
                    : t('studies.tasks.missed', { date: lastDay(task.closesAt) })
                }
              />
            </Stack>
          </details>
        )}
      </>
    );
  }
  return (
    <Section id={TASKS_ID} title={t('studies.tasks.title')}>
      <Text>{t('studies.tasks.intro')}</Text>
      {content}
    </Section>
  );
}
