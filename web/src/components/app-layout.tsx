import { Anchor, AppShell, Burger, Group } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, Outlet, useLocation } from 'react-router';
import { useMe } from '../hooks/use-me.ts';
import { applyLocale } from '../i18n/index.ts';
import { AccountControls } from './account-controls.tsx';
import { LanguageSwitch } from './language-switch.tsx';
import { MainNav } from './main-nav.tsx';
import { MfaSetupNotice } from './mfa-setup-notice.tsx';

/** Applies the account's language once per signed-in account (after sign-in, or on opening the app). */
function useAccountLocale() {
  const me = useMe();
  const appliedFor = useRef<string | null>(null);
  const account = me.data?.account;
  useEffect(() => {
    if (!account) {
      appliedFor.current = null;
      return;
    }
    if (appliedFor.current === account.id) return;
    appliedFor.current = account.id;
    void applyLocale(account.locale);
  }, [account]);
}

/** After navigating inside the app, moves focus to the new page's heading (as a page load would). */
function useFocusOnNavigation() {
  const { pathname } = useLocation();
  const shown = useRef(pathname);
  useEffect(() => {
    if (shown.current === pathname) return;
    shown.current = pathname;
    const frame = requestAnimationFrame(() => {
      const heading = document.querySelector<HTMLElement>('main h1');
      heading?.focus();
    });
    return () => cancelAnimationFrame(frame);
  }, [pathname]);
}

/** The app shell: skip link, header (product, language, account), navigation and the main area. */
export function AppLayout() {
  const { t } = useTranslation();
  const me = useMe();
  const { pathname } = useLocation();
  const [navOpened, nav] = useDisclosure(false);
  useAccountLocale();
  useFocusOnNavigation();

  // biome-ignore lint/correctness/useExhaustiveDependencies: close the mobile menu whenever the page changes
  useEffect(() => nav.close(), [pathname]);

  const blocked = me.data?.session.mfaSetupRequired === true && pathname !== '/account';

  return (
    <>
      <a className="skip-link" href="#main">
        {t('layout.skipToContent')}
      </a>
      <AppShell
        header={{ height: 64 }}
        navbar={{ width: 250, breakpoint: 'sm', collapsed: { mobile: !navOpened } }}
        padding="lg"
      >
        <AppShell.Header>
          <Group h="100%" px={{ base: 'xs', sm: 'md' }} justify="space-between" wrap="nowrap" gap="xs">
            <Group gap="sm" wrap="nowrap">
              <Burger
                opened={navOpened}
                onClick={nav.toggle}
                hiddenFrom="sm"
                size="sm"
                aria-label={navOpened ? t('layout.closeMenu') : t('layout.openMenu')}
                aria-controls="main-navigation"
                aria-expanded={navOpened}
              />
              <Anchor
                component={Link}
                to="/"
                fw={700}
                fz={{ base: 'sm', sm: 'lg' }}
                lh={1.15}
                maw={{ base: 96, sm: 'none' }}
                c="dark.9"
                underline="hover"
              >
                TOPFIT Citizen Lab
              </Anchor>
            </Group>
            <Group gap="sm" wrap="nowrap">
              <LanguageSwitch />
              <AccountControls />
            </Group>
          </Group>
        </AppShell.Header>
        <AppShell.Navbar p="sm" id="main-navigation" aria-label={t('layout.navigation')}>
          <MainNav me={me.data ?? null} />
        </AppShell.Navbar>
        <AppShell.Main id="main" tabIndex={-1}>
          {blocked ? <MfaSetupNotice /> : <Outlet />}
        </AppShell.Main>
      </AppShell>
    </>
  );
}
