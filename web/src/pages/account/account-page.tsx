import { Anchor } from '@mantine/core';
import { useEffect } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocation } from 'react-router';
import { InfoNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useSession } from '../../components/require-session.tsx';
import { hasRole } from '../../hooks/use-me.ts';
import { ApiTokensSection } from './api-tokens-section.tsx';
import { MfaSection } from './mfa-section.tsx';
import { PasswordSection } from './password-section.tsx';
import { ProfileSection } from './profile-section.tsx';
import { SessionsSection } from './sessions-section.tsx';

/** Scrolls to the section the URL's #hash names (links like /account#two-factor). */
function useScrollToHash() {
  const { hash } = useLocation();
  useEffect(() => {
    if (!hash) return;
    const frame = requestAnimationFrame(() => {
      const target = document.getElementById(decodeURIComponent(hash.slice(1)));
      target?.scrollIntoView();
    });
    return () => cancelAnimationFrame(frame);
  }, [hash]);
}

/** My account: profile, two-factor sign-in, password, sessions, and for researchers API tokens for scripts. */
export function AccountPage() {
  const { t } = useTranslation();
  const me = useSession();
  useScrollToHash();
  return (
    <Page title={t('account.title')}>
      {me.session.mfaSetupRequired && (
        <InfoNotice>
          {t('mfaNotice.text')}{' '}
          <Anchor href="#two-factor" c="blue.9">
            {t('mfaNotice.jump')}
          </Anchor>
        </InfoNotice>
      )}
      <ProfileSection me={me} />
      <MfaSection me={me} />
      <PasswordSection />
      <SessionsSection />
      {hasRole(me, 'researcher') && <ApiTokensSection />}
    </Page>
  );
}
