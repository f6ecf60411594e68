import { NavLink, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link, useLocation } from 'react-router';
import type { Me } from '../api-types.ts';
import { hasRole, isAuthor, isConsentStaff } from '../hooks/use-me.ts';

interface Item {
  to: string;
  label: string;
  /** Active on this path only, not on the paths below it. */
  exact?: boolean;
}

function NavItems({ items, labelledBy }: { items: Item[]; labelledBy?: string }) {
  const { pathname } = useLocation();
  return (
    <Stack
      gap={2}
      component="ul"
      aria-labelledby={labelledBy}
      style={{ listStyle: 'none', padding: 0, margin: 0 }}
    >
      {items.map((item) => {
        const active = item.to === '/' || item.exact ? pathname === item.to : pathname.startsWith(item.to);
        return (
          <li key={item.to}>
            <NavLink
              component={Link}
              to={item.to}
              label={item.label}
              active={active}
              aria-current={active ? 'page' : undefined}
            />
          </li>
        );
      })}
    </Stack>
  );
}

/** The main navigation: what the person can open depends on the roles from GET /me. */
export function MainNav({ me }: { me: Me | null }) {
  const { t } = useTranslation();
  if (!me) {
    return (
      <NavItems
        items={[
          { to: '/', label: t('nav.home') },
          { to: '/join', label: t('nav.join') },
          { to: '/consent/purposes', label: t('nav.consentPurposes') },
          { to: '/sign-in', label: t('nav.signIn') },
          { to: '/sign-up', label: t('nav.signUp') },
        ]}
      />
    );
  }
  return (
    <Stack gap="md">
      <NavItems
        items={[
          { to: '/', label: t('nav.home') },
          ...(hasRole(me, 'citizen')
            ? [
                { to: '/questionnaires', label: t('nav.questionnaires') },
                { to: '/risk', label: t('nav.risk') },
                { to: '/glucose', label: t('nav.glucose') },
                { to: '/measurements/import', label: t('nav.importData') },
                { to: '/studies', label: t('nav.studies') },
                { to: '/consent', label: t('nav.consent'), exact: true },
                { to: '/profile', label: t('nav.profile') },
              ]
            : []),
          ...(hasRole(me, 'coach') ? [{ to: '/caseload', label: t('nav.caseload') }] : []),
          ...(hasRole(me, 'researcher') ? [{ to: '/research', label: t('nav.research') }] : []),
          ...(hasRole(me, 'data_steward')
            ? [
                { to: '/research/approvals', label: t('research.approvals.nav') },
                { to: '/research/review', label: t('nav.researchReview') },
              ]
            : []),
          ...(isConsentStaff(me) ? [{ to: '/support', label: t('nav.support') }] : []),
          ...(isAuthor(me) ? [{ to: '/author/questionnaires', label: t('nav.authoring') }] : []),
          ...(hasRole(me, 'programme_manager') ||
          hasRole(me, 'partner_analyst') ||
          hasRole(me, 'administrator')
            ? [{ to: '/panel', label: t('nav.panel') }]
            : []),
          { to: '/account', label: t('nav.account') },
        ]}
      />
      {isConsentStaff(me) && (
        <Stack gap={4}>
          <Text size="sm" fw={700} px="sm" id="nav-admin">
            {t('nav.admin')}
          </Text>
          <NavItems
            labelledBy="nav-admin"
            items={[
              ...(hasRole(me, 'administrator')
                ? [
                    { to: '/admin/organisations', label: t('nav.organisations') },
                    { to: '/admin/people', label: t('nav.people') },
                  ]
                : []),
              // Administrators and data stewards.
              { to: '/admin/consent', label: t('nav.consentTexts') },
              ...(hasRole(me, 'administrator')
                ? [
                    { to: '/admin/audit', label: t('nav.audit') },
                    { to: '/admin/outbox', label: t('nav.outbox') },
                  ]
                : []),
            ]}
          />
        </Stack>
      )}
    </Stack>
  );
}
