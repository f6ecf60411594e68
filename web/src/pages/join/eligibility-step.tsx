import { Alert, Button, Paper, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../../api.ts';
import { MINIMUM_AGE } from '../../api-types.ts';
import { FormAlert, SuccessNotice } from '../../components/notices.tsx';
import { useApiForm } from '../../hooks/use-api-form.ts';
import { currentLocale } from '../../i18n/index.ts';
import { BirthFields, isUnderAge, PostcodeField, useOutsideRegion } from '../profile/profile-fields.tsx';
import type { JoinForm } from './join-draft.ts';
import { StepButtons } from './step-buttons.tsx';

/** Outside the region: leave an e-mail address to hear when the Citizen Lab opens there. */
function WaitList({ postcode4 }: { postcode4: string }) {
  const { t } = useTranslation();
  const form = useApiForm({ email: '' });
  const join = useMutation({
    mutationFn: () =>
      api.post('/wait-list', { email: form.values.email.trim(), postcode4, locale: currentLocale() }),
    onMutate: form.clearErrors,
    onError: (error) => form.showError(error),
  });
  return (
    <Paper withBorder p="md" component="section" aria-labelledby="wait-list-title">
      <Stack gap="sm">
        <Title order={3} id="wait-list-title">
          {t('join.waitList.title')}
        </Title>
        <Text>{t('join.waitList.text')}</Text>
        <div role="status">{join.isSuccess && <SuccessNotice>{t('join.waitList.done')}</SuccessNotice>}</div>
        {!join.isSuccess && (
          <form
            noValidate
            onSubmit={(event) => {
              event.preventDefault();
              join.mutate();
            }}
          >
            <Stack gap="sm">
              <TextInput
                label={t('fields.email')}
                type="email"
                autoComplete="email"
                required
                data-testid="wait-list-email"
                {...form.input('email')}
              />
              <FormAlert message={form.formError} />
              <div>
                <Button
                  type="submit"
                  variant="default"
                  loading={join.isPending}
                  data-testid="wait-list-submit"
                >
                  {t('join.waitList.submit')}
                </Button>
              </div>
            </Stack>
          </form>
        )}
      </Stack>
    </Paper>
  );
}

/** Step 2: age (16 or older) and living in the region; only who may join goes on. */
export function EligibilityStep({
  form,
  onNext,
  onBack,
}: {
  form: JoinForm;
  onNext: () => void;
  onBack: () => void;
}) {
  const { t } = useTranslation();
  const underAge = isUnderAge(form.values);
  const outside = useOutsideRegion(form.values.postcode4);
  return (
    <Stack gap="lg">
      <Text>{t('join.eligibility.intro')}</Text>
      <form
        id="eligibility-form"
        noValidate
        onSubmit={(event) => {
          event.preventDefault();
          onNext();
        }}
      >
        <Stack gap="lg">
          <BirthFields year={form.input('birthYear')} month={form.input('birthMonth')} />
          <div role="status">
            {underAge && (
              <Alert color="blue" title={t('join.eligibility.tooYoungTitle')} data-testid="too-young">
                {t('join.eligibility.tooYoung', { age: MINIMUM_AGE })}
              </Alert>
            )}
          </div>
          <PostcodeField input={form.input('postcode4')} />
        </Stack>
      </form>
      {outside && (
        <Stack gap="sm">
          <Text>{t('join.eligibility.outsideText')}</Text>
          <WaitList key={form.values.postcode4} postcode4={form.values.postcode4} />
        </Stack>
      )}
      <FormAlert message={form.formError} />
      <StepButtons onBack={onBack} form="eligibility-form" />
    </Stack>
  );
}
