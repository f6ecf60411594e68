import {
  Alert,
  Button,
  Code,
  CopyButton,
  Group,
  SimpleGrid,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
  VisuallyHidden,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { ConfirmButton } from '../../components/confirm-button.tsx';
import { DataTable } from '../../components/data-table.tsx';
import { FormAlert, Loading, QueryError } from '../../components/notices.tsx';
import { Section } from '../../components/section.tsx';
import { problemToFormErrors } from '../../form-errors.ts';
import { useFormat } from '../../hooks/use-format.ts';

/** A personal API token as GET /me/api-tokens gives it: never the token itself. */
interface ApiToken {
  id: string;
  name: string;
  createdAt: string;
  expiresAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** The longest a token lives (src/modules/identity/api-tokens.ts, API_TOKEN_MAX_DAYS). */
const MAX_DAYS = 90;
const MAX_NAME_LENGTH = 100;
const tokensKey = ['me', 'api-tokens'] as const;

type Field = 'name' | 'days';

/** A whole number of days from 1 to 90, or null. */
function daysOf(text: string): number | null {
  if (!/^\d{1,3}$/.test(text.trim())) return null;
  const days = Number(text.trim());
  return days >= 1 && days <= MAX_DAYS ? days : null;
}

/** The new token, shown this once: copy it, with the warning that it is never shown again. */
function NewToken({ token, name, onDone }: { token: string; name: string; onDone: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert
      color="yellow"
      variant="light"
      role="status"
      title={t('account.apiTokens.newTitle', { name })}
      // Dark text on the pale yellow: Mantine's yellow title would miss the contrast of WCAG 1.4.3.
      styles={{
        root: { borderLeft: '4px solid var(--mantine-color-yellow-7)' },
        title: { color: 'var(--mantine-color-dark-7)' },
      }}
      data-testid="api-token-new"
    >
      <Stack gap="sm">
        <Text c="dark.7" fw={600}>
          {t('account.apiTokens.onlyNow')}
        </Text>
        <Code block style={{ wordBreak: 'break-all', whiteSpace: 'pre-wrap' }} data-testid="api-token-value">
          {token}
        </Code>
        <Group>
          <CopyButton value={token}>
            {({ copied, copy }) => (
              <Button onClick={copy} data-testid="api-token-copy">
                {copied ? t('account.apiTokens.copied') : t('account.apiTokens.copy')}
              </Button>
            )}
          </CopyButton>
          <Button variant="default" onClick={onDone}>
            {t('account.apiTokens.hide')}
          </Button>
        </Group>
      </Stack>
    </Alert>
  );
}

/** How a script uses a token, with the addresses of this platform. */
function Instructions() {
  const { t } = useTranslation();
  const origin = window.location.origin;
  const file = `${origin}/api/v1/research/extracts/{id}/files/participants.csv`;
  const r = [
    `url <- "${file}"`,
    'response <- httr2::request(url) |>',
    '  httr2::req_auth_bearer_token(Sys.getenv("TOPFIT_TOKEN")) |>',
    '  httr2::req_perform()',
    'participants <- read.csv(text = httr2::resp_body_string(response))',
  ].join('\n');
  const curl = `curl -H "Authorization: Bearer $TOPFIT_TOKEN" \\\n  -o participants.csv \\\n  ${file}`;
  return (
    <Stack gap="xs">
      <Title order={3} size="h4">
        {t('account.apiTokens.howTitle')}
      </Title>
      <Text>{t('account.apiTokens.how')}</Text>
      <Text>{t('account.apiTokens.scope')}</Text>
      <Text fw={600}>{t('account.apiTokens.inR')}</Text>
      <Code block data-testid="api-token-r">
        {r}
      </Code>
      <Text fw={600}>{t('account.apiTokens.inCurl')}</Text>
      <Code block data-testid="api-token-curl">
        {curl}
      </Code>
    </Stack>
  );
}

/** Where a token stands: in use until it expires, unless revoked. */
function TokenState({ token }: { token: ApiToken }) {
  const { t } = useTranslation();
  const format = useFormat();
  if (token.revokedAt)
    return <>{t('account.apiTokens.revokedOn', { date: format.dateTime(token.revokedAt) })}</>;
  if (Date.parse(token.expiresAt) <= Date.now()) return <>{t('account.apiTokens.expired')}</>;
  return <>{t('account.apiTokens.active')}</>;
}

/**
 * Personal API tokens, for researchers' scripts (R, Python, curl) that read their studies, data requests and
 * extracts without a browser: make one (shown only once), see them all with when they were last used, revoke one.
 */
export function ApiTokensSection() {
  const { t } = useTranslation();
  const format = useFormat();
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [days, setDays] = useState('30');
  // Problems are kept as what they are, and worded when shown: a change of language re-words them.
  const [problems, setProblems] = useState<Field[]>([]);
  const [made, setMade] = useState<(ApiToken & { token: string }) | null>(null);

  const tokens = useQuery({
    queryKey: tokensKey,
    queryFn: async () => (await api.get<{ tokens: ApiToken[] }>('/me/api-tokens')).tokens,
  });
  const make = useMutation({
    mutationFn: (input: { name: string; days: number }) =>
      api.post<ApiToken & { token: string }>('/me/api-tokens', input),
    onSuccess: (answer) => {
      setMade(answer);
      setName('');
      setDays('30');
      void queryClient.invalidateQueries({ queryKey: tokensKey });
    },
  });
  const server = make.isError ? problemToFormErrors(make.error, ['name', 'days'] as const, t) : null;
  const errorOf = (field: Field): string | undefined =>
    problems.includes(field) || server?.fields[field] ? t(`account.apiTokens.errors.${field}`) : undefined;
  const formError = problems.length > 0 ? t('errors.check_fields') : (server?.form ?? null);

  const submit = (event: FormEvent) => {
    event.preventDefault();
    const wanted = daysOf(days);
    const found: Field[] = [];
    if (!name.trim()) found.push('name');
    if (wanted === null) found.push('days');
    setProblems(found);
    if (wanted !== null && found.length === 0) make.mutate({ name: name.trim(), days: wanted });
  };

  let list: ReactNode;
  if (tokens.isPending) list = <Loading />;
  else if (tokens.isError) list = <QueryError error={tokens.error} />;
  else if (tokens.data.length === 0) list = <Text>{t('account.apiTokens.none')}</Text>;
  else {
    list = (
      <DataTable
        caption={t('account.apiTokens.caption')}
        head={[
          t('account.apiTokens.name'),
          t('account.apiTokens.made'),
          t('account.apiTokens.expires'),
          t('account.apiTokens.lastUsed'),
          t('account.apiTokens.state'),
          t('account.apiTokens.action'),
        ]}
        minWidth={820}
      >
        {tokens.data.map((token) => {
          const live = !token.revokedAt && Date.parse(token.expiresAt) > Date.now();
          return (
            <Table.Tr key={token.id} data-testid="api-token">
              <Table.Td>{token.name}</Table.Td>
              <Table.Td>{format.dateTime(token.createdAt)}</Table.Td>
              <Table.Td>{format.dateTime(token.expiresAt)}</Table.Td>
              <Table.Td>
                {token.lastUsedAt ? format.dateTime(token.lastUsedAt) : t('account.apiTokens.never')}
              </Table.Td>
              <Table.Td>
                <TokenState token={token} />
              </Table.Td>
              <Table.Td>
                {live && (
                  <ConfirmButton
                    title={t('account.apiTokens.revokeTitle')}
                    text={t('account.apiTokens.revokeText', { name: token.name })}
                    confirmLabel={t('account.apiTokens.revokeConfirm')}
                    onConfirm={() => api.delete(`/me/api-tokens/${token.id}`)}
                    onDone={() => {
                      if (made?.id === token.id) setMade(null);
                      void queryClient.invalidateQueries({ queryKey: tokensKey });
                    }}
                    testId="api-token-revoke"
                  >
                    {t('account.apiTokens.revoke')}
                    <VisuallyHidden>{` ${token.name}`}</VisuallyHidden>
                  </ConfirmButton>
                )}
              </Table.Td>
            </Table.Tr>
          );
        })}
      </DataTable>
    );
  }

  return (
    <Section id="api-tokens" title={t('account.apiTokens.title')}>
      <Text>{t('account.apiTokens.intro')}</Text>
      {made && <NewToken token={made.token} name={made.name} onDone={() => setMade(null)} />}
      <form onSubmit={submit} noValidate data-testid="api-token-form">
        <Stack gap="md">
          <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="lg">
            <TextInput
              label={t('account.apiTokens.name')}
              description={t('account.apiTokens.nameHint')}
              required
              maxLength={MAX_NAME_LENGTH}
              value={name}
              error={errorOf('name')}
              onChange={(event) => {
                setName(event.currentTarget.value);
                setProblems((current) => current.filter((field) => field !== 'name'));
                make.reset();
              }}
            />
            <TextInput
              label={t('account.apiTokens.days')}
              description={t('account.apiTokens.daysHint', { max: MAX_DAYS })}
              required
              inputMode="numeric"
              maxLength={3}
              value={days}
              error={errorOf('days')}
              onChange={(event) => {
                setDays(event.currentTarget.value);
                setProblems((current) => current.filter((field) => field !== 'days'));
                make.reset();
              }}
            />
          </SimpleGrid>
          <FormAlert message={formError} />
          <div>
            <Button type="submit" loading={make.isPending} data-testid="api-token-make">
              {t('account.apiTokens.make')}
            </Button>
          </div>
        </Stack>
      </form>
      {list}
      <Instructions />
    </Section>
  );
}
