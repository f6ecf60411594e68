import { Button } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useSearchParams } from 'react-router';
import { api } from '../../api.ts';
import { FormAlert, Loading, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { errorMessage } from '../../form-errors.ts';
import { hasDraft } from '../join/join-draft.ts';
import { InvalidLink, isInvalidLinkError } from './invalid-link.tsx';

/** The link from the verification mail: posts the token once and says how it went. */
export function VerifyEmailPage() {
  const { t } = useTranslation();
  const [params] = useSearchParams();
  const token = params.get('token') ?? '';
  const verify = useMutation({
    mutationFn: () => api.post<{ email: string }>('/auth/verify-email', { token }),
  });
  const sent = useRef(false);

  useEffect(() => {
    // A token works once: never post it twice (React runs effects twice in development).
    if (!token || sent.current) return;
    sent.current = true;
    verify.mutate();
  }, [token, verify]);

  let content: ReactNode;
  if (!token) {
    content = <InvalidLink />;
  } else if (verify.isSuccess) {
    content = (
      <>
        <SuccessNotice>{t('verifyEmail.done', { email: verify.data.email })}</SuccessNotice>
        <div>
          <Button component={Link} to={hasDraft() ? '/sign-in?next=/join' : '/sign-in'}>
            {t('nav.signIn')}
          </Button>
        </div>
      </>
    );
  } else if (verify.isError) {
    content = isInvalidLinkError(verify.error) ? (
      <InvalidLink retryTo="/sign-in" retryLabel={t('verifyEmail.tryAgain')} />
    ) : (
      <FormAlert message={errorMessage(verify.error, t)} />
    );
  } else {
    content = <Loading label={t('verifyEmail.busy')} />;
  }

  return (
    <Page title={t('verifyEmail.title')} size="xs">
      {content}
    </Page>
  );
}
