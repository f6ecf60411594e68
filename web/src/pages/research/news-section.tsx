import { Button, Fieldset, Group, Radio, SimpleGrid, Stack, Text, Textarea, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api.ts';
import { Dialog } from '../../components/dialog.tsx';
import { ItemCard } from '../../components/item-card.tsx';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useDates } from '../consent/consent-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import {
  NEWS_AUDIENCES,
  type NewsAudience,
  researchKeys,
  type StudyNews,
  type StudyStatus,
  useStudyNews,
} from './research-api.ts';

/** The longest title and text the API takes (src/modules/research/schemas.ts, newsInput). */
const TITLE_MAX = 200;
const BODY_MAX = 10_000;

type NewsField = 'titleNl' | 'titleEn' | 'bodyNl' | 'bodyEn' | 'audience';
type NewsErrors = Partial<Record<NewsField, string>>;

/** A study opens to participants when it recruits; from then on (closed, completed too) it may publish news. */
const isOpen = (status: StudyStatus) =>
  status === 'recruiting' || status === 'closed' || status === 'completed';

interface NewsBody {
  title: { nl: string; en: string };
  body: { nl: string; en: string };
  audience: NewsAudience;
}

/** The form field a pointer of a 422 names: `#/title/nl` → titleNl, `#/audience` → audience. */
function fieldOf(pointer: string): NewsField | undefined {
  const [first, second] = pointer.replace(/^#?\//, '').split('/');
  if (first === 'audience') return 'audience';
  if ((first === 'title' || first === 'body') && (second === 'nl' || second === 'en')) {
    return `${first}${second === 'nl' ? 'Nl' : 'En'}`;
  }
  return undefined;
}

/** One published item: its title in the language shown, when, and for whom. */
function PublishedNews({ news }: { news: StudyNews }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { dateTime } = useDates();
  return (
    <ItemCard title={news.title[locale]} gap={4} testId="study-news-item">
      <Text size="sm">
        {t('research.news.publishedAt', { date: dateTime(news.publishedAt) })}
        {' · '}
        {t(`research.news.for.${news.audience}`)}
      </Text>
    </ItemCard>
  );
}

/** The news the study's team published, newest first. */
export function NewsList({ studyId }: { studyId: string }) {
  const { t } = useTranslation();
  const news = useStudyNews(studyId);
  let content: ReactNode;
  if (news.isPending) content = <Loading />;
  else if (news.isError) content = <QueryError error={news.error} />;
  else if (news.data.length === 0) content = <Text>{t('research.news.none')}</Text>;
  else content = news.data.map((item) => <PublishedNews key={item.id} news={item} />);
  return (
    <Section id="study-news" title={t('research.news.title')}>
      <Text>{t('research.news.intro')}</Text>
      {content}
    </Section>
  );
}

/**
 * "Publish news": a title and a text in Dutch and in English, and who it is for. A dialog says what happens
 * (on the readers' home page at once, and by e-mail) before it is published; it cannot be taken back.
 */
export function PublishNewsForm({
  studyId,
  studyTitle,
  status,
}: {
  studyId: string;
  studyTitle: string;
  status: StudyStatus;
}) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [titleNl, setTitleNl] = useState('');
  const [titleEn, setTitleEn] = useState('');
  const [bodyNl, setBodyNl] = useState('');
  const [bodyEn, setBodyEn] = useState('');
  const [audience, setAudience] = useState<NewsAudience | ''>('');
  const [errors, setErrors] = useState<NewsErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [published, setPublished] = useState(false);
  const [confirming, dialog] = useDisclosure(false);

  /** The message at each field: the same whether the browser or the server found the mistake. */
  const messages: Record<NewsField, string> = {
    titleNl: t('research.news.errors.titleNl', { max: TITLE_MAX }),
    titleEn: t('research.news.errors.titleEn', { max: TITLE_MAX }),
    bodyNl: t('research.news.errors.bodyNl'),
    bodyEn: t('research.news.errors.bodyEn'),
    audience: t('research.news.errors.audience'),
  };
  const notOpen = t('research.news.notOpen');

  const publish = useMutation({
    mutationFn: (body: NewsBody) => api.post<StudyNews>(`/research/studies/${studyId}/news`, body),
    onSuccess: () => {
      dialog.close();
      setTitleNl('');
      setTitleEn('');
      setBodyNl('');
      setBodyEn('');
      setAudience('');
      setPublished(true);
      return queryClient.invalidateQueries({ queryKey: researchKeys.news(studyId) });
    },
    onError: (error) => {
      dialog.close();
      if (isApiError(error) && error.code === 'invalid_input') {
        const found: NewsErrors = {};
        const unmatched: string[] = [];
        for (const fieldError of error.errors) {
          const field = fieldOf(fieldError.pointer);
          if (field) found[field] = messages[field];
          else unmatched.push(fieldError.detail);
        }
        setErrors(found);
        setFormError(
          Object.keys(found).length > 0 && unmatched.length === 0
            ? t('errors.check_fields')
            : [t('errors.invalid_input'), ...unmatched].join(' '),
        );
      } else {
        setFormError(errorMessage(error, t, { conflict: notOpen }));
      }
    },
  });

  const body = (): NewsBody | null => {
    const found: NewsErrors = {};
    if (!titleNl.trim()) found.titleNl = messages.titleNl;
    if (!titleEn.trim()) found.titleEn = messages.titleEn;
    if (!bodyNl.trim()) found.bodyNl = messages.bodyNl;
    if (!bodyEn.trim()) found.bodyEn = messages.bodyEn;
    if (!audience) found.audience = messages.audience;
    setErrors(found);
    if (Object.keys(found).length > 0 || !audience) {
      setFormError(t('errors.check_fields'));
      return null;
    }
    setFormError(null);
    return {
      title: { nl: titleNl.trim(), en: titleEn.trim() },
      body: { nl: bodyNl.trim(), en: bodyEn.trim() },
      audience,
    };
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setPublished(false);
    if (body()) dialog.open();
  };

  /** A field changed: its message goes, and so does the one above the button. */
  const edited = (field: NewsField) => {
    setErrors((current) => ({ ...current, [field]: undefined }));
    setFormError(null);
    setPublished(false);
  };

  if (!isOpen(status)) {
    return (
      <Section id="publish-news" title={t('research.news.publishTitle')}>
        <InfoNotice>{notOpen}</InfoNotice>
      </Section>
    );
  }

  const languages = [
    {
      locale: 'nl',
      legend: t('research.news.inDutch'),
      title: titleNl,
      setTitle: setTitleNl,
      titleField: 'titleNl',
      text: bodyNl,
      setText: setBodyNl,
      textField: 'bodyNl',
    },
    {
      locale: 'en',
      legend: t('research.news.inEnglish'),
      title: titleEn,
      setTitle: setTitleEn,
      titleField: 'titleEn',
      text: bodyEn,
      setText: setBodyEn,
      textField: 'bodyEn',
    },
  ] as const;

  return (
    <Section id="publish-news" title={t('research.news.publishTitle')}>
      <Text>{t('research.news.publishIntro')}</Text>
      <form onSubmit={submit} noValidate data-testid="news-form">
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, md: 2 }} spacing="lg">
            {languages.map((language) => (
              <Fieldset
                key={language.locale}
                legend={language.legend}
                variant="unstyled"
                styles={{ legend: { fontWeight: 600, marginBottom: 'var(--mantine-spacing-xs)' } }}
              >
                <Stack gap="sm">
                  <TextInput
                    label={t(`research.news.title_${language.locale}`)}
                    required
                    maxLength={TITLE_MAX}
                    lang={language.locale}
                    value={language.title}
                    onChange={(event) => {
                      language.setTitle(event.currentTarget.value);
                      edited(language.titleField);
                    }}
                    error={errors[language.titleField]}
                  />
                  <Textarea
                    label={t(`research.news.text_${language.locale}`)}
                    description={t('research.news.textHint')}
                    required
                    autosize
                    minRows={6}
                    maxLength={BODY_MAX}
                    lang={language.locale}
                    value={language.text}
                    onChange={(event) => {
                      language.setText(event.currentTarget.value);
                      edited(language.textField);
                    }}
                    error={errors[language.textField]}
                  />
                </Stack>
              </Fieldset>
            ))}
          </SimpleGrid>
          <Radio.Group
            label={t('research.news.audience')}
            description={t('research.news.audienceHint')}
            value={audience}
            onChange={(value) => {
              setAudience(NEWS_AUDIENCES.find((candidate) => candidate === value) ?? '');
              edited('audience');
            }}
            error={errors.audience}
            data-testid="news-audience"
          >
            <Stack gap="xs" mt="xs">
              {NEWS_AUDIENCES.map((option) => (
                <Radio key={option} value={option} label={t(`research.news.audiences.${option}`)} />
              ))}
            </Stack>
          </Radio.Group>
          <FormAlert message={formError} />
          {published && <SuccessNotice>{t('research.news.published')}</SuccessNotice>}
          <div>
            <Button type="submit" data-testid="news-submit">
              {t('research.news.submit')}
            </Button>
          </div>
        </Stack>
      </form>
      <Dialog opened={confirming} onClose={dialog.close} title={t('research.news.confirmTitle')}>
        <Stack>
          <Text>
            {audience === 'panel'
              ? t('research.news.confirmPanel')
              : t('research.news.confirmParticipants', { study: studyTitle })}
          </Text>
          <Text>{t('research.news.confirmFinal')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={dialog.close}>
              {t('common.cancel')}
            </Button>
            <Button
              loading={publish.isPending}
              onClick={() => {
                const ready = body();
                if (ready) publish.mutate(ready);
                else dialog.close();
              }}
              data-testid="news-confirm"
            >
              {t('research.news.confirm')}
            </Button>
          </Group>
        </Stack>
      </Dialog>
    </Section>
  );
}
