import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { QuestionnaireSummary } from '../../api-types.ts';

type Status = QuestionnaireSummary['status'];

/** Badge colours with dark text on a light background (at least 4.5:1). */
const STATUS_COLOR: Record<Status, string> = { draft: 'yellow', active: 'teal', retired: 'gray' };

/** Draft, in use or retired, as a badge; the word carries the meaning, the colour only helps. */
export function StatusBadge({ status, testId }: { status: Status; testId?: string }) {
  const { t } = useTranslation();
  return (
    <Badge
      color={STATUS_COLOR[status]}
      variant="light"
      c="dark.8"
      tt="none"
      // The whole word, never cut short: a narrow table column grows to fit it.
      styles={{ root: { flexShrink: 0 }, label: { overflow: 'visible' } }}
      data-testid={testId}
    >
      {t(`authoring.status.${status}`)}
    </Badge>
  );
}

/** The words for a version's source, scoring model and repeat interval, in the current language. */
export function useVersionWords() {
  const { t } = useTranslation();
  return {
    source: (version: Pick<QuestionnaireSummary, 'source'>): string =>
      t(`authoring.source.${version.source}`),
    scoring: (version: Pick<QuestionnaireSummary, 'scoring'>): string =>
      version.scoring ? t(`authoring.scoring.${version.scoring}`) : t('authoring.scoring.none'),
    /** A draft's interval is chosen when it is put in use. */
    repeat: (version: Pick<QuestionnaireSummary, 'repeatMonths' | 'status'>): string =>
      version.status === 'draft'
        ? t('authoring.repeat.draft')
        : version.repeatMonths === null
          ? t('authoring.repeat.once')
          : t('authoring.repeat.every', { count: version.repeatMonths }),
  };
}
