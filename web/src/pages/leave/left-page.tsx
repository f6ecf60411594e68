import { Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { InfoNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';

/** /left: the last page after asking to erase everything; the session has ended already. */
export function LeftPage() {
  const { t } = useTranslation();
  return (
    <Page title={t('left.title')} size="sm">
      <InfoNotice>{t('left.text')}</InfoNotice>
      <Text>{t('left.signedOut')}</Text>
      <Text>{t('left.thanks')}</Text>
      <Text>
        <Anchor component={Link} to="/">
          {t('left.home')}
        </Anchor>
      </Text>
    </Page>
  );
}
