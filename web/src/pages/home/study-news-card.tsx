import { Button, Card, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { QueryError } from '../../components/notices.tsx';
import { useDates } from '../consent/consent-queries.ts';
import { useMyProfile } from '../profile/profile-queries.ts';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';
import { paragraphsOf, type StudyNews } from '../research/research-api.ts';

/** How many news items show at first; the rest behind "Show all news". */
const FIRST_SHOWN = 3;

/** One news item: its title, the study it comes from and when, and the text with its paragraphs. */
function NewsItem({ news }: { news: StudyNews }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { date } = useDates();
  const headingId = useId();
  return (
    <Stack
      component="article"
      aria-labelledby={headingId}
      gap="xs"
      pt="sm"
      style={{ borderTop: '1px solid var(--mantine-color-gray-4)' }}
      data-testid="home-study-news-item"
    >
      <Title order={3} size="h4" id={headingId}>
        {news.title[locale]}
      </Title>
      <Text size="sm">
        {t('home.studyNews.from', { study: news.studyTitle[locale], date: date(news.publishedAt) })}
      </Text>
      {paragraphsOf(news.body[locale]).map((paragraph, index) => (
        // biome-ignore lint/suspicious/noArrayIndexKey: paragraphs have no identity of their own, and never move
        <Text key={index} style={{ whiteSpace: 'pre-line' }}>
          {paragraph}
        </Text>
      ))}
    </Stack>
  );
}

/**
 * For members of the Citizen Lab: news from the studies they take or took part in, and for the whole panel,
 * newest first. Nothing shows while there is none.
 */
export function StudyNewsCard() {
  const { t } = useTranslation();
  const profile = useMyProfile();
  const joined = Boolean(profile.data);
  const [all, setAll] = useState(false);
  const news = useQuery({
    queryKey: ['me', 'study-news'],
    queryFn: async () => (await api.get<{ news: StudyNews[] }>('/me/study-news')).news,
    enabled: joined,
  });
  if (!joined || news.isPending || (news.isSuccess && news.data.length === 0)) return null;
  const shown = news.isSuccess ? (all ? news.data : news.data.slice(0, FIRST_SHOWN)) : [];
  const hidden = news.isSuccess ? news.data.length - shown.length : 0;
  return (
    <Card withBorder padding="lg" component="section" aria-labelledby="home-study-news-title">
      <Stack gap="sm">
        <Title order={2} id="home-study-news-title">
          {t('home.studyNews.title')}
        </Title>
        <Text>{t('home.studyNews.text')}</Text>
        {news.isError && <QueryError error={news.error} />}
        {shown.map((item) => (
          <NewsItem key={item.id} news={item} />
        ))}
        {hidden > 0 && (
          <div>
            <Button variant="default" onClick={() => setAll(true)} data-testid="home-study-news-all">
              {t('home.studyNews.showAll', { count: hidden })}
            </Button>
          </div>
        )}
      </Stack>
    </Card>
  );
}
