import { Button } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { FormAlert, SuccessNotice } from '../../components/notices.tsx';
import { errorMessage } from '../../form-errors.ts';

/** "Send the mail again": POST /auth/resend-verification (always answers the same). */
export function ResendVerification({ email }: { email: string }) {
  const { t } = useTranslation();
  const resend = useMutation({ mutationFn: () => api.post('/auth/resend-verification', { email }) });
  if (resend.isSuccess) return <SuccessNotice>{t('signUp.resent')}</SuccessNotice>;
  return (
    <>
      <FormAlert message={resend.isError ? errorMessage(resend.error, t) : null} />
      <div>
        <Button variant="default" loading={resend.isPending} onClick={() => resend.mutate()}>
          {t('signUp.resend')}
        </Button>
      </div>
    </>
  );
}
