import { Badge, Group, Stack, Text, Title } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { isStaffRole, type Me, type RecoveryCodes } from '../../api-types.ts';
import { Section } from '../../components/section.tsx';
import { meKey } from '../../hooks/use-me.ts';
import { CodeForm } from './code-form.tsx';
import { RecoveryCodesPanel } from './recovery-codes-panel.tsx';
import { TotpSetup } from './totp-setup.tsx';

/** Two-factor sign-in: set up, new recovery codes, and (for non-staff) turning it off. */
export function MfaSection({ me }: { me: Me }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [codes, setCodes] = useState<string[] | null>(null);
  const staff = me.roles.some((membership) => isStaffRole(membership.role));
  const refreshMe = () => queryClient.invalidateQueries({ queryKey: meKey });

  const status = (
    <Group gap="sm">
      <Text fw={600}>{t('account.mfa.status')}</Text>
      <Badge color={me.account.mfaEnabled ? 'teal' : 'gray'} variant="light" c="dark.7">
        {me.account.mfaEnabled ? t('account.mfa.on') : t('account.mfa.off')}
      </Badge>
    </Group>
  );

  let body: ReactNode;
  if (codes) {
    body = <RecoveryCodesPanel codes={codes} onSaved={() => setCodes(null)} />;
  } else if (!me.account.mfaEnabled) {
    body = (
      <TotpSetup
        onConfirmed={(recoveryCodes) => {
          setCodes(recoveryCodes);
          void refreshMe();
        }}
      />
    );
  } else {
    body = (
      <Stack gap="xl">
        <Stack>
          <Title order={3}>{t('account.mfa.regenerateTitle')}</Title>
          <Text>{t('account.mfa.regenerateText')}</Text>
          <CodeForm
            send={(code) => api.post<RecoveryCodes>('/me/mfa/recovery-codes', { code })}
            onDone={(answer) => setCodes(answer.recoveryCodes)}
            submitLabel={t('account.mfa.regenerate')}
          />
        </Stack>
        <Stack>
          <Title order={3}>{t('account.mfa.disableTitle')}</Title>
          {staff ? (
            <Text>{t('account.mfa.staffCannotDisable')}</Text>
          ) : (
            <>
              <Text>{t('account.mfa.disableText')}</Text>
              <CodeForm
                send={(code) => api.delete('/me/mfa/totp', { code })}
                onDone={() => void refreshMe()}
                submitLabel={t('account.mfa.disable')}
                submitColor="red.9"
              />
            </>
          )}
        </Stack>
      </Stack>
    );
  }

  return (
    <Section id="two-factor" title={t('account.mfa.title')}>
      <Text>{t('account.mfa.intro')}</Text>
      {status}
      {body}
    </Section>
  );
}
