import { Anchor, Button, Group, SimpleGrid, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { type Me, type OrganisationRef, ROLES, type Role } from '../../api-types.ts';
import { InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useMe } from '../../hooks/use-me.ts';
import { RoleCard } from './role-card.tsx';

/** The roles the person holds, in the platform's order, each with its organisations. */
function rolesOf(me: Me): { role: Role; organisations: OrganisationRef[] }[] {
  return ROLES.filter((role) => me.roles.some((membership) => membership.role === role)).map((role) => ({
    role,
    organisations: me.roles
      .filter((membership) => membership.role === role)
      .flatMap((membership) => (membership.organisation ? [membership.organisation] : [])),
  }));
}

function Welcome({ me }: { me: Me }) {
  const { t } = useTranslation();
  const roles = rolesOf(me);
  return (
    <Page title={t('home.welcome', { name: me.account.displayName })} size="lg">
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
      <Text>
        {t('home.landingConsent')}{' '}
        <Anchor component={Link} to="/consent/purposes" data-testid="landing-consent-purposes">
          {t('home.landingConsentLink')}
        </Anchor>
      </Text>
      <Group>
        <Button component={Link} to="/sign-in">
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
