import { Anchor, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { isApiError } from '../../api.ts';
import { FormAlert } from '../../components/notices.tsx';

/** The token of a link was refused: unknown, used or expired (`invalid_token`), or malformed (`#/token`). */
export function isInvalidLinkError(error: unknown): boolean {
  if (!isApiError(error)) return false;
  if (error.code === 'invalid_token' || error.code === 'not_found') return true;
  return error.code === 'invalid_input' && error.errors.some((field) => field.pointer === '#/token');
}

/** The link from an e-mail did not work: used, expired or incomplete. */
export function InvalidLink({ retryTo, retryLabel }: { retryTo?: string; retryLabel?: string }) {
  const { t } = useTranslation();
  return (
    <>
      <FormAlert message={t('errors.invalid_token')} />
      {retryTo && retryLabel && (
        <Text>
          <Anchor component={Link} to={retryTo}>
            {retryLabel}
          </Anchor>
        </Text>
      )}
    </>
  );
}
