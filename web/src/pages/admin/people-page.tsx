import { useTranslation } from 'react-i18next';
import { Page } from '../../components/page.tsx';
import { AccountsSection } from './accounts-section.tsx';
import { InvitationsSection } from './invitations-section.tsx';
import { InviteForm } from './invite-form.tsx';

/** Administrators: invite people, see invitations, and the accounts with their roles. */
export function PeoplePage() {
  const { t } = useTranslation();
  return (
    <Page title={t('admin.people.title')} size="xl">
      <InviteForm />
      <InvitationsSection />
      <AccountsSection />
    </Page>
  );
}
