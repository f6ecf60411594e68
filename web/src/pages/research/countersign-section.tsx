import { Button, Code, Table, Text, VisuallyHidden } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { api, isApiError } from '../../api.ts';
import { DataTable } from '../../components/data-table.tsx';
import { FormAlert, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useDates } from '../consent/consent-queries.ts';
import { researchKeys, useCountersignatures } from './research-api.ts';

/**
 * For a study that asks for a countersignature: the signatures waiting for one, by the study's pseudonym only
 * (the server decides who may be shown, and audits the read), each with a button that countersigns it — from
 * then on the participant takes part and is among those taking part.
 */
export function CountersignSection({ studyId }: { studyId: string }) {
  const { t } = useTranslation();
  const { dateTime } = useDates();
  const queryClient = useQueryClient();
  const awaiting = useCountersignatures(studyId);
  const countersign = useMutation({
    mutationFn: (pseudonym: string) =>
      api.post<void>(
        `/research/studies/${studyId}/subjects/${encodeURIComponent(pseudonym)}/countersignature`,
      ),
    // Also after a 404: the signature was withdrawn or countersigned meanwhile, and the list should say so.
    onSettled: () =>
      Promise.all([
        queryClient.invalidateQueries({ queryKey: researchKeys.countersignatures(studyId) }),
        queryClient.invalidateQueries({ queryKey: researchKeys.subjects(studyId) }),
      ]),
  });
  const failure =
    countersign.isError && isApiError(countersign.error) && countersign.error.code === 'not_found'
      ? t('research.countersign.gone')
      : countersign.isError
        ? errorMessage(countersign.error, t)
        : null;

  let content: ReactNode;
  if (awaiting.isPending) content = <Loading />;
  else if (awaiting.isError) content = <QueryError error={awaiting.error} />;
  else if (awaiting.data.length === 0) content = <Text>{t('research.countersign.none')}</Text>;
  else {
    content = (
      <DataTable
        caption={t('research.countersign.caption', { count: awaiting.data.length })}
        head={[
          t('research.countersign.pseudonym'),
          t('research.countersign.signedAt'),
          t('research.countersign.action'),
        ]}
        minWidth={560}
      >
        {awaiting.data.map((signature) => (
          <Table.Tr key={signature.pseudonym} data-testid="awaiting-countersignature">
            <Table.Td>
              <Code>{signature.pseudonym}</Code>
            </Table.Td>
            <Table.Td>{dateTime(signature.signedAt)}</Table.Td>
            <Table.Td>
              <Button
                size="xs"
                loading={countersign.isPending && countersign.variables === signature.pseudonym}
                onClick={() => countersign.mutate(signature.pseudonym)}
                data-testid="countersign"
              >
                {t('research.countersign.button')}
                <VisuallyHidden>
                  {t('research.countersign.buttonContext', { pseudonym: signature.pseudonym })}
                </VisuallyHidden>
              </Button>
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
    );
  }
  return (
    <Section id="countersign" title={t('research.countersign.title')}>
      <Text>{t('research.countersign.intro')}</Text>
      {countersign.isSuccess && (
        <SuccessNotice>{t('research.countersign.done', { pseudonym: countersign.variables })}</SuccessNotice>
      )}
      <FormAlert message={failure} />
      {content}
    </Section>
  );
}
