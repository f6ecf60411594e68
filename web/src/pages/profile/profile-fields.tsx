import { Fieldset, NativeSelect, Radio, Stack, Text, TextInput } from '@mantine/core';
import { type ChangeEvent, type ReactNode, useId } from 'react';
import { useTranslation } from 'react-i18next';
import {
  ageInYears,
  CONTACT_PREFERENCES,
  EDUCATION_LEVELS,
  GENDERS,
  MINIMUM_AGE,
  type ParticipantProfile,
  SEXES_AT_BIRTH,
} from '../../api-types.ts';
import { LocaleSelect } from '../../components/fields.tsx';
import { PC4, usePostcode } from './profile-queries.ts';

/** The profile as a form holds it: every answer a string, '' for "not given". */
export type ProfileValues = {
  birthYear: string;
  birthMonth: string;
  postcode4: string;
  sexAtBirth: string;
  gender: string;
  educationLevel: string;
  contactPreference: string;
  timeZone: string;
  locale: string;
};

export const PROFILE_FIELDS = [
  'birthYear',
  'birthMonth',
  'postcode4',
  'sexAtBirth',
  'gender',
  'educationLevel',
  'contactPreference',
  'timeZone',
] as const;
export type ProfileField = (typeof PROFILE_FIELDS)[number];

export const DEFAULT_TIME_ZONE = 'Europe/Amsterdam';

/** Common time zones of people in the region and of those who live abroad for a while. */
const TIME_ZONES = [
  'Europe/Amsterdam',
  'Europe/Brussels',
  'Europe/Berlin',
  'Europe/Paris',
  'Europe/London',
  'Europe/Madrid',
  'Europe/Lisbon',
  'Europe/Istanbul',
  'Africa/Casablanca',
  'America/Paramaribo',
  'America/Curacao',
  'America/New_York',
  'Asia/Jakarta',
  'UTC',
];

export const emptyProfileValues = (locale: string): ProfileValues => ({
  birthYear: '',
  birthMonth: '',
  postcode4: '',
  sexAtBirth: '',
  gender: '',
  educationLevel: '',
  contactPreference: '',
  timeZone: DEFAULT_TIME_ZONE,
  locale,
});

export const profileValuesOf = (profile: ParticipantProfile, locale: string): ProfileValues => ({
  birthYear: String(profile.birthYear),
  birthMonth: String(profile.birthMonth),
  postcode4: profile.postcode4,
  sexAtBirth: profile.sexAtBirth,
  gender: profile.gender ?? '',
  educationLevel: profile.educationLevel ?? '',
  contactPreference: profile.contactPreference,
  timeZone: profile.timeZone,
  locale,
});

/** The answers as the API takes them: numbers for the birth date, null for an optional answer left out. */
export function profileBody(values: ProfileValues, fields: readonly ProfileField[] = PROFILE_FIELDS) {
  const body: Record<string, string | number | null> = {};
  for (const field of fields) {
    const value = values[field];
    if (field === 'birthYear' || field === 'birthMonth') body[field] = Number(value);
    else if (field === 'gender' || field === 'educationLevel') body[field] = value === '' ? null : value;
    else body[field] = value;
  }
  return body;
}

/** Age in whole years, or null while year or month is missing or not a plausible date. */
export function ageOf(
  values: Pick<ProfileValues, 'birthYear' | 'birthMonth'>,
  now = new Date(),
): number | null {
  const year = Number(values.birthYear);
  const month = Number(values.birthMonth);
  if (!/^\d{4}$/.test(values.birthYear) || year < 1900 || !(month >= 1 && month <= 12)) return null;
  return ageInYears(year, month, now);
}

export const isUnderAge = (values: Pick<ProfileValues, 'birthYear' | 'birthMonth'>): boolean => {
  const age = ageOf(values);
  return age !== null && age >= 0 && age < MINIMUM_AGE;
};

type InputProps = {
  name: string;
  value: string;
  error: string | undefined;
  onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) => void;
};

/** Birth year (typed) and month (chosen): the day is never asked. */
export function BirthFields({ year, month }: { year: InputProps; month: InputProps }) {
  const { t, i18n } = useTranslation();
  const monthName = new Intl.DateTimeFormat(i18n.language === 'en' ? 'en-GB' : 'nl-NL', {
    month: 'long',
    timeZone: 'UTC',
  });
  const months = Array.from({ length: 12 }, (_, index) => ({
    value: String(index + 1),
    label: monthName.format(new Date(Date.UTC(2000, index, 1))),
  }));
  return (
    <Fieldset legend={t('participant.birth')} variant="unstyled" styles={legendStyles}>
      <Stack gap="sm">
        <TextInput
          label={t('participant.birthYear')}
          description={t('participant.birthYearHint')}
          inputMode="numeric"
          autoComplete="bday-year"
          maxLength={4}
          required
          data-testid="birth-year"
          {...year}
        />
        <NativeSelect
          label={t('participant.birthMonth')}
          autoComplete="bday-month"
          required
          data-testid="birth-month"
          data={[{ value: '', label: t('common.choose') }, ...months]}
          {...month}
        />
      </Stack>
    </Fieldset>
  );
}

/** Whether the postcode typed is known to lie outside the region (or to be unknown). */
export function useOutsideRegion(pc4: string): boolean {
  const lookup = usePostcode(pc4);
  return lookup.data?.pc4 === pc4 && !lookup.data.inRegion;
}

/**
 * The 4 digits of the postcode, and as soon as they are typed, the municipality or why the person cannot
 * join from there, announced.
 */
export function PostcodeField({ input }: { input: InputProps }) {
  const { t } = useTranslation();
  const pc4 = input.value;
  const lookup = usePostcode(pc4);
  let result: ReactNode = null;
  if (PC4.test(pc4)) {
    if (lookup.isPending) result = <Text>{t('participant.postcodeLooking')}</Text>;
    else if (lookup.isError) result = <Text c="red.8">{t('participant.postcodeLookupFailed')}</Text>;
    else if (lookup.data.municipality) {
      result = (
        <Text fw={600} data-testid="postcode-municipality">
          {t('participant.municipality', { name: lookup.data.municipality.name })}
        </Text>
      );
    } else {
      result = (
        <Text fw={600} c="red.8" data-testid="postcode-outside">
          {t('participant.outsideRegion')}
        </Text>
      );
    }
  }
  return (
    <Stack gap="xs">
      <TextInput
        label={t('participant.postcode4')}
        description={t('participant.postcode4Hint')}
        inputMode="numeric"
        autoComplete="off"
        maxLength={4}
        required
        data-testid="postcode4"
        {...input}
      />
      <div role="status" data-testid="postcode-result">
        {result}
      </div>
    </Stack>
  );
}

const legendStyles = { legend: { fontWeight: 600, marginBottom: 'var(--mantine-spacing-xs)' } };

interface ChoiceFieldsetProps {
  legend: string;
  name: string;
  value: string;
  /** `hint`: a sentence below the option's label, e.g. what choosing it means. */
  options: { value: string; label: string; hint?: string }[];
  onChange: (value: string) => void;
  error?: string | undefined;
  description?: string;
  testId?: string;
}

/** Radio buttons in a fieldset whose legend asks the question. */
export function ChoiceFieldset({
  legend,
  name,
  value,
  options,
  onChange,
  error,
  description,
  testId,
}: ChoiceFieldsetProps) {
  const errorId = useId();
  const descriptionId = useId();
  const describedBy = [description ? descriptionId : null, error ? errorId : null].filter(Boolean).join(' ');
  return (
    <Fieldset
      legend={legend}
      variant="unstyled"
      styles={legendStyles}
      aria-describedby={describedBy || undefined}
      data-testid={testId}
    >
      <Stack gap="xs">
        {description && (
          <Text size="sm" id={descriptionId}>
            {description}
          </Text>
        )}
        {options.map((option) => (
          <Radio
            key={option.value}
            name={name}
            value={option.value}
            label={option.label}
            description={option.hint}
            checked={value === option.value}
            onChange={() => onChange(option.value)}
          />
        ))}
        {error && (
          <Text c="red.8" size="sm" id={errorId}>
            {error}
          </Text>
        )}
      </Stack>
    </Fieldset>
  );
}

interface AboutYouProps {
  values: ProfileValues;
  errors: Partial<Record<string, string>>;
  input: (name: keyof ProfileValues & string) => InputProps;
  setValue: (name: keyof ProfileValues & string, value: string) => void;
}

/** Sex at birth, gender, education, contact, time zone and language: the rest of the profile. */
export function AboutYouFields({ values, errors, input, setValue }: AboutYouProps) {
  const { t } = useTranslation();
  const zones = TIME_ZONES.includes(values.timeZone) ? TIME_ZONES : [values.timeZone, ...TIME_ZONES];
  return (
    <Stack gap="lg">
      <ChoiceFieldset
        legend={t('participant.sexAtBirth')}
        description={t('participant.sexAtBirthHint')}
        name="sexAtBirth"
        value={values.sexAtBirth}
        onChange={(value) => setValue('sexAtBirth', value)}
        error={errors.sexAtBirth}
        options={SEXES_AT_BIRTH.map((sex) => ({ value: sex, label: t(`participant.sexes.${sex}`) }))}
        testId="sex-at-birth"
      />
      <NativeSelect
        label={t('participant.gender')}
        description={t('participant.genderHint')}
        data={[
          { value: '', label: t('participant.notGiven') },
          ...GENDERS.map((gender) => ({ value: gender, label: t(`participant.genders.${gender}`) })),
        ]}
        {...input('gender')}
      />
      <NativeSelect
        label={t('participant.educationLevel')}
        description={t('participant.educationLevelHint')}
        data={[
          { value: '', label: t('participant.notGiven') },
          ...EDUCATION_LEVELS.map((level) => ({ value: level, label: t(`participant.education.${level}`) })),
        ]}
        {...input('educationLevel')}
      />
      <ChoiceFieldset
        legend={t('participant.contactPreference')}
        name="contactPreference"
        value={values.contactPreference}
        onChange={(value) => setValue('contactPreference', value)}
        error={errors.contactPreference}
        options={CONTACT_PREFERENCES.map((contact) => ({
          value: contact,
          label: t(`participant.contact.${contact}`),
        }))}
        testId="contact-preference"
      />
      <NativeSelect
        label={t('participant.timeZone')}
        description={t('participant.timeZoneHint')}
        data={zones.map((zone) => ({ value: zone, label: zone.replace(/_/g, ' ') }))}
        {...input('timeZone')}
      />
      <LocaleSelect label={t('participant.locale')} {...input('locale')} />
    </Stack>
  );
}
