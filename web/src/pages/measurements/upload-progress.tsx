import { Group, Loader, Progress, Stack, Text, VisuallyHidden } from '@mantine/core';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';

/** Screen readers hear the progress in steps of this many percent, not at every byte. */
const ANNOUNCE_STEP = 10;

export type UploadPhase = { name: 'sending'; percent: number } | { name: 'processing' };

/**
 * While the file is sent: a bar with the percentage (aria-valuenow), and a polite live text in coarse steps.
 * After that the server reads the file, which takes a while for a large export: that is said in words, with
 * a spinner and a bar that moves without a number.
 */
export function UploadProgress({ phase, fileName }: { phase: UploadPhase; fileName: string }) {
  const { t } = useTranslation();
  const labelId = useId();
  if (phase.name === 'processing') {
    return (
      <Stack gap="xs" data-testid="import-processing">
        <Group gap="sm" wrap="nowrap">
          <Loader size="sm" aria-hidden="true" />
          <Text fw={600} role="status">
            {t('measurements.import.processing', { name: fileName })}
          </Text>
        </Group>
        <div aria-hidden="true">
          <Progress.Root size="lg">
            <Progress.Section value={100} animated withAria={false} />
          </Progress.Root>
        </div>
        <Text size="sm">{t('measurements.import.processingHint')}</Text>
      </Stack>
    );
  }
  const announced = Math.floor(phase.percent / ANNOUNCE_STEP) * ANNOUNCE_STEP;
  return (
    <Stack gap="xs" data-testid="import-progress">
      <Group justify="space-between" gap="sm">
        <Text fw={600} id={labelId}>
          {t('measurements.import.sending', { name: fileName })}
        </Text>
        <Text fw={600} aria-hidden="true" data-testid="import-percent">
          {t('measurements.import.percent', { percent: phase.percent })}
        </Text>
      </Group>
      <Progress.Root size="lg">
        <Progress.Section value={phase.percent} aria-labelledby={labelId} />
      </Progress.Root>
      <VisuallyHidden aria-live="polite">
        {t('measurements.import.percent', { percent: announced })}
      </VisuallyHidden>
    </Stack>
  );
}
