import { Anchor, Button, Group, Paper, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Me, type OrganisationRef, ROLES, type Role } from '../../api-types.ts';
import { InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { hasRole, isAuthor, useMe } from '../../hooks/use-me.ts';
import { useMyProfile } from '../profile/profile-queries.ts';
import { AuthoringCard } from './authoring-card.tsx';
import { GlucoseCard } from './glucose-card.tsx';
import { QuestionnairesCard } from './questionnaires-card.tsx';
import { RoleCard } from './role-card.tsx';
import { StudyNewsCard } from './study-news-card.tsx';

/** The roles the person holds, in the platform's order, each with its organisations. */
function rolesOf(me: Me): { role: Role; organisations: OrganisationRef[] }[] {
  return ROLES.filter((role) => me.roles.some((membership) => membership.role === role)).map((role) => ({
    role,
    organisations: me.roles
      .filter((membership) => membership.role === role)
      .flatMap((membership) => (membership.organisation ? [membership.organisation] : [])),
  }));
}

/** A citizen who has not joined the Citizen Lab yet: the way in, first thing on the page. */
function JoinInvitation() {
  const { t } = useTranslation();
  const profile = useMyProfile();
  if (profile.data !== null) return null;
  return (
    <Paper withBorder p="lg" bg="blue.0" component="section" aria-labelledby="home-join-title">
      <Stack gap="sm">
        <Title order={2} id="home-join-title">
          {t('home.joinTitle')}
        </Title>
        <Text>{t('home.joinText')}</Text>
        <div>
          <Button component={Link} to="/join" size="md" data-testid="home-join">
            {t('join.cta')}
          </Button>
        </div>
      </Stack>
    </Paper>
  );
}

function Welcome({ me }: { me: Me }) {
  const { t } = useTranslation();
  const roles = rolesOf(me);
  return (
    <Page title={t('home.welcome', { name: me.account.displayName })} size="lg">
      {hasRole(me, 'citizen') && <JoinInvitation />}
      {hasRole(me, 'citizen') && <StudyNewsCard />}
      {hasRole(me, 'citizen') && <QuestionnairesCard />}
      {hasRole(me, 'citizen') && <GlucoseCard />}
      {isAuthor(me) && <AuthoringCard />}
      <Text>{t('home.intro')}</Text>
      {roles.length === 0 ? (
        <InfoNotice>{t('home.noRoles')}</InfoNotice>
      ) : (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          {roles.map(({ role, organisations }) => (
            <RoleCard key={role} role={role} organisations={organisations} />
          ))}
        </SimpleGrid>
      )}
    </Page>
  );
}

function Landing() {
  const { t } = useTranslation();
  return (
    <Page title={t('home.landingTitle')}>
      <Text size="lg">{t('home.landingText')}</Text>
      <div>
        <Button component={Link} to="/join" size="lg" data-testid="landing-join">
          {t('join.cta')}
        </Button>
      </div>
      <Text>
        {t('home.landingConsent')}{' '}
        <Anchor component={Link} to="/consent/purposes" data-testid="landing-consent-purposes">
          {t('home.landingConsentLink')}
        </Anchor>
      </Text>
      <Group>
        <Button component={Link} to="/sign-in" variant="default">
          {t('nav.signIn')}
        </Button>
        <Button component={Link} to="/sign-up" variant="default">
          {t('nav.signUp')}
        </Button>
      </Group>
    </Page>
  );
}

/** Home: a welcome card for each role the person holds; for visitors, what the Citizen Lab is. */
export function HomePage() {
  const me = useMe();
  if (me.isPending) return <Loading />;
  if (me.isError) return <QueryError error={me.error} />;
  return me.data ? <Welcome me={me.data} /> : <Landing />;
}
