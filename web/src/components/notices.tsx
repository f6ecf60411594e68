import { Alert, Loader, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { errorMessage } from '../form-errors.ts';

/** A form-level error, announced to screen readers. Renders nothing without a message. */
export function FormAlert({ message }: { message: string | null | undefined }) {
  const { t } = useTranslation();
  if (!message) return null;
  return (
    <Alert color="red" title={t('common.errorTitle')} role="alert">
      {message}
    </Alert>
  );
}

/** A good outcome (mail sent, saved), announced politely. */
export function SuccessNotice({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <Alert color="teal" title={title} role="status">
      {children}
    </Alert>
  );
}

/** Plain information on a page. */
export function InfoNotice({ title, children }: { title?: string; children: ReactNode }) {
  return (
    <Alert color="blue" title={title} role="note">
      {children}
    </Alert>
  );
}

/** A failed load, translated from the problem's code. */
export function QueryError({ error }: { error: unknown }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" title={t('common.loadFailed')} role="alert">
      {errorMessage(error, t)}
    </Alert>
  );
}

/** Shown while data loads. */
export function Loading({ label }: { label?: string }) {
  const { t } = useTranslation();
  return (
    <Stack align="center" py="xl" role="status">
      <Loader aria-hidden="true" />
      <Text>{label ?? t('common.loading')}</Text>
    </Stack>
  );
}
