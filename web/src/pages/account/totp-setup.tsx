import { Button, Code, Image, List, Stack, Text, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { RecoveryCodes, TotpSetup as TotpSetupAnswer } from '../../api-types.ts';
import { FormAlert } from '../../components/notices.tsx';
import { errorMessage } from '../../form-errors.ts';
import { CodeForm } from './code-form.tsx';

/** Set up two factors: start, scan the QR code (or type the key), then confirm with a code. */
export function TotpSetup({ onConfirmed }: { onConfirmed: (codes: string[]) => void }) {
  const { t } = useTranslation();
  const start = useMutation({ mutationFn: () => api.post<TotpSetupAnswer>('/me/mfa/totp/setup') });

  if (!start.data) {
    return (
      <Stack>
        <Text>{t('account.mfa.offText')}</Text>
        <FormAlert message={start.isError ? errorMessage(start.error, t) : null} />
        <div>
          <Button onClick={() => start.mutate()} loading={start.isPending} data-testid="mfa-setup-start">
            {t('account.mfa.start')}
          </Button>
        </div>
      </Stack>
    );
  }

  const { qrSvg, secret } = start.data;
  return (
    <Stack>
      <Title order={3}>{t('account.mfa.stepsTitle')}</Title>
      <List type="ordered" spacing="xs">
        <List.Item>{t('account.mfa.step1')}</List.Item>
        <List.Item>{t('account.mfa.step2')}</List.Item>
        <List.Item>{t('account.mfa.step3')}</List.Item>
      </List>
      <Image
        className="qr-code"
        src={`data:image/svg+xml;utf8,${encodeURIComponent(qrSvg)}`}
        alt={t('account.mfa.qrAlt')}
        w={192}
        h={192}
      />
      <Text>
        {t('account.mfa.secretLabel')}{' '}
        <Code fz="md" data-testid="totp-secret">
          {secret}
        </Code>
      </Text>
      <CodeForm
        send={(code) => api.post<RecoveryCodes>('/me/mfa/totp/confirm', { code })}
        onDone={(answer) => onConfirmed(answer.recoveryCodes)}
        submitLabel={t('account.mfa.confirm')}
        testId="mfa-setup-code"
      />
    </Stack>
  );
}
