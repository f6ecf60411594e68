import { Box, Group, Loader, Stack, Table, Text, Title, VisuallyHidden } from '@mantine/core';
import type { TFunction } from 'i18next';
import { useTranslation } from 'react-i18next';
import { DataTable } from '../../components/data-table.tsx';
import { useCriterionWords } from './criteria-text.ts';
import type { Feasibility } from './research-api.ts';

/** An age band of the answer in words: `16-29` → "16–29 years", `70+` → "70 years and older". */
function ageBandLabel(t: TFunction, band: string): string {
  const range = /^(\d+)-(\d+)$/.exec(band);
  if (range) return t('panel.ageBands.range', { from: range[1], to: range[2] });
  const from = /^(\d+)\+$/.exec(band);
  if (from) return t('panel.ageBands.from', { from: from[1] });
  return band;
}

/** A count, or "fewer than 10" where it is withheld as a small cell. */
function Count({ count, minimum }: { count: number | null; minimum: number }) {
  const { t, i18n } = useTranslation();
  if (count === null) {
    return (
      <Text span fs="italic" size="sm">
        {t('research.criteria.fewerThan', { minimum })}
      </Text>
    );
  }
  return <>{new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL').format(count)}</>;
}

/** A bar beside a count, for the eye only: the number in the table is what is read. */
function Bar({ count, of }: { count: number | null; of: number }) {
  const share = count === null || of === 0 ? 0 : Math.max(count / of, 0.005);
  return (
    <Box aria-hidden="true" h={10} w="100%" bg="gray.2" style={{ borderRadius: 4, minWidth: 80 }}>
      <Box
        h={10}
        bg={count === null ? 'gray.5' : 'teal.8'}
        style={{ width: count === null ? 4 : `${share * 100}%`, borderRadius: 4 }}
      />
    </Box>
  );
}

/**
 * Live counts for criteria: the funnel step by step (every member, the two consents, each criterion in order,
 * each count passing it and every step before) and, for those passing all, where they live and how old they
 * are. Counts below the small-cell minimum are never shown.
 */
export function FeasibilityView({ feasibility, updating }: { feasibility: Feasibility; updating: boolean }) {
  const { t, i18n } = useTranslation();
  const words = useCriterionWords();
  const minimum = feasibility.smallCellMinimum;
  const last = feasibility.funnel[feasibility.funnel.length - 1];
  const first = feasibility.funnel[0]?.count ?? 0;
  // Municipalities with a count to show, largest first; those withheld are many and say nothing one by one.
  const byMunicipality = feasibility.byMunicipality
    .flatMap((cell) => (cell.count === null ? [] : [{ code: cell.code, count: cell.count }]))
    .sort(
      (a, b) =>
        b.count - a.count ||
        words.municipalityName(a.code).localeCompare(words.municipalityName(b.code), i18n.language),
    );
  const withheldMunicipalities = feasibility.byMunicipality.length - byMunicipality.length;
  const number = new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL');
  return (
    <Stack gap="md" data-testid="feasibility" aria-busy={updating}>
      <Group gap="sm" wrap="nowrap" align="center">
        {/* Announced politely after each change: what the edit did to the number that counts. */}
        <Text fw={700} size="lg" role="status" data-testid="feasibility-total">
          {last?.count === null || last === undefined
            ? t('research.criteria.totalFew', { minimum })
            : t('research.criteria.total', { count: last.count, number: number.format(last.count) })}
        </Text>
        {updating && (
          <Group gap={4} wrap="nowrap">
            <Loader size="xs" aria-hidden="true" />
            <Text size="sm">{t('research.criteria.updating')}</Text>
          </Group>
        )}
      </Group>
      <DataTable
        caption={t('research.criteria.funnelCaption')}
        head={[
          t('research.criteria.step'),
          t('research.criteria.members'),
          <VisuallyHidden key="bar">{t('research.criteria.share')}</VisuallyHidden>,
        ]}
        minWidth={420}
      >
        {feasibility.funnel.map((step, index) => (
          <Table.Tr
            // Steps of one kind may repeat; their order is the criteria's.
            // biome-ignore lint/suspicious/noArrayIndexKey: see above
            key={`${step.step}-${index}`}
            data-testid="funnel-step"
          >
            <Table.Td>
              {index + 1}. {words.stepLabel(step.step, step.criterion)}
            </Table.Td>
            <Table.Td style={{ whiteSpace: 'nowrap', textAlign: 'right' }} data-testid="funnel-count">
              <Count count={step.count} minimum={minimum} />
            </Table.Td>
            <Table.Td w="35%">
              <Bar count={step.count} of={first} />
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
      <Text size="sm">{t('research.criteria.smallCells', { minimum })}</Text>
      <Stack gap="lg">
        <Stack gap="xs">
          <Title order={3} size="h4">
            {t('research.criteria.byMunicipality')}
          </Title>
          {byMunicipality.length === 0 ? (
            <Text>{t('research.criteria.everyMunicipalityFew', { minimum })}</Text>
          ) : (
            <DataTable
              caption={t('research.criteria.byMunicipalityCaption')}
              head={[t('research.criteria.municipality'), t('research.criteria.members')]}
              minWidth={260}
            >
              {byMunicipality.map((cell) => (
                <Table.Tr key={cell.code} data-testid="by-municipality">
                  <Table.Td>{words.municipalityName(cell.code)}</Table.Td>
                  <Table.Td style={{ textAlign: 'right' }}>
                    <Count count={cell.count} minimum={minimum} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
          )}
          {byMunicipality.length > 0 && withheldMunicipalities > 0 && (
            <Text size="sm">
              {t('research.criteria.otherMunicipalities', { count: withheldMunicipalities, minimum })}
            </Text>
          )}
        </Stack>
        <Stack gap="xs">
          <Title order={3} size="h4">
            {t('research.criteria.byAgeBand')}
          </Title>
          {feasibility.byAgeBand.length === 0 ? (
            <Text>{t('research.criteria.nobody')}</Text>
          ) : (
            <DataTable
              caption={t('research.criteria.byAgeBandCaption')}
              head={[t('research.criteria.ageBand'), t('research.criteria.members')]}
              minWidth={260}
            >
              {feasibility.byAgeBand.map((cell) => (
                <Table.Tr key={cell.band} data-testid="by-age-band">
                  <Table.Td>{ageBandLabel(t, cell.band)}</Table.Td>
                  <Table.Td style={{ textAlign: 'right' }}>
                    <Count count={cell.count} minimum={minimum} />
                  </Table.Td>
                </Table.Tr>
              ))}
            </DataTable>
          )}
        </Stack>
      </Stack>
    </Stack>
  );
}
