import { Anchor, Badge, Card, Group, List, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { OrganisationRef, Role } from '../../api-types.ts';

interface RoleCardProps {
  role: Role;
  organisations: OrganisationRef[];
}

/** Admin pages that exist today, shown on the administrator's card. */
function AdminLinks() {
  const { t } = useTranslation();
  const links = [
    { to: '/admin/organisations', label: t('nav.organisations') },
    { to: '/admin/people', label: t('nav.people') },
    { to: '/admin/consent', label: t('nav.consentTexts') },
    { to: '/admin/audit', label: t('nav.audit') },
    { to: '/admin/outbox', label: t('nav.outbox') },
  ];
  return (
    <List>
      {links.map((link) => (
        <List.Item key={link.to}>
          <Anchor component={Link} to={link.to}>
            {link.label}
          </Anchor>
        </List.Item>
      ))}
    </List>
  );
}

/** What a participant can do today: questionnaires, their risk report, glucose and imports, choices and details. */
function CitizenLinks() {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Text>{t('home.citizenNow')}</Text>
      <List>
        <List.Item>
          <Anchor component={Link} to="/questionnaires">
            {t('nav.questionnaires')}
          </Anchor>
        </List.Item>
        <List.Item>
          <Anchor component={Link} to="/risk">
            {t('nav.risk')}
          </Anchor>
        </List.Item>
        <List.Item>
          <Anchor component={Link} to="/glucose">
            {t('nav.glucose')}
          </Anchor>
        </List.Item>
        <List.Item>
          <Anchor component={Link} to="/measurements/import">
            {t('nav.importData')}
          </Anchor>
        </List.Item>
        <List.Item>
          <Anchor component={Link} to="/consent" data-testid="home-consent">
            {t('nav.consent')}
          </Anchor>
        </List.Item>
        <List.Item>
          <Anchor component={Link} to="/profile" data-testid="home-profile">
            {t('nav.profile')}
          </Anchor>
        </List.Item>
      </List>
    </Stack>
  );
}

/** What a researcher can do today: prepare the questionnaires. */
function ResearcherLinks() {
  const { t } = useTranslation();
  return (
    <Stack gap="xs">
      <Text>{t('home.researcherNow')}</Text>
      <List>
        <List.Item>
          <Anchor component={Link} to="/author/questionnaires" data-testid="home-researcher-authoring">
            {t('nav.authoring')}
          </Anchor>
        </List.Item>
      </List>
    </Stack>
  );
}

/** A welcome card for one role: in plain words what this role will be able to do. */
export function RoleCard({ role, organisations }: RoleCardProps) {
  const { t } = useTranslation();
  // Roles with pages of their own today; the others get a word on what is coming.
  const available = role === 'administrator' || role === 'citizen' || role === 'researcher';
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby={`role-${role}`}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <Title order={2} id={`role-${role}`}>
            {t(`home.roles.${role}.title`)}
          </Title>
          {!available && (
            <Badge color="gray" variant="light" c="dark.7">
              {t('home.comingSoon')}
            </Badge>
          )}
        </Group>
        {organisations.length > 0 && (
          <Text fw={600}>
            {t('home.atOrganisations', { names: organisations.map((o) => o.name).join(', ') })}
          </Text>
        )}
        <Text>{t(`home.roles.${role}.text`)}</Text>
        {role === 'citizen' && <CitizenLinks />}
        {role === 'administrator' && <AdminLinks />}
        {role === 'researcher' && <ResearcherLinks />}
        {!available && (
          <Text>
            {t('home.later')}{' '}
            <Anchor component={Link} to="/account">
              {t('home.toAccount')}
            </Anchor>
          </Text>
        )}
      </Stack>
    </Card>
  );
}
