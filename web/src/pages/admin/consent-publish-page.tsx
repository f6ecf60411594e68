import { Button, Group, Stack, Text, Textarea, TextInput, VisuallyHidden } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type ReactNode, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { ConsentDocument, EarlierConsent, PublishConsentBody } from '../../api-types.ts';
import { Dialog } from '../../components/dialog.tsx';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { consentKey, useConsentCatalogue, useDates, useLocalized } from '../consent/consent-queries.ts';
import { ChoiceFieldset } from '../profile/profile-fields.tsx';

/** The server's limits (src/modules/consent/schemas.ts). */
const TITLE_MAX = 200;
const BODY_MAX = 20_000;

type Change = 'minor' | 'material';
const isEarlierConsent = (value: string): value is EarlierConsent => value === 'keeps' || value === 'lapses';

/** What publishing will do, in plain words, for the confirmation. */
function consequence(t: TFunction, change: Change, earlier: string): string {
  if (change === 'minor') return t('consentPublish.confirm.minor');
  return earlier === 'lapses' ? t('consentPublish.confirm.lapses') : t('consentPublish.confirm.keeps');
}

/**
 * The next version of one purpose's text, prefilled with the version in force: the title and text in Dutch
 * and English, whether the meaning changes (material), and what happens meanwhile to consent given before.
 * Publishing asks for confirmation first; a version once published never changes.
 */
function PublishForm({
  document,
  onPublished,
  onCancel,
}: {
  document: ConsentDocument;
  onPublished: (published: ConsentDocument) => void;
  onCancel: () => void;
}) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const queryClient = useQueryClient();
  const [confirming, setConfirming] = useState(false);
  const form = useApiForm({
    titleNl: document.title.nl,
    titleEn: document.title.en,
    bodyNl: document.body.nl,
    bodyEn: document.body.en,
    change: '',
    earlierConsent: 'keeps',
  });
  const { values } = form;
  /** An input's props; typing also clears a message about the form as a whole (it may no longer hold). */
  const field = (name: 'titleNl' | 'titleEn' | 'bodyNl' | 'bodyEn') => {
    const props = form.input(name);
    return {
      ...props,
      onChange: (event: Parameters<typeof props.onChange>[0]) => {
        props.onChange(event);
        form.setFormError(null);
      },
    };
  };
  const key = document.purposeKey;
  const next = document.version + 1;
  const title = localized(document.title);

  const publish = useMutation({
    mutationFn: () => {
      const material = values.change === 'material';
      const body: PublishConsentBody = {
        title: { nl: values.titleNl.trim(), en: values.titleEn.trim() },
        body: { nl: values.bodyNl.trim(), en: values.bodyEn.trim() },
        material,
        earlierConsent: material && isEarlierConsent(values.earlierConsent) ? values.earlierConsent : 'keeps',
      };
      return api.post<ConsentDocument>(`/admin/consent/purposes/${encodeURIComponent(key)}/versions`, body);
    },
    onMutate: form.clearErrors,
    onSuccess: (published) => {
      setConfirming(false);
      // Everyone's consent state may have changed with the new version.
      void queryClient.invalidateQueries({ queryKey: consentKey });
      onPublished(published);
    },
    onError: (error) => {
      setConfirming(false);
      form.showError(error);
    },
  });

  /** Checks what can be checked here; true when the form may be confirmed. */
  const check = (): boolean => {
    const errors: Partial<Record<keyof typeof values, string>> = {};
    const text = (name: 'titleNl' | 'titleEn' | 'bodyNl' | 'bodyEn', max: number) => {
      const value = values[name].trim();
      if (value === '') errors[name] = t('consentPublish.errors.empty');
      else if (value.length > max) errors[name] = t('consentPublish.errors.tooLong', { max });
    };
    text('titleNl', TITLE_MAX);
    text('titleEn', TITLE_MAX);
    text('bodyNl', BODY_MAX);
    text('bodyEn', BODY_MAX);
    if (values.change === '') errors.change = t('consentPublish.errors.change');
    form.setErrors(errors);
    const unchanged =
      values.titleNl.trim() === document.title.nl.trim() &&
      values.titleEn.trim() === document.title.en.trim() &&
      values.bodyNl.trim() === document.body.nl.trim() &&
      values.bodyEn.trim() === document.body.en.trim();
    if (Object.keys(errors).length > 0) {
      form.setFormError(t('errors.check_fields'));
      return false;
    }
    form.setFormError(unchanged ? t('consentPublish.errors.unchanged') : null);
    return !unchanged;
  };

  const change = values.change === 'material' || values.change === 'minor' ? values.change : null;
  return (
    <form
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        if (check()) setConfirming(true);
      }}
      data-testid={`publish-form-${key}`}
    >
      <Stack>
        <TextInput label={t('consentPublish.titleNl')} lang="nl" required {...field('titleNl')} />
        <Textarea
          label={t('consentPublish.bodyNl')}
          description={t('consentPublish.bodyHint')}
          lang="nl"
          required
          autosize
          minRows={5}
          maxRows={20}
          {...field('bodyNl')}
        />
        <TextInput label={t('consentPublish.titleEn')} lang="en" required {...field('titleEn')} />
        <Textarea
          label={t('consentPublish.bodyEn')}
          description={t('consentPublish.bodyHint')}
          lang="en"
          required
          autosize
          minRows={5}
          maxRows={20}
          {...field('bodyEn')}
        />
        <ChoiceFieldset
          legend={t('consentPublish.change.legend')}
          name={`${key}-change`}
          value={values.change}
          onChange={(value) => form.setValue('change', value)}
          error={form.errors.change}
          options={[
            {
              value: 'minor',
              label: t('consentPublish.change.minor'),
              hint: t('consentPublish.change.minorHint'),
            },
            {
              value: 'material',
              label: t('consentPublish.change.material'),
              hint: t('consentPublish.change.materialHint'),
            },
          ]}
          testId={`publish-change-${key}`}
        />
        {change === 'material' && (
          <ChoiceFieldset
            legend={t('consentPublish.earlier.legend')}
            description={t('consentPublish.earlier.description')}
            name={`${key}-earlier`}
            value={values.earlierConsent}
            onChange={(value) => form.setValue('earlierConsent', value)}
            error={form.errors.earlierConsent}
            options={[
              {
                value: 'keeps',
                label: t('consentPublish.earlier.keeps'),
                hint: t('consentPublish.earlier.keepsHint'),
              },
              {
                value: 'lapses',
                label: t('consentPublish.earlier.lapses'),
                hint: t('consentPublish.earlier.lapsesHint'),
              },
            ]}
            testId={`publish-earlier-${key}`}
          />
        )}
        <FormAlert message={form.formError} />
        <Group gap="sm">
          <Button type="submit" data-testid={`publish-submit-${key}`}>
            {t('consentPublish.submit', { version: next })}
          </Button>
          <Button variant="default" onClick={onCancel}>
            {t('common.cancel')}
          </Button>
        </Group>
      </Stack>
      <Dialog
        opened={confirming}
        onClose={() => setConfirming(false)}
        title={t('consentPublish.confirm.title', { version: next, title })}
      >
        <Stack>
          <Text>{change ? consequence(t, change, values.earlierConsent) : ''}</Text>
          <Text>{t('consentPublish.confirm.final')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setConfirming(false)}>
              {t('common.cancel')}
            </Button>
            <Button
              loading={publish.isPending}
              onClick={() => publish.mutate()}
              data-testid={`publish-confirm-${key}`}
            >
              {t('consentPublish.confirm.action', { version: next })}
            </Button>
          </Group>
        </Stack>
      </Dialog>
    </form>
  );
}

/** One purpose: the version in force, and the way to write the next one. */
function PurposeSection({ document }: { document: ConsentDocument }) {
  const { t } = useTranslation();
  const localized = useLocalized();
  const dates = useDates();
  const [open, setOpen] = useState(false);
  const [published, setPublished] = useState<ConsentDocument | null>(null);
  const toggle = useRef<HTMLButtonElement>(null);
  const key = document.purposeKey;
  const title = localized(document.title);
  const formId = `publish-${key}-form`;
  return (
    <div data-testid={`publish-purpose-${key}`}>
      <Section id={`publish-${key}`} title={title}>
        <Text data-testid={`publish-in-force-${key}`}>
          {t('consentPublish.inForce', { version: document.version, date: dates.date(document.publishedAt) })}
        </Text>
        <div role="status">
          {published && (
            <SuccessNotice>
              {t(published.material ? 'consentPublish.publishedMaterial' : 'consentPublish.published', {
                version: published.version,
                title: localized(published.title),
              })}
            </SuccessNotice>
          )}
        </div>
        <div>
          <Button
            ref={toggle}
            variant={open ? 'default' : 'filled'}
            aria-expanded={open}
            aria-controls={formId}
            onClick={() => {
              setOpen((before) => !before);
              setPublished(null);
            }}
            data-testid={`publish-open-${key}`}
          >
            {open ? t('consentPublish.close') : t('consentPublish.open')}
            <VisuallyHidden>: {title}</VisuallyHidden>
          </Button>
        </div>
        <div id={formId}>
          {open && (
            <PublishForm
              document={document}
              onCancel={() => setOpen(false)}
              onPublished={(done) => {
                setOpen(false);
                setPublished(done);
                // The form is gone: the keyboard focus goes back to the button that opened it.
                requestAnimationFrame(() => toggle.current?.focus());
              }}
            />
          )}
        </div>
      </Section>
    </div>
  );
}

/** /admin/consent: administrators and data stewards publish new versions of the consent texts. */
export function ConsentPublishPage() {
  const { t } = useTranslation();
  const catalogue = useConsentCatalogue();
  let content: ReactNode;
  if (catalogue.isPending) content = <Loading />;
  else if (catalogue.isError) content = <QueryError error={catalogue.error} />;
  else {
    content = catalogue.data.map((document) => (
      <PurposeSection key={document.purposeKey} document={document} />
    ));
  }
  return (
    <Page title={t('consentPublish.title')} size="lg">
      <Text size="lg">{t('consentPublish.intro')}</Text>
      <InfoNotice title={t('consentPublish.howTitle')}>
        <Stack gap="xs">
          <Text>{t('consentPublish.howMinor')}</Text>
          <Text>{t('consentPublish.howMaterial')}</Text>
          <Text>{t('consentPublish.howVersions')}</Text>
        </Stack>
      </InfoNotice>
      {content}
    </Page>
  );
}
