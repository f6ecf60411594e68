import { Button } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { InfoNotice } from './notices.tsx';
import { Page } from './page.tsx';

/** Shown instead of any page but /account while a staff member has not set up two factors. */
export function MfaSetupNotice() {
  const { t } = useTranslation();
  return (
    <Page title={t('mfaNotice.title')} size="sm">
      <InfoNotice>{t('mfaNotice.text')}</InfoNotice>
      <div>
        <Button component={Link} to="/account#two-factor">
          {t('mfaNotice.action')}
        </Button>
      </div>
    </Page>
  );
}
