import { Anchor, List, NumberInput, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, isApiError } from '../../api.ts';
import type { QuestionnaireDetail } from '../../api-types.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { useDates } from '../consent/consent-queries.ts';
import { QuestionnaireForm } from '../questionnaires/questionnaire-form.tsx';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import {
  questionnaireFhirUrl,
  refreshQuestionnaires,
  useAllVersions,
  useVersion,
} from './authoring-queries.ts';
import { FhirJsonForm } from './fhir-json-form.tsx';
import { StatusBadge, useVersionWords } from './version-words.tsx';

const versionPath = (id: string, action = '') =>
  `/questionnaires/${encodeURIComponent(id)}${action ? `/${action}` : ''}`;

/** What this version is: status, names, source, scoring and its dates, as a description list. */
function Facts({ record }: { record: QuestionnaireDetail }) {
  const { t } = useTranslation();
  const dates = useDates();
  const words = useVersionWords();
  const facts: [string, ReactNode][] = [
    [
      t('authoring.fields.status'),
      <StatusBadge key="status" status={record.status} testId="version-status" />,
    ],
    [t('authoring.fields.version'), record.version],
    [t('authoring.fields.name'), record.name ?? '–'],
    [t('authoring.fields.url'), record.url],
    [t('authoring.fields.source'), words.source(record)],
    [t('authoring.fields.scoring'), words.scoring(record)],
    [t('authoring.fields.repeat'), words.repeat(record)],
    [t('authoring.fields.created'), dates.dateTime(record.createdAt)],
    ...(record.activatedAt
      ? [[t('authoring.fields.activated'), dates.dateTime(record.activatedAt)] as [string, ReactNode]]
      : []),
    ...(record.retiredAt
      ? [[t('authoring.fields.retired'), dates.dateTime(record.retiredAt)] as [string, ReactNode]]
      : []),
  ];
  return (
    <dl className="facts" data-testid="version-facts">
      {facts.map(([term, value]) => (
        <div key={term}>
          <dt>{term}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** Put a draft (or a retired version) in use, asked once or again every so many months. */
function Activate({
  record,
  onDone,
}: {
  record: QuestionnaireDetail;
  onDone: (record: QuestionnaireDetail) => void;
}) {
  const { t } = useTranslation();
  const versions = useAllVersions();
  const [months, setMonths] = useState<number | string>('');
  const repeatMonths = typeof months === 'number' ? months : null;
  const inUse = versions.data?.find(
    (v) => v.url === record.url && v.status === 'active' && v.id !== record.id,
  );
  const text = [
    t('authoring.activate.confirmText', { version: record.version }),
    repeatMonths === null
      ? t('authoring.activate.confirmOnce')
      : t('authoring.activate.confirmRepeat', { count: repeatMonths }),
    inUse ? t('authoring.activate.confirmReplaces', { version: inUse.version }) : '',
    t('authoring.activate.confirmFrozen'),
  ]
    .filter(Boolean)
    .join(' ');
  return (
    <Stack align="flex-start">
      <NumberInput
        label={t('authoring.activate.months')}
        description={t('authoring.activate.monthsHint')}
        value={months}
        onChange={setMonths}
        min={1}
        max={120}
        allowDecimal={false}
        allowNegative={false}
        clampBehavior="strict"
        hideControls
        inputMode="numeric"
        w="100%"
        styles={{ wrapper: { maxWidth: '10rem' } }}
        data-testid="activate-months"
      />
      <ConfirmButton
        tone="primary"
        title={t('authoring.activate.confirmTitle', { version: record.version })}
        text={text}
        confirmLabel={t('authoring.activate.confirm')}
        onConfirm={async () =>
          onDone(await api.post<QuestionnaireDetail>(versionPath(record.id, 'activate'), { repeatMonths }))
        }
        testId="activate"
      >
        {record.status === 'retired' ? t('authoring.activate.again') : t('authoring.activate.submit')}
      </ConfirmButton>
    </Stack>
  );
}

/** In use or not: put a version in use, or stop using it. */
function UseSection({
  record,
  onDone,
}: {
  record: QuestionnaireDetail;
  onDone: (record: QuestionnaireDetail) => void;
}) {
  const { t } = useTranslation();
  const dates = useDates();
  let content: ReactNode;
  if (record.status === 'active') {
    content = (
      <>
        <Text>
          {t('authoring.use.active', { date: dates.date(record.activatedAt ?? record.createdAt) })}{' '}
          {record.repeatMonths === null
            ? t('authoring.use.once')
            : t('authoring.use.repeat', { count: record.repeatMonths })}
        </Text>
        <div>
          <ConfirmButton
            title={t('authoring.retire.confirmTitle', { version: record.version })}
            text={t('authoring.retire.confirmText')}
            confirmLabel={t('authoring.retire.confirm')}
            onConfirm={async () =>
              onDone(await api.post<QuestionnaireDetail>(versionPath(record.id, 'retire')))
            }
            testId="retire"
          >
            {t('authoring.retire.submit')}
          </ConfirmButton>
        </div>
      </>
    );
  } else {
    content = (
      <>
        <Text>
          {record.status === 'draft'
            ? t('authoring.use.draft')
            : t('authoring.use.retired', { date: dates.date(record.retiredAt ?? record.createdAt) })}
        </Text>
        <Activate record={record} onDone={onDone} />
      </>
    );
  }
  return (
    <Section id="use" title={t('authoring.use.title')}>
      {content}
    </Section>
  );
}

/** A change is always a new version: download this one, change the file, import it. */
function NewVersion({ record }: { record: QuestionnaireDetail }) {
  const { t } = useTranslation();
  return (
    <Section id="new-version" title={t('authoring.newVersion.title')}>
      <Text>{t('authoring.newVersion.intro')}</Text>
      <List type="ordered" spacing="xs">
        <List.Item>
          <Anchor href={questionnaireFhirUrl(record.id)} download fw={600} data-testid="version-download">
            {t('authoring.newVersion.download', { version: record.version })}
          </Anchor>
        </List.Item>
        <List.Item>{t('authoring.newVersion.change')}</List.Item>
        <List.Item>
          {t('authoring.newVersion.import')}{' '}
          <Anchor component={Link} to="/author/questionnaires#import">
            {t('authoring.newVersion.toImport')}
          </Anchor>
        </List.Item>
      </List>
      <Text>{t('authoring.newVersion.redcap')}</Text>
    </Section>
  );
}

/** A draft may still be replaced as a whole; what is in use or retired never changes. */
function ReplaceDraft({
  record,
  onDone,
}: {
  record: QuestionnaireDetail;
  onDone: (record: QuestionnaireDetail) => void;
}) {
  const { t } = useTranslation();
  return (
    <Section id="replace" title={t('authoring.replace.title')}>
      <Text>{t('authoring.replace.intro')}</Text>
      <FhirJsonForm
        send={(json) => api.put<QuestionnaireDetail>(versionPath(record.id), json)}
        submitLabel={t('authoring.replace.submit')}
        onDone={onDone}
        testId="fhir-replace"
      />
    </Section>
  );
}

type Outcome = 'activated' | 'retired' | 'replaced';

/** /author/questionnaires/:id — one version: what it is, a preview, putting it in use or stopping it. */
export function AuthoringDetailPage() {
  const { id = '' } = useParams();
  // Another version starts with a clean page: no notice or preview answers of the one before.
  return <VersionPage key={id} id={id} />;
}

/** No such version: an unknown id (404), or one that is not even an id (its only input refused, 422). */
const isMissing = (error: unknown): boolean =>
  isApiError(error) && (error.status === 404 || error.code === 'invalid_input');

function VersionPage({ id }: { id: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const queryClient = useQueryClient();
  const version = useVersion(id);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  // A replaced draft starts its preview afresh.
  const [revision, setRevision] = useState(0);

  const changed = (kind: Outcome) => (record: QuestionnaireDetail) => {
    refreshQuestionnaires(queryClient, record);
    setOutcome(kind);
    if (kind === 'replaced') setRevision((n) => n + 1);
  };

  let title = t('authoring.detail.loadingTitle');
  let content: ReactNode;
  if (version.isPending) content = <Loading />;
  else if (isMissing(version.error)) {
    title = t('authoring.detail.notFoundTitle');
    content = (
      <InfoNotice>
        <Text data-testid="authoring-not-found">{t('authoring.detail.notFound')}</Text>
      </InfoNotice>
    );
  } else if (version.isError) content = <QueryError error={version.error} />;
  else {
    const record = version.data;
    title = t('authoring.detail.title', { title: record.title[locale], version: record.version });
    content = (
      <>
        <div role="status">
          {outcome && (
            <SuccessNotice>{t(`authoring.detail.${outcome}`, { version: record.version })}</SuccessNotice>
          )}
        </div>
        <Section id="about" title={t('authoring.detail.about')}>
          <Facts record={record} />
        </Section>
        <UseSection record={record} onDone={changed(record.status === 'active' ? 'retired' : 'activated')} />
        <Section id="preview" title={t('authoring.preview.title')}>
          <InfoNotice>{t('authoring.preview.intro')}</InfoNotice>
          <div data-testid="authoring-preview">
            <QuestionnaireForm
              key={`${record.id}-${revision}`}
              questionnaire={record.resource}
              mode="preview"
            />
          </div>
        </Section>
        {record.status === 'draft' && <ReplaceDraft record={record} onDone={changed('replaced')} />}
        <NewVersion record={record} />
      </>
    );
  }

  return (
    <Page title={title} size="lg">
      <Text>
        <Anchor component={Link} to="/author/questionnaires">
          {t('authoring.detail.back')}
        </Anchor>
      </Text>
      {content}
    </Page>
  );
}
