import { Button, Group, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../form-errors.ts';
import { Dialog } from './dialog.tsx';
import { FormAlert } from './notices.tsx';

interface ConfirmButtonProps {
  /** The button's text (may hold visually hidden context). */
  children: ReactNode;
  /** The question in the dialog's title. */
  title: string;
  /** What will happen, in plain words. */
  text: string;
  confirmLabel: string;
  onConfirm: () => Promise<unknown>;
  onDone?: () => void;
  /** danger (default): a small red button, for removing and stopping · primary: the page's main action. */
  tone?: 'danger' | 'primary';
  testId?: string;
}

/**
 * A button that asks "are you sure?" in a dialog before it does something that cannot be undone: small
 * and red for removing or stopping something, or the page's main button for a step forward.
 */
export function ConfirmButton({
  children,
  title,
  text,
  confirmLabel,
  onConfirm,
  onDone,
  tone = 'danger',
  testId,
}: ConfirmButtonProps) {
  const { t } = useTranslation();
  const [opened, dialog] = useDisclosure(false);
  const action = useMutation({
    mutationFn: onConfirm,
    onSuccess: () => {
      dialog.close();
      onDone?.();
    },
  });
  return (
    <>
      {tone === 'danger' ? (
        <Button size="xs" variant="outline" color="red.9" onClick={dialog.open} data-testid={testId}>
          {children}
        </Button>
      ) : (
        <Button onClick={dialog.open} data-testid={testId}>
          {children}
        </Button>
      )}
      <Dialog opened={opened} onClose={dialog.close} title={title}>
        <Stack>
          <Text>{text}</Text>
          <FormAlert message={action.isError ? errorMessage(action.error, t) : null} />
          <Group justify="flex-end">
            <Button variant="default" onClick={dialog.close}>
              {t('common.cancel')}
            </Button>
            <Button
              color={tone === 'danger' ? 'red.9' : undefined}
              loading={action.isPending}
              onClick={() => action.mutate()}
              data-testid={testId ? `${testId}-confirm` : undefined}
            >
              {confirmLabel}
            </Button>
          </Group>
        </Stack>
      </Dialog>
    </>
  );
}
