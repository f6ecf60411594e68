import { Button, Paper, Stack, Text, Title } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useMe } from '../../hooks/use-me.ts';
import { InvalidLink, isInvalidLinkError } from '../auth/invalid-link.tsx';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { useOpenedTask, useStudyDays } from '../research/schedule-api.ts';

/** Where "My tasks" is; signed out, the sign-in page comes first and then leads there. */
const MY_TASKS = '/studies#tasks';
const SIGN_IN_TO_MY_TASKS = `/sign-in?next=${encodeURIComponent(MY_TASKS)}`;

/**
 * /study-tasks/:token — the personal link of a task e-mail, without signing in: records that it was opened,
 * says which task it is and until when, and leads to "My tasks" (through signing in when needed). The page
 * shows nothing of the study or the person beyond what the e-mail said. A link that does not work says so kindly.
 */
export function StudyTaskLinkPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { token = '' } = useParams();
  const { lastDay } = useStudyDays();
  const me = useMe();
  const opened = useOpenedTask(token);
  const signedIn = Boolean(me.data);

  let content: ReactNode;
  if (opened.isPending) content = <Loading />;
  else if (opened.isError) {
    content = isInvalidLinkError(opened.error) ? (
      <Stack gap="sm" data-testid="task-link-invalid">
        <InvalidLink />
        <Text>{t('studyTask.invalidHint')}</Text>
        <div>
          <Button component={Link} to={signedIn ? MY_TASKS : SIGN_IN_TO_MY_TASKS} variant="default">
            {signedIn ? t('studyTask.toTasks') : t('studyTask.signInToTasks')}
          </Button>
        </div>
      </Stack>
    ) : (
      <QueryError error={opened.error} />
    );
  } else {
    const task = opened.data;
    const closed = new Date(task.closesAt).getTime() <= Date.now();
    content = (
      <Paper withBorder p="lg" component="section" aria-labelledby="linked-task">
        <Stack gap="md">
          <Title order={2} id="linked-task">
            {task.title[locale]}
          </Title>
          <Text fw={600} data-testid="task-link-until">
            {closed
              ? t('studyTask.closed', { date: lastDay(task.closesAt) })
              : t('studyTask.until', { date: lastDay(task.closesAt) })}
          </Text>
          <Text>{signedIn ? t('studyTask.where') : t('studyTask.whereSignIn')}</Text>
          <div>
            <Button
              component={Link}
              to={signedIn ? MY_TASKS : SIGN_IN_TO_MY_TASKS}
              data-testid="task-link-to-tasks"
            >
              {signedIn ? t('studyTask.toTasks') : t('studyTask.signInToTasks')}
            </Button>
          </div>
        </Stack>
      </Paper>
    );
  }
  return (
    <Page title={t('studyTask.title')} size="sm">
      {content}
    </Page>
  );
}
