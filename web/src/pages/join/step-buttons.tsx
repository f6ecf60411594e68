import { Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

interface StepButtonsProps {
  onBack?: () => void;
  /** Submits this form (by id) instead of calling `onNext`. */
  form?: string;
  onNext?: () => void;
  nextLabel?: string;
  loading?: boolean;
}

/** Back and next, the same on every step; next comes last in reading order. */
export function StepButtons({ onBack, form, onNext, nextLabel, loading }: StepButtonsProps) {
  const { t } = useTranslation();
  return (
    <Group justify="space-between" gap="sm">
      {onBack ? (
        <Button variant="default" onClick={onBack} data-testid="join-back">
          {t('join.back')}
        </Button>
      ) : (
        <span />
      )}
      {(form || onNext) && (
        <Button
          type={form ? 'submit' : 'button'}
          form={form}
          onClick={form ? undefined : onNext}
          loading={loading}
          data-testid="join-next"
        >
          {nextLabel ?? t('join.next')}
        </Button>
      )}
    </Group>
  );
}
