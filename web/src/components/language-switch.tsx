import { Group, SegmentedControl, Text } from '@mantine/core';
import { notifications } from '@mantine/notifications';
import { useQueryClient } from '@tanstack/react-query';
import { useId } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api.ts';
import { isLocale, type Me } from '../api-types.ts';
import { errorMessage } from '../form-errors.ts';
import { meKey, useMe } from '../hooks/use-me.ts';
import { applyLocale, currentLocale } from '../i18n/index.ts';

/** NL/EN in the header: remembered in this browser, and saved to the account when signed in. */
export function LanguageSwitch() {
  const { t } = useTranslation();
  const me = useMe();
  const queryClient = useQueryClient();
  const labelId = useId();

  const change = async (value: string) => {
    if (!isLocale(value)) return;
    await applyLocale(value);
    if (!me.data) return;
    try {
      queryClient.setQueryData(meKey, await api.patch<Me>('/me', { locale: value }));
    } catch (error) {
      notifications.show({
        color: 'red',
        title: t('language.saveFailed'),
        message: errorMessage(error, t),
        closeButtonProps: { 'aria-label': t('common.close') },
      });
    }
  };

  return (
    <Group gap="xs" wrap="nowrap">
      <Text component="span" id={labelId} size="sm" fw={600} className="language-label">
        {t('language.label')}
      </Text>
      <SegmentedControl
        aria-labelledby={labelId}
        data-testid="language-switch"
        size="xs"
        value={currentLocale()}
        onChange={(value) => void change(value)}
        data={[
          { value: 'nl', label: 'NL' },
          { value: 'en', label: 'EN' },
        ]}
      />
    </Group>
  );
}
