import { Anchor, Button, Checkbox, List, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import type { LeaveAnswer, LeaveMode } from '../../api-types.ts';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { errorMessage } from '../../form-errors.ts';
import { consentKey } from '../consent/consent-queries.ts';
import { ChoiceFieldset } from '../profile/profile-fields.tsx';
import { useMyProfile } from '../profile/profile-queries.ts';

/** The two ways to leave, explained in plain words before the choice. */
function Explanation() {
  const { t } = useTranslation();
  return (
    <Stack gap="md">
      <Section id="leave-stop" title={t('leave.stop.title')}>
        <List spacing="xs">
          <List.Item>{t('leave.stop.point1')}</List.Item>
          <List.Item>{t('leave.stop.point2')}</List.Item>
          <List.Item>{t('leave.stop.point3')}</List.Item>
        </List>
      </Section>
      <Section id="leave-erase" title={t('leave.erase.title')}>
        <List spacing="xs">
          <List.Item>{t('leave.erase.point1')}</List.Item>
          <List.Item>{t('leave.erase.point2')}</List.Item>
          <List.Item>{t('leave.erase.point3')}</List.Item>
          <List.Item>{t('leave.erase.point4')}</List.Item>
        </List>
        <Text>
          {t('leave.erase.downloadFirst')}{' '}
          <Anchor href="/api/v1/me/data-export" download data-testid="leave-data-export">
            {t('profile.download.link')}
          </Anchor>
        </Text>
      </Section>
    </Stack>
  );
}

/** The choice, the confirmation and POST /me/leave. */
function LeaveForm() {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<LeaveMode | ''>('');
  const [confirmed, setConfirmed] = useState(false);
  const [modeError, setModeError] = useState<string | undefined>();
  const [confirmError, setConfirmError] = useState<string | undefined>();

  const leave = useMutation({
    mutationFn: (chosen: LeaveMode) => api.post<LeaveAnswer>('/me/leave', { mode: chosen, confirm: true }),
    onSuccess: async (answer) => {
      if (answer.mode === 'erase') {
        // The server ended every session already: a full page load drops the cached /me and all answers.
        window.location.assign('/left');
        return;
      }
      await queryClient.invalidateQueries({ queryKey: consentKey });
    },
  });

  if (leave.data?.mode === 'stop') {
    return (
      <Stack data-testid="leave-stopped">
        <SuccessNotice title={t('leave.stopped.title')}>{t('leave.stopped.text')}</SuccessNotice>
        <Text>
          <Anchor component={Link} to="/consent">
            {t('leave.stopped.consentLink')}
          </Anchor>
        </Text>
      </Stack>
    );
  }

  return (
    <Section id="leave-choose" title={t('leave.chooseTitle')}>
      <form
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          const noMode = mode === '' ? t('leave.chooseError') : undefined;
          const noConfirm = confirmed ? undefined : t('leave.confirmError');
          setModeError(noMode);
          setConfirmError(noConfirm);
          if (mode === '' || !confirmed) return;
          leave.mutate(mode);
        }}
      >
        <Stack gap="lg">
          <ChoiceFieldset
            legend={t('leave.chooseLegend')}
            name="mode"
            value={mode}
            error={modeError}
            testId="leave-mode"
            options={[
              { value: 'stop', label: t('leave.stop.title') },
              { value: 'erase', label: t('leave.erase.title') },
            ]}
            onChange={(value) => {
              setMode(value === 'erase' ? 'erase' : 'stop');
              setConfirmed(false);
              setModeError(undefined);
            }}
          />
          {mode !== '' && (
            <Checkbox
              required
              checked={confirmed}
              onChange={(event) => {
                setConfirmed(event.currentTarget.checked);
                setConfirmError(undefined);
              }}
              label={mode === 'erase' ? t('leave.confirmErase') : t('leave.confirmStop')}
              error={confirmError}
              data-testid="leave-confirm"
            />
          )}
          <FormAlert message={leave.isError ? errorMessage(leave.error, t) : null} />
          <div>
            <Button
              type="submit"
              color={mode === 'erase' ? 'red.9' : undefined}
              loading={leave.isPending}
              data-testid="leave-submit"
            >
              {mode === 'erase' ? t('leave.submitErase') : t('leave.submitStop')}
            </Button>
          </div>
        </Stack>
      </form>
    </Section>
  );
}

/** /leave: a member stops taking part — no further use, or erase everything (GDPR art. 17 and 21). */
export function LeavePage() {
  const { t } = useTranslation();
  const profile = useMyProfile();
  let content: ReactNode;
  if (profile.isPending) content = <Loading />;
  else if (profile.isError) content = <QueryError error={profile.error} />;
  else if (!profile.data) content = <InfoNotice>{t('profile.notJoined')}</InfoNotice>;
  else {
    content = (
      <>
        <Explanation />
        <LeaveForm />
      </>
    );
  }
  return (
    <Page title={t('leave.title')} size="sm">
      <Text size="lg">{t('leave.intro')}</Text>
      {content}
    </Page>
  );
}
