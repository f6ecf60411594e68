import { Button, Code, Group, Stack, Table, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import type { Me } from '../../api-types.ts';
import { DataTable } from '../../components/data-table.tsx';
import { FormAlert, SuccessNotice } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { placeProblem } from './problem-fields.ts';
import { type ResearchStudy, researchKeys } from './research-api.ts';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** The principal investigator adds a researcher by their account number (the API takes no e-mail address). */
function AddMemberForm({ study }: { study: ResearchStudy }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [accountId, setAccountId] = useState('');
  // Problems are kept as what they are, and worded when shown: a change of language re-words them.
  const [problem, setProblem] = useState<'invalid' | 'already' | null>(null);
  const add = useMutation({
    mutationFn: (id: string) =>
      api.post<ResearchStudy>(`/research/studies/${study.id}/team`, { accountId: id }),
    onSuccess: (changed) => {
      setAccountId('');
      queryClient.setQueryData(researchKeys.study(changed.id), changed);
      void queryClient.invalidateQueries({ queryKey: researchKeys.studies, exact: true });
    },
  });
  const placed = add.isError
    ? placeProblem(add.error, ['accountId'], () => t('research.editor.team.notResearcher'), t, {
        overrides: { forbidden: t('research.editor.team.onlyPi') },
      })
    : null;
  const error =
    problem === 'invalid'
      ? t('research.editor.team.invalidId')
      : problem === 'already'
        ? t('research.editor.team.already')
        : placed?.fields.accountId;
  const formError = placed && !placed.fields.accountId ? placed.form : null;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    const id = accountId.trim().toLowerCase();
    add.reset();
    if (!UUID.test(id)) setProblem('invalid');
    else if (study.team.some((member) => member.accountId === id)) setProblem('already');
    else {
      setProblem(null);
      add.mutate(id);
    }
  };
  return (
    <form onSubmit={submit} noValidate data-testid="team-form">
      <Stack gap="sm">
        <Group align="flex-end" gap="sm" wrap="wrap">
          <TextInput
            label={t('research.editor.team.accountId')}
            description={t('research.editor.team.accountIdHint')}
            required
            spellCheck={false}
            autoComplete="off"
            styles={{ input: { fontFamily: 'var(--mantine-font-family-monospace)' } }}
            miw={320}
            style={{ flex: 1 }}
            value={accountId}
            error={error}
            onChange={(event) => {
              setAccountId(event.currentTarget.value);
              setProblem(null);
              add.reset();
            }}
          />
          <Button type="submit" loading={add.isPending} data-testid="team-add">
            {t('research.editor.team.add')}
          </Button>
        </Group>
        <FormAlert message={formError} />
        {add.isSuccess && <SuccessNotice>{t('research.editor.team.added')}</SuccessNotice>}
      </Stack>
    </form>
  );
}

/** The study's team: its principal investigator and researchers; the principal investigator adds researchers. */
export function TeamSection({ study, me }: { study: ResearchStudy; me: Me }) {
  const { t } = useTranslation();
  const isPi = study.team.some(
    (member) => member.accountId === me.account.id && member.role === 'principal_investigator',
  );
  return (
    <Section id="team" title={t('research.editor.team.title')}>
      <Text>{t('research.editor.team.intro')}</Text>
      <DataTable
        caption={t('research.editor.team.caption')}
        head={[t('research.editor.team.member'), t('research.editor.team.role')]}
        minWidth={480}
      >
        {study.team.map((member) => (
          <Table.Tr key={member.accountId} data-testid="team-member">
            <Table.Td>
              {member.accountId === me.account.id ? (
                t('research.editor.team.you', { name: me.account.displayName })
              ) : (
                <Code>{member.accountId}</Code>
              )}
            </Table.Td>
            <Table.Td>{t(`research.editor.team.roles.${member.role}`)}</Table.Td>
          </Table.Tr>
        ))}
      </DataTable>
      {isPi && <AddMemberForm study={study} />}
    </Section>
  );
}
