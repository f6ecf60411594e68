import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { useMe, useSignOut } from '../hooks/use-me.ts';

/** The header's account part: the person's name (to the account page) and sign-out, or a sign-in link. */
export function AccountControls() {
  const { t } = useTranslation();
  const me = useMe();
  const signOut = useSignOut();
  if (me.isPending) return null;
  if (!me.data) {
    return (
      <Button component={Link} to="/sign-in" variant="default" size="xs" visibleFrom="sm">
        {t('nav.signIn')}
      </Button>
    );
  }
  return (
    <Group gap="xs" wrap="nowrap">
      <Button component={Link} to="/account" variant="subtle" size="xs" visibleFrom="sm">
        {me.data.account.displayName}
      </Button>
      <Button
        variant="default"
        size="xs"
        data-testid="sign-out"
        loading={signOut.isPending}
        onClick={() => signOut.mutate()}
      >
        {t('nav.signOut')}
      </Button>
    </Group>
  );
}
