import { Anchor, Button, Paper, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../../api.ts';
import { isLocale, type Me, type ParticipantProfile } from '../../api-types.ts';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { useSession } from '../../components/require-session.tsx';
import { Section } from '../../components/section.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { meKey } from '../../hooks/use-me.ts';
import { applyLocale } from '../../i18n/index.ts';
import { useDates } from '../consent/consent-queries.ts';
import {
  AboutYouFields,
  BirthFields,
  PostcodeField,
  PROFILE_FIELDS,
  type ProfileValues,
  profileBody,
  profileValuesOf,
} from './profile-fields.tsx';
import { profileKey, useMyProfile } from './profile-queries.ts';

type Outcome = 'saved' | 'unchanged' | null;

/** The profile as a form: only the answers that changed are sent (PATCH /me/profile). */
function ProfileForm({ profile, me }: { profile: ParticipantProfile; me: Me }) {
  const { t, i18n } = useTranslation();
  const dates = useDates();
  const queryClient = useQueryClient();
  const [baseline, setBaseline] = useState(() => profileValuesOf(profile, me.account.locale));
  const form = useApiForm<ProfileValues>(baseline);
  const [outcome, setOutcome] = useState<Outcome>(null);

  const save = useMutation({
    mutationFn: async (): Promise<Outcome> => {
      const changed = PROFILE_FIELDS.filter((field) => form.values[field] !== baseline[field]);
      const locale = form.values.locale;
      const localeChanged = isLocale(locale) && locale !== baseline.locale;
      if (changed.length === 0 && !localeChanged) return 'unchanged';
      let saved = profile;
      if (changed.length > 0) {
        saved = await api.patch<ParticipantProfile>('/me/profile', profileBody(form.values, changed));
        queryClient.setQueryData(profileKey, saved);
      }
      if (localeChanged) {
        queryClient.setQueryData(meKey, await api.patch<Me>('/me', { locale }));
        await applyLocale(locale);
      }
      setBaseline(profileValuesOf(saved, isLocale(locale) ? locale : baseline.locale));
      return 'saved';
    },
    onMutate: () => {
      form.clearErrors();
      setOutcome(null);
    },
    onSuccess: setOutcome,
    onError: (error) => form.showError(error),
  });

  let status: ReactNode = null;
  if (outcome === 'saved') status = <SuccessNotice>{t('profile.saved')}</SuccessNotice>;
  else if (outcome === 'unchanged') status = <Text>{t('profile.unchanged')}</Text>;

  return (
    <>
      {profile.leftAt ? (
        <InfoNotice>
          {t('profile.left', { date: new Date(profile.leftAt).toLocaleDateString(i18n.language) })}
        </InfoNotice>
      ) : null}
      <Paper withBorder p="md">
        <Text data-testid="profile-municipality">
          {t('profile.livesIn', {
            municipality: profile.municipality.name,
            province: profile.municipality.province,
          })}
        </Text>
        <Text size="sm" c="dimmed">
          {t('profile.memberSince', { date: dates.date(profile.joinedAt) })}
        </Text>
      </Paper>
      <Section id="profile-edit" title={t('profile.editTitle')}>
        <Text>{t('profile.editIntro')}</Text>
        <form
          noValidate
          onSubmit={(event) => {
            event.preventDefault();
            save.mutate();
          }}
        >
          <Stack gap="lg">
            <BirthFields year={form.input('birthYear')} month={form.input('birthMonth')} />
            <PostcodeField input={form.input('postcode4')} />
            <AboutYouFields
              values={form.values}
              errors={form.errors}
              input={form.input}
              setValue={form.setValue}
            />
            <FormAlert message={form.formError} />
            <div role="status" data-testid="profile-status">
              {status}
            </div>
            <div>
              <Button type="submit" loading={save.isPending} data-testid="profile-save">
                {t('profile.save')}
              </Button>
            </div>
          </Stack>
        </form>
      </Section>
      <Section id="profile-download" title={t('profile.download.title')}>
        <Stack gap="sm">
          <Text>{t('profile.download.intro')}</Text>
          <div>
            <Anchor href="/api/v1/me/data-export" download data-testid="data-export">
              {t('profile.download.link')}
            </Anchor>
          </div>
        </Stack>
      </Section>
      <Section id="profile-leave" title={t('profile.leave.title')}>
        <Text>{t('profile.leave.intro')}</Text>
        <div>
          <Anchor component={Link} to="/leave" data-testid="profile-leave">
            {t('profile.leave.link')}
          </Anchor>
        </div>
      </Section>
    </>
  );
}

/** /profile: "my details" of a Citizen Lab member, to read and correct (GDPR art. 16). */
export function ProfilePage() {
  const { t } = useTranslation();
  const me = useSession();
  const profile = useMyProfile();
  let content: ReactNode;
  if (profile.isPending) content = <Loading />;
  else if (profile.isError) content = <QueryError error={profile.error} />;
  else if (!profile.data) {
    content = (
      <Stack>
        <InfoNotice>{t('profile.notJoined')}</InfoNotice>
        <div>
          <Button component={Link} to="/join">
            {t('join.cta')}
          </Button>
        </div>
      </Stack>
    );
  } else {
    content = <ProfileForm profile={profile.data} me={me} />;
  }
  return (
    <Page title={t('profile.title')} size="sm">
      <Text>{t('profile.intro')}</Text>
      {content}
    </Page>
  );
}
