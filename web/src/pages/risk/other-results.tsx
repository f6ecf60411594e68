import { Stack, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Score } from '../../api-types.ts';
import { adaHighRisk, who5Category } from './risk-model.ts';

/** A short, plain summary of an ADA risk test or WHO-5 result (FINDRISC has a report of its own). */
export function OtherResult({ score }: { score: Score }) {
  const { t } = useTranslation();
  if (score.model === 'ada') {
    const high = adaHighRisk(score);
    return (
      <Stack gap={4} data-testid="result-ada">
        <Text fw={700}>{t('risk.other.adaScore', { score: score.score })}</Text>
        <Text>{high ? t('risk.other.adaHigh') : t('risk.other.adaNotHigh')}</Text>
      </Stack>
    );
  }
  if (score.model === 'who5') {
    return (
      <Stack gap={4} data-testid="result-who5">
        <Text fw={700}>{t('risk.other.who5Score', { score: score.score })}</Text>
        <Text>{t(`risk.other.who5.${who5Category(score)}`)}</Text>
      </Stack>
    );
  }
  return null;
}
