import { Button, CopyButton, Group, Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { SuccessNotice } from '../../components/notices.tsx';

function download(codes: string[], fileName: string): void {
  const url = URL.createObjectURL(new Blob([`${codes.join('\n')}\n`], { type: 'text/plain' }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** The ten recovery codes, shown once: copy, download, then confirm they are saved. */
export function RecoveryCodesPanel({ codes, onSaved }: { codes: string[]; onSaved: () => void }) {
  const { t } = useTranslation();
  return (
    <Stack>
      <SuccessNotice title={t('account.mfa.codesTitle')}>{t('account.mfa.codesText')}</SuccessNotice>
      <ul className="recovery-codes" data-testid="recovery-codes" aria-label={t('account.mfa.codesTitle')}>
        {codes.map((code) => (
          <li key={code}>{code}</li>
        ))}
      </ul>
      <Group>
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy}>
              {copied ? t('account.mfa.copied') : t('account.mfa.copy')}
            </Button>
          )}
        </CopyButton>
        <Button variant="default" onClick={() => download(codes, 'topfit-recovery-codes.txt')}>
          {t('account.mfa.download')}
        </Button>
      </Group>
      <Text>{t('account.mfa.codesConfirmHint')}</Text>
      <div>
        <Button onClick={onSaved} data-testid="recovery-codes-saved">
          {t('account.mfa.codesSaved')}
        </Button>
      </div>
    </Stack>
  );
}
