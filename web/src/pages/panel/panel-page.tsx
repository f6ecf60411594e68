import { Box, Group, Stack, Table, Text } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { type PanelOverview, SEXES_AT_BIRTH } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { InfoNotice, Loading, QueryError } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { Section } from '../../components/section.tsx';
import { useConsentCatalogue, useLocalized } from '../consent/consent-queries.ts';

interface Row {
  key: string;
  label: string;
  count: number | null;
}

/** An age band of the overview in words: `16-29` → "16–29 jaar", `75+` → "75 jaar en ouder". */
function ageBandLabel(t: TFunction, band: string): string {
  const range = /^(\d+)-(\d+)$/.exec(band);
  if (range) return t('panel.ageBands.range', { from: range[1], to: range[2] });
  const from = /^(\d+)\+$/.exec(band);
  if (from) return t('panel.ageBands.from', { from: from[1] });
  return band;
}

/** A month of the overview (`2026-05`) in words in the app's language: "mei 2026", "May 2026". */
function monthLabel(language: string, month: string): string {
  const [year, monthNumber] = month.split('-').map(Number);
  if (year === undefined || monthNumber === undefined || Number.isNaN(year) || Number.isNaN(monthNumber))
    return month;
  return new Intl.DateTimeFormat(language === 'en' ? 'en-GB' : 'nl-NL', {
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(Date.UTC(year, monthNumber - 1, 1));
}

/** A count, or "fewer than N" when it is withheld. */
function useCount(minimum: number) {
  const { t } = useTranslation();
  return (count: number | null): string =>
    count === null ? t('panel.withheld', { minimum }) : String(count);
}

/** A withheld count's bar: short, hatched and outlined, so it differs from the others by more than colour. */
const WITHHELD_BAR = {
  width: 24,
  background:
    'repeating-linear-gradient(45deg, var(--mantine-color-gray-7) 0 2px, var(--mantine-color-white) 2px 6px)',
  border: '1px solid var(--mantine-color-gray-7)',
};

/**
 * Horizontal bars drawn with plain divs; each bar carries its label and number as text, so the chart reads
 * the same without seeing it ("45–59 jaar 11", "16–29 jaar minder dan 10").
 */
function BarChart({ title, rows, minimum }: { title: string; rows: Row[]; minimum: number }) {
  const { t } = useTranslation();
  const count = useCount(minimum);
  const max = Math.max(1, ...rows.map((row) => row.count ?? 0));
  const anyWithheld = rows.some((row) => row.count === null);
  return (
    <Box component="figure" m={0}>
      <Text component="figcaption" fw={600} mb="xs">
        {title}
      </Text>
      <Stack component="ul" gap={6} style={{ listStyle: 'none', padding: 0, margin: 0 }}>
        {rows.map((row) => (
          <li key={row.key}>
            <Group gap="sm" wrap="nowrap">
              <Text size="sm" w={200} style={{ flexShrink: 0 }}>
                {row.label}
              </Text>
              <div
                aria-hidden="true"
                style={{
                  height: 16,
                  borderRadius: 2,
                  flexShrink: 0,
                  ...(row.count === null
                    ? WITHHELD_BAR
                    : { width: `${(row.count / max) * 60}%`, background: 'var(--mantine-color-blue-8)' }),
                }}
              />
              <Text size="sm" fs={row.count === null ? 'italic' : undefined}>
                {count(row.count)}
              </Text>
            </Group>
          </li>
        ))}
      </Stack>
      {anyWithheld && (
        <Text size="sm" mt="xs">
          {t('panel.withheldLegend', { minimum })}
        </Text>
      )}
    </Box>
  );
}

/** A table with a caption, and the same numbers as bars. */
function CountSection({
  id,
  title,
  labelHeader,
  rows,
  minimum,
}: {
  id: string;
  title: string;
  labelHeader: string;
  rows: Row[];
  minimum: number;
}) {
  const { t } = useTranslation();
  const count = useCount(minimum);
  return (
    <Section id={id} title={title}>
      {rows.length === 0 ? (
        <Text>{t('panel.empty')}</Text>
      ) : (
        <>
          <DataTable caption={title} head={[labelHeader, t('panel.members')]} minWidth={360}>
            {rows.map((row) => (
              <Table.Tr key={row.key}>
                <Table.Td>{row.label}</Table.Td>
                <Table.Td>{count(row.count)}</Table.Td>
              </Table.Tr>
            ))}
          </DataTable>
          <BarChart title={t('panel.chart', { title })} rows={rows} minimum={minimum} />
        </>
      )}
    </Section>
  );
}

function Overview({ overview }: { overview: PanelOverview }) {
  const { t, i18n } = useTranslation();
  const localized = useLocalized();
  const catalogue = useConsentCatalogue();
  const minimum = overview.minimumCount;
  const count = useCount(minimum);
  const sexLabel = (key: string) => {
    const sex = SEXES_AT_BIRTH.find((known) => known === key);
    return sex ? t(`participant.sexes.${sex}`) : key;
  };
  const purposeLabel = (key: string) => {
    const document = catalogue.data?.find((d) => d.purposeKey === key);
    return document ? localized(document.title) : key;
  };
  return (
    <>
      <Text size="lg" data-testid="panel-total">
        {t('panel.total', { count: count(overview.total) })}
      </Text>
      <CountSection
        id="panel-municipality"
        title={t('panel.byMunicipality')}
        labelHeader={t('panel.municipality')}
        minimum={minimum}
        rows={overview.byMunicipality
          .filter((m) => m.count !== 0)
          .map((m) => ({ key: m.cbsCode, label: `${m.name} (${m.province})`, count: m.count }))}
      />
      <CountSection
        id="panel-age"
        title={t('panel.byAgeBand')}
        labelHeader={t('panel.ageBand')}
        minimum={minimum}
        rows={overview.byAgeBand.map((c) => ({ key: c.key, label: ageBandLabel(t, c.key), count: c.count }))}
      />
      <CountSection
        id="panel-sex"
        title={t('panel.bySex')}
        labelHeader={t('panel.sex')}
        minimum={minimum}
        rows={overview.bySex.map((c) => ({ key: c.key, label: sexLabel(c.key), count: c.count }))}
      />
      <CountSection
        id="panel-purpose"
        title={t('panel.byPurpose')}
        labelHeader={t('panel.purpose')}
        minimum={minimum}
        rows={overview.byPurpose.map((c) => ({ key: c.key, label: purposeLabel(c.key), count: c.count }))}
      />
      <Section id="panel-growth" title={t('panel.growth')}>
        {overview.growth.length === 0 ? (
          <Text>{t('panel.empty')}</Text>
        ) : (
          <>
            <DataTable
              caption={t('panel.growth')}
              head={[t('panel.month'), t('panel.joined'), t('panel.members')]}
              minWidth={360}
            >
              {overview.growth.map((g) => (
                <Table.Tr key={g.month}>
                  <Table.Td>{monthLabel(i18n.language, g.month)}</Table.Td>
                  <Table.Td>{count(g.joined)}</Table.Td>
                  <Table.Td>{count(g.members)}</Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
            <BarChart
              title={t('panel.chart', { title: t('panel.growth') })}
              minimum={minimum}
              rows={overview.growth.map((g) => ({
                key: g.month,
                label: monthLabel(i18n.language, g.month),
                count: g.members,
              }))}
            />
          </>
        )}
      </Section>
    </>
  );
}

/** /panel: the Citizen Lab in numbers for programme managers, partner analysts and administrators. */
export function PanelPage() {
  const { t } = useTranslation();
  const overview = useQuery({
    queryKey: ['panel', 'overview'],
    queryFn: () => api.get<PanelOverview>('/panel/overview'),
  });
  let content: ReactNode;
  if (overview.isPending) content = <Loading />;
  else if (overview.isError) content = <QueryError error={overview.error} />;
  else content = <Overview overview={overview.data} />;
  return (
    <Page title={t('panel.title')} size="lg">
      <Text>{t('panel.intro')}</Text>
      {overview.data && (
        <InfoNotice title={t('panel.privacyTitle')}>
          {t('panel.privacy', { minimum: overview.data.minimumCount })}
        </InfoNotice>
      )}
      {content}
    </Page>
  );
}
