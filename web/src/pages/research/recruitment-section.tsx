import { Button, Group, NativeSelect, SimpleGrid, Stack, Table, Text, TextInput } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { DataTable } from '../../components/data-table.tsx';
import { Dialog } from '../../components/dialog.tsx';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { errorMessage } from '../../form-errors.ts';
import { useDates } from '../consent/consent-queries.ts';
import {
  type InvitationBatch,
  researchKeys,
  STRATIFICATIONS,
  type Stratification,
  type StudyStatus,
  useRecruitment,
} from './research-api.ts';

/** The most a batch may invite at once (src/modules/research/recruitment.ts, MAX_BATCH). */
const MAX_BATCH = 5000;

interface InviteBody {
  size: number;
  stratifyBy?: Stratification;
  perStratum?: number;
}

/** A whole number from 1 to `max` typed in a field, or undefined. */
export function wholeNumber(text: string, max: number): number | undefined {
  if (!/^\s*\d+\s*$/.test(text)) return undefined;
  const value = Number(text.trim());
  return value >= 1 && value <= max ? value : undefined;
}

/** A count of a batch: the number, or "too few to show" when it is below the small-cell minimum. */
function Count({ value }: { value: number | null }) {
  const { t, i18n } = useTranslation();
  if (value === null) {
    return (
      <Text span size="sm" fs="italic">
        {t('research.recruitment.tooFew')}
      </Text>
    );
  }
  return <>{new Intl.NumberFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL').format(value)}</>;
}

/** The study's batches: when, how many asked, and how many were invited, mailed, reminded and answered. */
function BatchTable({ batches }: { batches: InvitationBatch[] }) {
  const { t } = useTranslation();
  const { dateTime } = useDates();
  return (
    <Stack gap="xs">
      <DataTable
        caption={t('research.recruitment.batches')}
        head={[
          t('research.recruitment.columns.date'),
          t('research.recruitment.columns.requested'),
          t('research.recruitment.columns.invited'),
          t('research.recruitment.columns.mailed'),
          t('research.recruitment.columns.reminded'),
          t('research.recruitment.columns.interested'),
          t('research.recruitment.columns.declined'),
          t('research.recruitment.columns.noAnswer'),
        ]}
        minWidth={760}
      >
        {batches.map((batch) => (
          <Table.Tr key={batch.id} data-testid="invitation-batch">
            <Table.Td>{dateTime(batch.createdAt)}</Table.Td>
            <Table.Td>
              {batch.requested}
              {batch.stratifyBy && (
                <Text size="sm">
                  {batch.perStratum
                    ? t('research.recruitment.spreadMax', {
                        by: t(`research.recruitment.by.${batch.stratifyBy}`),
                        max: batch.perStratum,
                      })
                    : t('research.recruitment.spread', {
                        by: t(`research.recruitment.by.${batch.stratifyBy}`),
                      })}
                </Text>
              )}
            </Table.Td>
            <Table.Td>
              <Count value={batch.invited} />
            </Table.Td>
            <Table.Td>
              <Count value={batch.mailed} />
            </Table.Td>
            <Table.Td>
              <Count value={batch.reminded} />
            </Table.Td>
            <Table.Td>
              <Count value={batch.interested} />
            </Table.Td>
            <Table.Td>
              <Count value={batch.declined} />
            </Table.Td>
            <Table.Td>
              <Count value={batch.noAnswer} />
            </Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
      <Text size="sm">{t('research.recruitment.tooFewHint')}</Text>
    </Stack>
  );
}

/**
 * "Invite members": how many, optionally spread over groups with a maximum per group. A dialog says who will be
 * invited (members who meet the criteria and agreed to be contacted, never anyone twice) and that the team does
 * not see who.
 */
function InviteForm({ studyId }: { studyId: string }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [size, setSize] = useState('');
  const [stratifyBy, setStratifyBy] = useState<Stratification | ''>('');
  const [perStratum, setPerStratum] = useState('');
  const [errors, setErrors] = useState<{ size?: string; perStratum?: string }>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [sent, setSent] = useState<InvitationBatch | null>(null);
  const [confirming, dialog] = useDisclosure(false);

  const invite = useMutation({
    mutationFn: (body: InviteBody) =>
      api.post<InvitationBatch>(`/research/studies/${studyId}/invitations`, body),
    onSuccess: (batch) => {
      dialog.close();
      setSize('');
      setStratifyBy('');
      setPerStratum('');
      setSent(batch);
      return queryClient.invalidateQueries({ queryKey: researchKeys.recruitment(studyId) });
    },
    onError: (error) => {
      dialog.close();
      setFormError(errorMessage(error, t, { conflict: t('research.recruitment.notRecruiting') }));
    },
  });

  const body = (): InviteBody | null => {
    const found: { size?: string; perStratum?: string } = {};
    const count = wholeNumber(size, MAX_BATCH);
    if (count === undefined) found.size = t('research.recruitment.errors.size', { max: MAX_BATCH });
    const perGroup = perStratum.trim() === '' ? undefined : wholeNumber(perStratum, MAX_BATCH);
    if (stratifyBy && perStratum.trim() !== '' && perGroup === undefined) {
      found.perStratum = t('research.recruitment.errors.perStratum', { max: MAX_BATCH });
    }
    setErrors(found);
    if (count === undefined || Object.keys(found).length > 0) {
      setFormError(t('errors.check_fields'));
      return null;
    }
    setFormError(null);
    return {
      size: count,
      ...(stratifyBy ? { stratifyBy, ...(perGroup ? { perStratum: perGroup } : {}) } : {}),
    };
  };

  const submit = (event: FormEvent) => {
    event.preventDefault();
    setSent(null);
    if (body()) dialog.open();
  };

  const edited = () => {
    setErrors({});
    setFormError(null);
    setSent(null);
  };

  const ready = wholeNumber(size, MAX_BATCH);

  return (
    <Stack gap="sm">
      <Text>{t('research.recruitment.formIntro')}</Text>
      <form onSubmit={submit} noValidate data-testid="invite-form">
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, md: 3 }} spacing="lg">
            <TextInput
              label={t('research.recruitment.size')}
              description={t('research.recruitment.sizeHint', { max: MAX_BATCH })}
              required
              inputMode="numeric"
              value={size}
              onChange={(event) => {
                setSize(event.currentTarget.value);
                edited();
              }}
              error={errors.size}
            />
            <NativeSelect
              label={t('research.recruitment.spreadBy')}
              description={t('research.recruitment.spreadHint')}
              value={stratifyBy}
              onChange={(event) => {
                const value = event.currentTarget.value;
                setStratifyBy(STRATIFICATIONS.find((option) => option === value) ?? '');
                edited();
              }}
              data={[
                { value: '', label: t('research.recruitment.noSpread') },
                ...STRATIFICATIONS.map((option) => ({
                  value: option,
                  label: t(`research.recruitment.by.${option}`),
                })),
              ]}
            />
            {stratifyBy && (
              <TextInput
                label={t('research.recruitment.perStratum')}
                description={t('research.recruitment.perStratumHint')}
                inputMode="numeric"
                value={perStratum}
                onChange={(event) => {
                  setPerStratum(event.currentTarget.value);
                  edited();
                }}
                error={errors.perStratum}
              />
            )}
          </SimpleGrid>
          <FormAlert message={formError} />
          {sent && (
            <SuccessNotice>
              {sent.invited === null
                ? t('research.recruitment.sentFew')
                : t('research.recruitment.sent', { count: sent.invited })}
            </SuccessNotice>
          )}
          <div>
            <Button type="submit" data-testid="invite-submit">
              {t('research.recruitment.submit')}
            </Button>
          </div>
        </Stack>
      </form>
      <Dialog opened={confirming} onClose={dialog.close} title={t('research.recruitment.confirmTitle')}>
        <Stack>
          <Text>{t('research.recruitment.confirmWho', { count: ready ?? 0 })}</Text>
          {stratifyBy && (
            <Text>
              {t('research.recruitment.confirmSpread', { by: t(`research.recruitment.by.${stratifyBy}`) })}
            </Text>
          )}
          <Text>{t('research.recruitment.confirmOnce')}</Text>
          <Text>{t('research.recruitment.confirmPrivacy')}</Text>
          <Group justify="flex-end">
            <Button variant="default" onClick={dialog.close}>
              {t('common.cancel')}
            </Button>
            <Button
              loading={invite.isPending}
              onClick={() => {
                const ready = body();
                if (ready) invite.mutate(ready);
                else dialog.close();
              }}
              data-testid="invite-confirm"
            >
              {t('research.recruitment.confirm')}
            </Button>
          </Group>
        </Stack>
      </Dialog>
    </Stack>
  );
}

/** Recruitment: the form to invite members while the study recruits, and the batches sent so far. */
export function RecruitmentSection({ studyId, status }: { studyId: string; status: StudyStatus }) {
  const { t } = useTranslation();
  const batches = useRecruitment(studyId);
  let table: ReactNode;
  if (batches.isPending) table = <Loading />;
  else if (batches.isError) table = <QueryError error={batches.error} />;
  else if (batches.data.length === 0) table = <Text>{t('research.recruitment.none')}</Text>;
  else table = <BatchTable batches={batches.data} />;
  return (
    <Section id="recruitment" title={t('research.recruitment.title')}>
      {status === 'recruiting' ? (
        <InviteForm studyId={studyId} />
      ) : (
        <InfoNotice>{t('research.recruitment.notRecruiting')}</InfoNotice>
      )}
      {table}
    </Section>
  );
}
