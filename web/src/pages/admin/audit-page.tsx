import { Button, Group, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { useInfiniteQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, queryString } from '../../api.ts';
import type { AuditPage as AuditPageAnswer } from '../../api-types.ts';
import { FormAlert, Loading } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { problemToFormErrors } from '../../form-errors.ts';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { AuditTable } from './audit-table.tsx';

const PAGE_SIZE = 50;

type Filters = {
  participant: string;
  actor: string;
  from: string;
  to: string;
};

const EMPTY: Filters = { participant: '', actor: '', from: '', to: '' };

/** A datetime-local value (local time) as an ISO date-time, or the text unchanged when it is not a date. */
function toIso(value: string): string {
  if (!value) return '';
  const date = new Date(value);
  return Number.isNaN(date.getTime()) ? value : date.toISOString();
}

/** Administrators: the append-only audit log, filtered, newest first, with "older entries" paging. */
export function AuditPage() {
  const { t } = useTranslation();
  const form = useApiForm(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const audit = useInfiniteQuery({
    queryKey: ['admin', 'audit', filters],
    initialPageParam: null as number | null,
    queryFn: ({ pageParam }) =>
      api.get<AuditPageAnswer>(
        `/admin/audit${queryString({
          participant: filters.participant.trim(),
          actor: filters.actor.trim(),
          from: toIso(filters.from),
          to: toIso(filters.to),
          before: pageParam,
          limit: PAGE_SIZE,
        })}`,
      ),
    getNextPageParam: (last) => last.nextBefore,
  });

  // Invalid filters come back as a problem whose pointers name the query parameters.
  const problem = audit.isError ? problemToFormErrors(audit.error, Object.keys(EMPTY), t) : null;
  const fieldError = (name: keyof Filters) => problem?.fields[name];
  const entries = audit.data?.pages.flatMap((page) => page.entries) ?? [];

  return (
    <Page title={t('admin.audit.title')} size="xl">
      <Section id="audit-filters" title={t('admin.audit.filters')}>
        <form
          noValidate
          aria-labelledby="audit-filters-title"
          onSubmit={(event) => {
            event.preventDefault();
            setFilters({ ...form.values });
          }}
        >
          <Stack>
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label={t('admin.audit.participantId')}
                {...form.input('participant')}
                error={fieldError('participant')}
              />
              <TextInput
                label={t('admin.audit.actorId')}
                {...form.input('actor')}
                error={fieldError('actor')}
              />
              <TextInput
                type="datetime-local"
                label={t('admin.audit.from')}
                {...form.input('from')}
                error={fieldError('from')}
              />
              <TextInput
                type="datetime-local"
                label={t('admin.audit.to')}
                {...form.input('to')}
                error={fieldError('to')}
              />
            </SimpleGrid>
            <Group>
              <Button type="submit">{t('admin.audit.search')}</Button>
              <Button
                variant="default"
                onClick={() => {
                  form.reset();
                  setFilters(EMPTY);
                }}
              >
                {t('admin.audit.clear')}
              </Button>
            </Group>
          </Stack>
        </form>
      </Section>
      <FormAlert message={problem?.form} />
      {audit.isPending ? (
        <Loading />
      ) : entries.length === 0 ? (
        !audit.isError && <Text>{t('admin.audit.none')}</Text>
      ) : (
        <AuditTable entries={entries} />
      )}
      {entries.length > 0 && (
        <div>
          {audit.hasNextPage ? (
            <Button
              variant="default"
              loading={audit.isFetchingNextPage}
              onClick={() => void audit.fetchNextPage()}
            >
              {t('admin.audit.older')}
            </Button>
          ) : (
            <Text>{t('admin.audit.noOlder')}</Text>
          )}
        </div>
      )}
    </Page>
  );
}
