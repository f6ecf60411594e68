import { type ChangeEvent, useCallback, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type ErrorOverrides, problemToFormErrors } from '../form-errors.ts';

type Values = Record<string, string>;

/**
 * Plain controlled state for a form whose answers come from the API: values, a message per field and one
 * form-level message, filled from a failed request by {@link problemToFormErrors}.
 */
export function useApiForm<V extends Values>(initial: V) {
  const { t } = useTranslation();
  const [values, setValues] = useState<V>(initial);
  const [errors, setErrors] = useState<Partial<Record<keyof V & string, string>>>({});
  const [formError, setFormError] = useState<string | null>(null);
  const fieldNames = useMemo(() => Object.keys(initial) as (keyof V & string)[], [initial]);

  const setValue = useCallback((name: keyof V & string, value: string) => {
    setValues((current) => ({ ...current, [name]: value }));
    setErrors((current) => (current[name] === undefined ? current : { ...current, [name]: undefined }));
  }, []);

  /** Props for a Mantine input: value, onChange and the error (which Mantine links to the input). */
  const input = (name: keyof V & string) => ({
    name,
    value: values[name],
    error: errors[name],
    onChange: (event: ChangeEvent<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>) =>
      setValue(name, event.currentTarget.value),
  });

  const showError = (error: unknown, overrides?: ErrorOverrides) => {
    const problem = problemToFormErrors(error, fieldNames, t, overrides);
    setErrors(problem.fields);
    setFormError(problem.form);
  };

  const clearErrors = () => {
    setErrors({});
    setFormError(null);
  };

  const reset = () => {
    setValues(initial);
    clearErrors();
  };

  return {
    values,
    setValue,
    input,
    errors,
    setErrors,
    formError,
    setFormError,
    showError,
    clearErrors,
    reset,
  };
}
