import { Button, Card, Group, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMyProfile } from '../profile/profile-queries.ts';

/** For members of the Citizen Lab: bring in measurements (a glucose sensor, a phone) and see the glucose report. */
export function GlucoseCard() {
  const { t } = useTranslation();
  const profile = useMyProfile();
  if (!profile.data) return null;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="home-glucose-title" bg="blue.0">
      <Stack gap="sm">
        <Title order={2} id="home-glucose-title">
          {t('home.glucose.title')}
        </Title>
        <Text>{t('home.glucose.text')}</Text>
        <Group gap="sm">
          <Button component={Link} to="/glucose" data-testid="home-glucose">
            {t('nav.glucose')}
          </Button>
          <Button component={Link} to="/measurements/import" variant="default" data-testid="home-import">
            {t('nav.importData')}
          </Button>
        </Group>
      </Stack>
    </Card>
  );
}
