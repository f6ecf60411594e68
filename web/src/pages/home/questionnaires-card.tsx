import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMyProfile } from '../profile/profile-queries.ts';
import { useMyTasks } from '../questionnaires/questionnaire-queries.ts';

/** For members of the Citizen Lab: how many questionnaires wait, and the way to them and to the risk report. */
export function QuestionnairesCard() {
  const { t } = useTranslation();
  const profile = useMyProfile();
  const joined = Boolean(profile.data);
  const tasks = useMyTasks(joined);
  if (!joined) return null;
  const open = tasks.data?.filter((task) => task.state !== 'done').length;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="home-questionnaires-title" bg="blue.0">
      <Stack gap="sm">
        <Title order={2} id="home-questionnaires-title">
          {t('home.questionnaires.title')}
        </Title>
        <Text>{t('home.questionnaires.text')}</Text>
        {open !== undefined && (
          <Text fw={600} data-testid="home-questionnaires-open">
            {open === 0 ? t('home.questionnaires.allDone') : t('home.questionnaires.open', { count: open })}
          </Text>
        )}
        <Group gap="sm">
          <Button component={Link} to="/questionnaires" data-testid="home-questionnaires">
            {t('nav.questionnaires')}
          </Button>
          <Button component={Link} to="/risk" variant="default" data-testid="home-risk">
            {t('nav.risk')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
