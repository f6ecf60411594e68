import { Button, Card, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useAllVersions } from '../authoring/authoring-queries.ts';

/** For authors (researchers, programme managers, administrators): the questionnaires and their drafts. */
export function AuthoringCard() {
  const { t } = useTranslation();
  const versions = useAllVersions();
  const drafts = versions.data?.filter((version) => version.status === 'draft').length;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="home-authoring-title" bg="blue.0">
      <Stack gap="sm">
        <Title order={2} id="home-authoring-title">
          {t('home.authoring.title')}
        </Title>
        <Text>{t('home.authoring.text')}</Text>
        {drafts !== undefined && (
          <Text fw={600} data-testid="home-authoring-drafts">
            {drafts === 0 ? t('home.authoring.noDrafts') : t('home.authoring.drafts', { count: drafts })}
          </Text>
        )}
        <div>
          <Button component={Link} to="/author/questionnaires" data-testid="home-authoring">
            {t('nav.authoring')}
          </Button>
        </div>
      </Stack>
    </Card>
  );
}
