import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import type { QuestionnaireTask } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { useDates } from '../consent/consent-queries.ts';
import { useMyProfile } from '../profile/profile-queries.ts';
import { useLocale, useMyResponses, useMyTasks } from './questionnaire-queries.ts';

/** What to do first: continue, then what is due again, then new ones, then those done. */
const STATE_ORDER: Record<QuestionnaireTask['state'], number> = { draft: 0, due: 1, new: 2, done: 3 };

/** Badge colours with dark text on a light background (at least 4.5:1). */
const BADGE_COLOR: Record<QuestionnaireTask['state'], string> = {
  new: 'blue',
  draft: 'yellow',
  due: 'orange',
  done: 'teal',
};

/** The instrument's short name from its canonical url, e.g. `findrisc`. */
const instrumentName = (url: string): string => url.split('/').pop() ?? url;

/** A signed-in citizen who has not joined the Citizen Lab: the way in. */
export function NotJoined() {
  const { t } = useTranslation();
  return (
    <Stack>
      <InfoNotice>{t('questionnaires.notJoined')}</InfoNotice>
      <div>
        <Button component={Link} to="/join">
          {t('join.cta')}
        </Button>
      </div>
    </Stack>
  );
}

/** One questionnaire: where the participant stands, and the one button to go on. */
function TaskCard({ task }: { task: QuestionnaireTask }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const dates = useDates();
  const { questionnaire, state } = task;
  const title = questionnaire.title[locale];
  const id = `task-${questionnaire.id}`;
  const name = instrumentName(questionnaire.url);

  let status: string;
  if (state === 'draft' && task.draftSavedAt) {
    status = t('questionnaires.status.draft', { date: dates.dateTime(task.draftSavedAt) });
  } else if (state === 'due' && task.lastCompletedAt) {
    status = t('questionnaires.status.due', { date: dates.date(task.lastCompletedAt) });
  } else if (state === 'done' && task.lastCompletedAt) {
    status = task.dueAt
      ? t('questionnaires.status.doneRepeat', {
          date: dates.date(task.lastCompletedAt),
          due: dates.date(task.dueAt),
        })
      : t('questionnaires.status.done', { date: dates.date(task.lastCompletedAt) });
  } else {
    status = t('questionnaires.status.new');
  }

  return (
    <Card
      withBorder
      padding="lg"
      component="section"
      aria-labelledby={`${id}-title`}
      data-testid={`task-${name}`}
    >
      <Stack gap="sm" h="100%">
        <Group justify="space-between" align="flex-start" wrap="nowrap">
          <Title order={2} size="h3" id={`${id}-title`}>
            {title}
          </Title>
          <Badge
            color={BADGE_COLOR[state]}
            variant="light"
            c="dark.8"
            tt="none"
            style={{ flexShrink: 0 }}
            data-testid={`task-${name}-state`}
          >
            {t(`questionnaires.badge.${state}`)}
          </Badge>
        </Group>
        <Text size="sm" c="dimmed">
          {t('questionnaires.questionCount', { count: questionnaire.itemCount })}
        </Text>
        <Text data-testid={`task-${name}-status`}>{status}</Text>
        <Group mt="auto" gap="sm">
          <Button
            component={Link}
            to={`/questionnaires/${questionnaire.id}`}
            variant={state === 'done' ? 'default' : 'filled'}
            data-testid={`task-${name}-open`}
          >
            {t(`questionnaires.action.${state}`)}
            <VisuallyHidden>: {title}</VisuallyHidden>
          </Button>
          {questionnaire.scoring === 'findrisc' && (state === 'done' || state === 'due') && (
            <Anchor component={Link} to="/risk">
              {t('questionnaires.toRisk')}
            </Anchor>
          )}
        </Group>
      </Stack>
    </Card>
  );
}

/** "My earlier answers": every submitted response, newest first, each readable again. */
function History() {
  const { t } = useTranslation();
  const locale = useLocale();
  const dates = useDates();
  const responses = useMyResponses();

  let content: ReactNode;
  if (responses.isPending) content = <Loading />;
  else if (responses.isError) content = <QueryError error={responses.error} />;
  else if (responses.data.length === 0) content = <Text>{t('questionnaires.history.none')}</Text>;
  else {
    const sorted = [...responses.data].sort((a, b) =>
      (b.response.authoredAt ?? b.response.updatedAt).localeCompare(
        a.response.authoredAt ?? a.response.updatedAt,
      ),
    );
    content = (
      <div data-testid="questionnaire-history">
        <DataTable
          caption={t('questionnaires.history.caption')}
          head={[
            t('questionnaires.history.date'),
            t('questionnaires.history.questionnaire'),
            t('questionnaires.history.answers'),
          ]}
          minWidth={520}
        >
          {sorted.map(({ response, questionnaire }) => {
            const title = questionnaire.title[locale];
            const when = dates.dateTime(response.authoredAt ?? response.updatedAt);
            return (
              <Table.Tr key={response.id} data-testid="questionnaire-history-row">
                <Table.Td>{when}</Table.Td>
                <Table.Td>{title}</Table.Td>
                <Table.Td>
                  <Anchor component={Link} to={`/questionnaires/responses/${response.id}`} pos="relative">
                    {t('questionnaires.history.view')}
                    <VisuallyHidden>
                      {t('questionnaires.history.viewContext', { title, when })}
                    </VisuallyHidden>
                  </Anchor>
                </Table.Td>
              </Table.Tr>
            );
          })}
        </DataTable>
      </div>
    );
  }
  return (
    <Section id="history" title={t('questionnaires.history.title')}>
      <Text>{t('questionnaires.history.intro')}</Text>
      {content}
    </Section>
  );
}

function Tasks() {
  const { t } = useTranslation();
  const tasks = useMyTasks();
  if (tasks.isPending) return <Loading />;
  if (tasks.isError) return <QueryError error={tasks.error} />;
  if (tasks.data.length === 0) return <InfoNotice>{t('questionnaires.none')}</InfoNotice>;
  const sorted = [...tasks.data].sort((a, b) => STATE_ORDER[a.state] - STATE_ORDER[b.state]);
  return (
    <SimpleGrid cols={{ base: 1, md: 2 }} data-testid="questionnaire-tasks">
      {sorted.map((task) => (
        <TaskCard key={task.questionnaire.id} task={task} />
      ))}
    </SimpleGrid>
  );
}

const isSavedState = (state: unknown): boolean =>
  typeof state === 'object' && state !== null && 'saved' in state && state.saved === true;

/** /questionnaires — the participant's questionnaires and the answers given before. */
export function QuestionnairesPage() {
  const { t } = useTranslation();
  const location = useLocation();
  const profile = useMyProfile();

  let content: ReactNode;
  if (profile.isPending) content = <Loading />;
  else if (profile.isError) content = <QueryError error={profile.error} />;
  else if (!profile.data) content = <NotJoined />;
  else {
    content = (
      <>
        <Tasks />
        <History />
      </>
    );
  }

  return (
    <Page title={t('questionnaires.title')} size="lg">
      <Text size="lg">{t('questionnaires.intro')}</Text>
      {isSavedState(location.state) && (
        <SuccessNotice title={t('questionnaires.savedTitle')}>{t('questionnaires.saved')}</SuccessNotice>
      )}
      {content}
    </Page>
  );
}
