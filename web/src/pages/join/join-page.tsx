import { Anchor, Button, Group, List, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api, isApiError } from '../../api.ts';
import {
  type ConsentDocument,
  isLocale,
  type Me,
  MINIMUM_AGE,
  type ParticipantProfile,
} from '../../api-types.ts';
import { FormAlert, InfoNotice, Loading, QueryError, SuccessNotice } from '../../components/notices.tsx';
import { Page } from '../../components/page.tsx';
import { problemToFormErrors } from '../../form-errors.ts';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { meKey, useMe } from '../../hooks/use-me.ts';
import { applyLocale, currentLocale } from '../../i18n/index.ts';
import { catalogueKey, consentKey } from '../consent/consent-queries.ts';
import {
  AboutYouFields,
  ageOf,
  PROFILE_FIELDS,
  type ProfileField,
  type ProfileValues,
  profileBody,
} from '../profile/profile-fields.tsx';
import { PC4, profileKey, useMyProfile, usePostcode } from '../profile/profile-queries.ts';
import { AccountStep } from './account-step.tsx';
import { ConsentStep } from './consent-step.tsx';
import { EligibilityStep } from './eligibility-step.tsx';
import { type ConsentChoice, clearDraft, type JoinForm, loadDraft, STEPS, saveDraft } from './join-draft.ts';
import { StepButtons } from './step-buttons.tsx';

const ELIGIBILITY_FIELDS: readonly ProfileField[] = ['birthYear', 'birthMonth', 'postcode4'];

/** Step 1: what the Citizen Lab is, in plain words. */
function InformationStep({ onNext }: { onNext: () => void }) {
  const { t } = useTranslation();
  const points = ['who', 'insights', 'choose', 'stop'] as const;
  return (
    <Stack gap="lg">
      <Text size="lg">{t('join.information.intro')}</Text>
      <List spacing="sm">
        {points.map((point) => (
          <List.Item key={point}>{t(`join.information.${point}`)}</List.Item>
        ))}
      </List>
      <Text>{t('join.information.steps')}</Text>
      <Text>
        {t('join.information.purposesIntro')}{' '}
        <Anchor component={Link} to="/consent/purposes" data-testid="join-purposes">
          {t('join.information.purposesLink')}
        </Anchor>
      </Text>
      <StepButtons onNext={onNext} nextLabel={t('join.information.start')} />
    </Stack>
  );
}

/** Step 4: the rest of the profile; the language is saved to the account on going on. */
function ProfileStep({
  form,
  onNext,
  onBack,
  saving,
}: {
  form: JoinForm;
  onNext: () => void;
  onBack: () => void;
  saving: boolean;
}) {
  const { t } = useTranslation();
  return (
    <Stack gap="lg">
      <Text>{t('join.profile.intro')}</Text>
      <form
        id="profile-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          onNext();
        }}
      >
        <AboutYouFields
          values={form.values}
          errors={form.errors}
          input={form.input}
          setValue={form.setValue}
        />
      </form>
      <FormAlert message={form.formError} />
      <StepButtons onBack={onBack} form="profile-form" loading={saving} />
    </Stack>
  );
}

/** After joining: where to go now. */
function Welcome({ profile }: { profile: ParticipantProfile }) {
  const { t } = useTranslation();
  return (
    <Page title={t('join.welcome.title')} size="sm">
      <SuccessNotice>{t('join.welcome.text', { municipality: profile.municipality.name })}</SuccessNotice>
      <Text>{t('join.welcome.next')}</Text>
      <Group>
        <Button component={Link} to="/consent" data-testid="welcome-consent">
          {t('nav.consent')}
        </Button>
        <Button component={Link} to="/profile" variant="default" data-testid="welcome-profile">
          {t('nav.profile')}
        </Button>
      </Group>
    </Page>
  );
}

/** Signed in and a member already: nothing to do here. */
function AlreadyJoined() {
  const { t } = useTranslation();
  return (
    <Page title={t('join.title')} size="sm">
      <InfoNotice>{t('join.already')}</InfoNotice>
      <Group>
        <Button component={Link} to="/consent">
          {t('nav.consent')}
        </Button>
        <Button component={Link} to="/profile" variant="default">
          {t('nav.profile')}
        </Button>
      </Group>
    </Page>
  );
}

/** The steps of joining, their answers kept in this tab (sessionStorage) across signing up and in. */
function JoinSteps({ me, onJoined }: { me: Me | null; onJoined: (profile: ParticipantProfile) => void }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [draft] = useState(() => loadDraft(me?.account.locale ?? currentLocale()));
  const form = useApiForm<ProfileValues>(draft.values);
  const [step, setStep] = useState(draft.step);
  const [consents, setConsents] = useState<Record<string, ConsentChoice>>(draft.consents);
  const [textChanged, setTextChanged] = useState(false);
  const heading = useRef<HTMLHeadingElement>(null);
  const movedStep = useRef(false);
  const postcode = usePostcode(form.values.postcode4);

  // Without a session, the steps after the account wait until the person signs in.
  const accountIndex = STEPS.indexOf('account');
  const shownStep = !me && step > accountIndex ? accountIndex : step;
  const stepName = STEPS[shownStep] ?? 'information';

  const finished = useRef(false);
  useEffect(() => {
    if (!finished.current) saveDraft({ step, values: form.values, consents });
  }, [step, form.values, consents]);

  // Moving between steps puts the focus on the new step's heading, as a new page would.
  // biome-ignore lint/correctness/useExhaustiveDependencies: runs when the step changes
  useEffect(() => {
    if (!movedStep.current) return;
    heading.current?.focus();
  }, [shownStep]);

  const goTo = (next: number) => {
    movedStep.current = true;
    form.clearErrors();
    setStep(next);
    window.scrollTo(0, 0);
  };

  const checkEligibility = () => {
    const errors: Partial<Record<string, string>> = {};
    const { birthYear, birthMonth, postcode4 } = form.values;
    const age = ageOf(form.values);
    const thisYear = new Date().getFullYear();
    if (!/^\d{4}$/.test(birthYear) || Number(birthYear) < 1900 || Number(birthYear) > thisYear) {
      errors.birthYear = t('join.eligibility.yearInvalid');
    } else if (age !== null && age < 0) errors.birthYear = t('join.eligibility.future');
    else if (age !== null && age < MINIMUM_AGE) {
      errors.birthYear = t('join.eligibility.tooYoungShort', { age: MINIMUM_AGE });
    }
    if (birthMonth === '') errors.birthMonth = t('join.eligibility.monthMissing');
    if (!PC4.test(postcode4)) errors.postcode4 = t('join.eligibility.postcodeInvalid');
    else if (postcode.data?.pc4 === postcode4 && !postcode.data.inRegion) {
      errors.postcode4 = t('join.eligibility.postcodeOutside');
    } else if (!postcode.data?.inRegion) errors.postcode4 = t('join.eligibility.postcodeWait');
    form.setErrors(errors);
    if (Object.keys(errors).length === 0) goTo(shownStep + 1);
  };

  const saveLocale = useMutation({
    mutationFn: async () => {
      const locale = form.values.locale;
      if (!me || !isLocale(locale) || locale === me.account.locale) return;
      queryClient.setQueryData(meKey, await api.patch<Me>('/me', { locale }));
      await applyLocale(locale);
    },
    onMutate: form.clearErrors,
    onSuccess: () => goTo(shownStep + 1),
    onError: (error) => form.showError(error),
  });

  const checkProfile = () => {
    const errors: Partial<Record<string, string>> = {};
    if (form.values.sexAtBirth === '') errors.sexAtBirth = t('join.profile.sexMissing');
    if (form.values.contactPreference === '') errors.contactPreference = t('join.profile.contactMissing');
    form.setErrors(errors);
    if (Object.keys(errors).length === 0) saveLocale.mutate();
  };

  const join = useMutation({
    mutationFn: (documents: ConsentDocument[]) =>
      api.post<ParticipantProfile>('/me/participation', {
        ...profileBody(form.values),
        consents: documents.flatMap((document) => {
          const decision = consents[document.purposeKey];
          return decision === 'granted' || decision === 'refused'
            ? [{ purposeKey: document.purposeKey, decision, documentVersion: document.version }]
            : [];
        }),
      }),
    onMutate: () => {
      form.clearErrors();
      setTextChanged(false);
    },
    onSuccess: (profile) => {
      finished.current = true;
      clearDraft();
      onJoined(profile);
      queryClient.setQueryData(profileKey, profile);
      void queryClient.invalidateQueries({ queryKey: consentKey });
    },
    onError: (error) => {
      if (isApiError(error) && error.errors.some((e) => e.pointer.startsWith('#/consents/'))) {
        // A text changed while the person read it: show the new one and let them choose again.
        setTextChanged(true);
        void queryClient.invalidateQueries({ queryKey: catalogueKey });
        return;
      }
      const problem = problemToFormErrors(error, PROFILE_FIELDS, t, {
        conflict: t('join.already'),
      });
      const fields = Object.keys(problem.fields);
      if (fields.length > 0) {
        const back = fields.some((field) => ELIGIBILITY_FIELDS.some((name) => name === field))
          ? STEPS.indexOf('eligibility')
          : STEPS.indexOf('profile');
        goTo(back);
      }
      form.showError(error, { conflict: t('join.already') });
    },
  });

  const back = () => goTo(Math.max(0, shownStep - 1));
  let content: ReactNode;
  switch (stepName) {
    case 'information':
      content = <InformationStep onNext={() => goTo(1)} />;
      break;
    case 'eligibility':
      content = <EligibilityStep form={form} onNext={checkEligibility} onBack={back} />;
      break;
    case 'account':
      content = <AccountStep me={me} onNext={() => goTo(shownStep + 1)} onBack={back} />;
      break;
    case 'profile':
      content = <ProfileStep form={form} onNext={checkProfile} onBack={back} saving={saveLocale.isPending} />;
      break;
    case 'consent':
      content = (
        <ConsentStep
          consents={consents}
          onChoose={(key, choice) => setConsents((current) => ({ ...current, [key]: choice }))}
          onSubmit={(documents) => join.mutate(documents)}
          onBack={back}
          submitting={join.isPending}
          textChanged={textChanged}
          formError={form.formError}
        />
      );
      break;
  }

  return (
    <Page title={t('join.title')} size="sm">
      <Stack gap={4}>
        <Text fw={600} data-testid="join-progress">
          {t('join.progress', { step: shownStep + 1, total: STEPS.length })}
        </Text>
        <Title order={2} ref={heading} tabIndex={-1} data-testid="join-step-title">
          {t(`join.steps.${stepName}`)}
        </Title>
      </Stack>
      {content}
    </Page>
  );
}

/** /join: information, eligibility, account, profile and consent, mobile first. */
export function JoinPage() {
  const me = useMe();
  const signedIn = me.data != null;
  const profile = useMyProfile(signedIn);
  // Kept here: once joined, the profile query answers too, and the welcome must win over "already joined".
  const [joined, setJoined] = useState<ParticipantProfile | null>(null);
  if (joined) return <Welcome profile={joined} />;
  if (me.isPending || (signedIn && profile.isPending)) return <Loading />;
  if (me.isError) return <QueryError error={me.error} />;
  if (profile.data) return <AlreadyJoined />;
  return <JoinSteps me={me.data ?? null} onJoined={setJoined} />;
}
