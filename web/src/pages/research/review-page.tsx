import { Button, Group, Stack, Text, Textarea } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { Dialog } from '../../components/dialog.tsx';
import { ItemCard } from '../../components/item-card.tsx';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useDates } from '../consent/consent-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import {
  type CatalogueDataset,
  type DataRequest,
  type QueuedRequest,
  researchKeys,
  useCatalogue,
  useReviewQueue,
} from './research-api.ts';
import { PeriodText, RequestedData } from './research-parts.tsx';

type Verdict = 'approved' | 'rejected';

/**
 * Approve or reject, in a dialog that asks for the conditions of use (optional) or the reason (required),
 * says what will happen, and confirms.
 */
function DecisionButton({
  request,
  verdict,
  onDecided,
}: {
  request: QueuedRequest;
  verdict: Verdict;
  onDecided: (verdict: Verdict) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [opened, dialog] = useDisclosure(false);
  const [text, setText] = useState('');
  const [error, setError] = useState<string | undefined>();
  const approve = verdict === 'approved';
  const decide = useMutation({
    mutationFn: () =>
      api.post<DataRequest>(`/research/data-requests/${request.id}/decision`, {
        status: verdict,
        ...(text.trim() ? { [approve ? 'conditions' : 'note']: text.trim() } : {}),
      }),
    onSuccess: () => {
      dialog.close();
      onDecided(verdict);
    },
  });
  const confirm = () => {
    if (!approve && !text.trim()) {
      setError(t('research.review.noteRequired'));
      return;
    }
    decide.mutate();
  };
  const title = request.studyTitle[locale];
  return (
    <>
      <Button
        variant={approve ? 'filled' : 'outline'}
        color={approve ? undefined : 'red.9'}
        onClick={dialog.open}
        data-testid={approve ? 'approve' : 'reject'}
      >
        {approve ? t('research.review.approve') : t('research.review.reject')}
      </Button>
      <Dialog
        opened={opened}
        onClose={dialog.close}
        title={approve ? t('research.review.approveTitle') : t('research.review.rejectTitle')}
      >
        <Stack>
          <Text>
            {approve
              ? t('research.review.approveText', { study: title })
              : t('research.review.rejectText', { study: title })}
          </Text>
          <Textarea
            label={approve ? t('research.review.conditions') : t('research.review.note')}
            description={approve ? t('research.review.conditionsHint') : t('research.review.noteHint')}
            required={!approve}
            autosize
            minRows={3}
            maxLength={4000}
            value={text}
            error={error}
            onChange={(event) => {
              setText(event.currentTarget.value);
              setError(undefined);
            }}
            data-testid="decision-text"
          />
          <FormAlert message={decide.isError ? errorMessage(decide.error, t) : null} />
          <Group justify="flex-end">
            <Button variant="default" onClick={dialog.close}>
              {t('common.cancel')}
            </Button>
            <Button
              color={approve ? undefined : 'red.9'}
              loading={decide.isPending}
              onClick={confirm}
              data-testid="decision-confirm"
            >
              {approve ? t('research.review.approveConfirm') : t('research.review.rejectConfirm')}
            </Button>
          </Group>
        </Stack>
      </Dialog>
    </>
  );
}

/** A request waiting for a decision: whose study, what it asks for, for when and why. */
function QueuedRequestCard({
  request,
  catalogue,
  onDecided,
}: {
  request: QueuedRequest;
  catalogue: CatalogueDataset[];
  onDecided: (verdict: Verdict, request: QueuedRequest) => void;
}) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { dateTime } = useDates();
  return (
    <ItemCard title={request.studyTitle[locale]} level={2} testId="queued-request">
      <Text size="sm">{t('research.review.asked', { date: dateTime(request.createdAt) })}</Text>
      <Stack component="dl" gap="xs" m={0}>
        <div>
          <Text component="dt" fw={600} size="sm">
            {t('research.datasets')}
          </Text>
          <Text component="dd" m={0}>
            <RequestedData datasets={request.datasets} catalogue={catalogue} />
          </Text>
        </div>
        <div>
          <Text component="dt" fw={600} size="sm">
            {t('research.period')}
          </Text>
          <Text component="dd" m={0}>
            <PeriodText period={request.period} />
          </Text>
        </div>
        <div>
          <Text component="dt" fw={600} size="sm">
            {t('research.purpose')}
          </Text>
          <Text component="dd" m={0} style={{ whiteSpace: 'pre-wrap' }}>
            {request.purpose}
          </Text>
        </div>
      </Stack>
      <Group gap="sm">
        <DecisionButton
          request={request}
          verdict="approved"
          onDecided={(verdict) => onDecided(verdict, request)}
        />
        <DecisionButton
          request={request}
          verdict="rejected"
          onDecided={(verdict) => onDecided(verdict, request)}
        />
      </Group>
    </ItemCard>
  );
}

/** /research/review — the data steward's queue of data requests, oldest first: approve with conditions, or reject. */
export function ReviewPage() {
  const { t } = useTranslation();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const queue = useReviewQueue();
  const catalogue = useCatalogue();
  const [decided, setDecided] = useState<string | null>(null);
  const noticeRef = useRef<HTMLDivElement>(null);
  // The decided request leaves the queue with its buttons: focus moves to what was done, not to nowhere.
  useEffect(() => {
    if (decided) noticeRef.current?.focus();
  }, [decided]);

  const onDecided = (verdict: Verdict, request: QueuedRequest) => {
    setDecided(
      verdict === 'approved'
        ? t('research.review.approvedNotice', { study: request.studyTitle[locale] })
        : t('research.review.rejectedNotice', { study: request.studyTitle[locale] }),
    );
    void queryClient.invalidateQueries({ queryKey: researchKeys.queue });
  };

  let content: ReactNode;
  if (queue.isPending || catalogue.isPending) content = <Loading />;
  else if (queue.isError) content = <QueryError error={queue.error} />;
  else if (catalogue.isError) content = <QueryError error={catalogue.error} />;
  else if (queue.data.length === 0) content = <InfoNotice>{t('research.review.empty')}</InfoNotice>;
  else {
    content = queue.data.map((request) => (
      <QueuedRequestCard
        key={request.id}
        request={request}
        catalogue={catalogue.data}
        onDecided={onDecided}
      />
    ));
  }
  return (
    <Page title={t('research.review.title')} size="lg">
      <Text>{t('research.review.intro')}</Text>
      <div ref={noticeRef} tabIndex={-1} style={{ outline: 'none' }}>
        {decided && <SuccessNotice>{decided}</SuccessNotice>}
      </div>
      {content}
    </Page>
  );
}
