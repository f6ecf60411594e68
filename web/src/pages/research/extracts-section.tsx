import {
  Anchor,
  Button,
  CopyButton,
  Group,
  Progress,
  Stack,
  Table,
  Text,
  VisuallyHidden,
} from '@mantine/core';
import { type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';
import { DataTable } from '../../components/data-table.tsx';
import { ItemCard } from '../../components/item-card.tsx';
import { Loading, QueryError } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { useDates } from '../consent/consent-queries.ts';
import {
  type DataRequest,
  type Extract,
  fileUrl,
  isBusy,
  type ManifestFile,
  useBytes,
  useStudyExtracts,
} from './research-api.ts';
import { ConditionsNotice, ExtractStatusBadge, PeriodText } from './research-parts.tsx';

/** How many characters of a SHA-256 are shown; the whole value is read out and can be copied. */
const SHORT_SHA = 12;

/** A SHA-256: its start on screen, the whole for screen readers and a button that copies it. */
function Sha256({ value, fileName }: { value: string; fileName: string }) {
  const { t } = useTranslation();
  return (
    <Group gap="xs" wrap="nowrap">
      <Text span ff="monospace" size="sm" title={value} aria-hidden="true">
        {value.slice(0, SHORT_SHA)}…
      </Text>
      <VisuallyHidden>{value}</VisuallyHidden>
      <CopyButton value={value}>
        {({ copied, copy }) => (
          <Button size="compact-xs" variant="default" onClick={copy}>
            {copied ? t('research.extracts.copied') : t('research.extracts.copy')}
            <VisuallyHidden>{t('research.extracts.copyWhat', { name: fileName })}</VisuallyHidden>
          </Button>
        )}
      </CopyButton>
    </Group>
  );
}

/** The files of a ready extract: each to download, with its size, rows and checksum; and the manifest. */
function ExtractFiles({ extract, files }: { extract: Extract; files: ManifestFile[] }) {
  const { t, i18n } = useTranslation();
  const bytes = useBytes();
  const number = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL');
  return (
    <Stack gap="xs">
      <DataTable
        caption={t('research.extracts.files')}
        head={[
          t('research.extracts.columns.file'),
          t('research.extracts.columns.size'),
          t('research.extracts.columns.rows'),
          t('research.extracts.columns.sha256'),
        ]}
        minWidth={640}
      >
        {files.map((file) => (
          <Table.Tr key={file.name} data-testid="extract-file">
            <Table.Td>
              <Anchor href={fileUrl(extract.id, file.name)} download={file.name} ff="monospace">
                {file.name}
              </Anchor>
            </Table.Td>
            <Table.Td>{bytes(file.bytes)}</Table.Td>
            <Table.Td>{file.rows === undefined ? '–' : number.format(file.rows)}</Table.Td>
            <Table.Td>
              <Sha256 value={file.sha256} fileName={file.name} />
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
      <Text size="sm">
        {t('research.extracts.manifestText')}{' '}
        <Anchor href={fileUrl(extract.id, 'manifest.json')} download="manifest.json" ff="monospace">
          manifest.json
        </Anchor>
      </Text>
    </Stack>
  );
}

/** What the live region says about an extract: its status and, while it is written, how far it is. */
function useProgressSentence() {
  const { t } = useTranslation();
  return (extract: Extract): string => {
    switch (extract.status) {
      case 'queued':
        return t('research.extracts.queued');
      case 'running':
        return t('research.extracts.running', {
          done: extract.progress.done,
          total: extract.progress.total,
        });
      case 'ready':
        return t('research.extracts.readyCount', { count: extract.participants ?? 0 });
      case 'failed':
        return t('research.extracts.failed');
      default:
        return t('research.extracts.expired');
    }
  };
}

/** One extract: status, progress while it is written, and when ready its participants, expiry and files. */
function ExtractCard({ extract, request }: { extract: Extract; request: DataRequest | undefined }) {
  const { t } = useTranslation();
  const { date, dateTime } = useDates();
  const progressId = useId();
  const sentence = useProgressSentence()(extract);
  const { done, total } = extract.progress;
  const percent = total > 0 ? Math.round((done / total) * 100) : 0;
  const conditions = extract.manifest?.conditions ?? request?.conditions ?? null;
  return (
    <ItemCard
      title={t('research.extracts.heading', { date: dateTime(extract.createdAt) })}
      badge={<ExtractStatusBadge status={extract.status} />}
      testId="extract"
    >
      {request && (
        <Text size="sm">
          {t('research.extracts.ofRequest', { date: date(request.createdAt) })}{' '}
          <PeriodText period={request.period} />
        </Text>
      )}
      {/* Always in the page, so that each change of status or progress is announced (politely). */}
      <VisuallyHidden aria-live="polite" aria-atomic="true" data-testid="extract-live">
        {sentence}
      </VisuallyHidden>
      {isBusy(extract) && (
        <Stack gap={4} data-testid="extract-progress">
          <Text id={progressId} fw={600} aria-hidden="true">
            {sentence}
          </Text>
          <Progress.Root size="lg">
            <Progress.Section
              value={extract.status === 'queued' ? 0 : percent}
              animated
              aria-labelledby={progressId}
              aria-valuetext={sentence}
            />
          </Progress.Root>
        </Stack>
      )}
      {extract.status === 'failed' && (
        <Text c="red.8" data-testid="extract-error">
          {t('research.extracts.failedText')}
        </Text>
      )}
      {extract.status === 'expired' && <Text>{t('research.extracts.expiredText')}</Text>}
      {extract.status === 'ready' && (
        <>
          <Text data-testid="extract-participants">
            {t('research.extracts.participants', { count: extract.participants ?? 0 })}
            {extract.expiresAt && ` ${t('research.extracts.until', { date: dateTime(extract.expiresAt) })}`}
          </Text>
          {conditions && <ConditionsNotice conditions={conditions} />}
          {extract.manifest && <ExtractFiles extract={extract} files={extract.manifest.files} />}
        </>
      )}
    </ItemCard>
  );
}

/** The study's extracts, newest first, asked for again every 2 s while one is being written. */
export function ExtractsSection({ studyId, requests }: { studyId: string; requests: DataRequest[] }) {
  const { t } = useTranslation();
  const extracts = useStudyExtracts(studyId);
  let content: ReactNode;
  if (extracts.isPending) content = <Loading />;
  else if (extracts.isError) content = <QueryError error={extracts.error} />;
  else if (extracts.data.length === 0) content = <Text>{t('research.extracts.none')}</Text>;
  else {
    content = extracts.data.map((extract) => (
      <ExtractCard
        key={extract.id}
        extract={extract}
        request={requests.find((request) => request.id === extract.requestId)}
      />
    ));
  }
  return (
    <Section id="extracts" title={t('research.extracts.title')}>
      <Text>{t('research.extracts.intro')}</Text>
      {content}
    </Section>
  );
}
