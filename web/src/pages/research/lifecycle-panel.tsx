import { Box, Button, Group, List, Stack, Text } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { Me } from '../../api-types.ts';
import { Dialog } from '../../components/dialog.tsx';
import { FormAlert, InfoNotice, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { errorMessage } from '../../form-errors.ts';
import { hasRole } from '../../hooks/use-me.ts';
import { useDates } from '../consent/consent-queries.ts';
import {
  NEXT_STATUS,
  type ResearchStudy,
  researchKeys,
  STUDY_STATUSES,
  type StudyStatus,
} from './research-api.ts';

/** A status a study can move to (every one but the first). */
type NextStatus = Exclude<StudyStatus, 'draft'>;
const isNext = (status: StudyStatus | null): status is NextStatus => status !== null && status !== 'draft';

/** A step forward of the lifecycle, after a dialog that says what it means. */
export function AdvanceButton({
  study,
  to,
  onDone,
}: {
  study: ResearchStudy;
  to: NextStatus;
  onDone?: (study: ResearchStudy) => void;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [opened, dialog] = useDisclosure(false);
  const advance = useMutation({
    mutationFn: () => api.post<ResearchStudy>(`/research/studies/${study.id}/status`, { to }),
    onSuccess: (changed) => {
      dialog.close();
      queryClient.setQueryData(researchKeys.study(changed.id), changed);
      void queryClient.invalidateQueries({ queryKey: researchKeys.studies, exact: true });
      onDone?.(changed);
    },
  });
  const open = () => {
    advance.reset();
    dialog.open();
  };
  return (
    <>
      <Button onClick={open} data-testid={`advance-${to}`}>
        {t(`research.editor.lifecycle.to.${to}.button`)}
      </Button>
      <Dialog opened={opened} onClose={dialog.close} title={t(`research.editor.lifecycle.to.${to}.title`)}>
        <Stack>
          <Text>{t(`research.editor.lifecycle.to.${to}.text`)}</Text>
          <FormAlert
            message={
              advance.isError
                ? errorMessage(advance.error, t, {
                    conflict: t(
                      to === 'approved'
                        ? 'research.editor.lifecycle.conflictApproval'
                        : 'research.editor.lifecycle.conflict',
                    ),
                    forbidden: t('research.editor.lifecycle.forbidden'),
                  })
                : null
            }
          />
          <Group justify="flex-end">
            <Button variant="default" onClick={dialog.close}>
              {t('common.cancel')}
            </Button>
            <Button
              loading={advance.isPending}
              onClick={() => advance.mutate()}
              data-testid={`advance-${to}-confirm`}
            >
              {t(`research.editor.lifecycle.to.${to}.confirm`)}
            </Button>
          </Group>
        </Stack>
      </Dialog>
    </>
  );
}

/** The five statuses in order, each said as done, now or still to come (not by colour alone). */
function StatusSteps({ status }: { status: StudyStatus }) {
  const { t } = useTranslation();
  const current = STUDY_STATUSES.indexOf(status);
  return (
    <List
      type="ordered"
      spacing={4}
      aria-label={t('research.editor.lifecycle.stepsLabel')}
      data-testid="lifecycle-steps"
    >
      {STUDY_STATUSES.map((step, index) => {
        const when = index < current ? 'done' : index === current ? 'now' : 'later';
        return (
          <List.Item key={step} aria-current={when === 'now' ? 'step' : undefined}>
            <Text span fw={when === 'now' ? 700 : 400}>
              {t(`research.studyStatus.${step}`)}
            </Text>
            {when !== 'later' && (
              <Text span size="sm" c={when === 'now' ? 'blue.9' : 'dark.6'}>
                {' — '}
                {t(`research.editor.lifecycle.${when}`)}
              </Text>
            )}
          </List.Item>
        );
      })}
    </List>
  );
}

/**
 * The study's lifecycle: where it stands, what comes next and who takes that step. The principal investigator
 * opens recruitment, closes it and completes the study; a data steward approves a draft once its ethics decision
 * is recorded. The server decides; a refusal is said in the dialog.
 */
export function LifecyclePanel({ study, me }: { study: ResearchStudy; me: Me }) {
  const { t } = useTranslation();
  const { date } = useDates();
  const [moved, setMoved] = useState<StudyStatus | null>(null);
  const next = NEXT_STATUS[study.status];
  const isPi = study.team.some(
    (member) => member.accountId === me.account.id && member.role === 'principal_investigator',
  );
  const isSteward = hasRole(me, 'data_steward');
  const mayAdvance = next === 'approved' ? isSteward && study.ethics !== null : next !== null && isPi;

  let explanation: string;
  if (study.status === 'draft') {
    explanation = study.ethics
      ? t('research.editor.lifecycle.explain.draftReady')
      : t('research.editor.lifecycle.explain.draftNoEthics');
  } else {
    explanation = t(`research.editor.lifecycle.explain.${study.status}`, {
      date: study.approvedAt ? date(study.approvedAt) : '',
    });
  }

  return (
    <Section id="lifecycle" title={t('research.editor.lifecycle.title')}>
      <StatusSteps status={study.status} />
      <Text data-testid="lifecycle-explanation">{explanation}</Text>
      {moved && (
        <SuccessNotice>
          {t('research.editor.lifecycle.moved', { status: t(`research.studyStatus.${moved}`) })}
        </SuccessNotice>
      )}
      {isNext(next) && mayAdvance && (
        <Box>
          <AdvanceButton study={study} to={next} onDone={(changed) => setMoved(changed.status)} />
        </Box>
      )}
      {next && !mayAdvance && next !== 'approved' && (
        <InfoNotice>{t('research.editor.lifecycle.onlyPi')}</InfoNotice>
      )}
    </Section>
  );
}
