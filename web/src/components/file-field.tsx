import { Input } from '@mantine/core';
import { useId } from 'react';

interface FileFieldProps {
  label: string;
  description?: string;
  error?: string | undefined;
  /** File types to offer, e.g. `.json,application/json`. */
  accept: string;
  onFile: (file: File | null) => void;
  testId?: string;
}

/**
 * Choose one file. The browser's own file input, labelled like the other fields: it works with the
 * keyboard and screen readers everywhere, and its button speaks the browser's language.
 */
export function FileField({ label, description, error, accept, onFile, testId }: FileFieldProps) {
  const id = useId();
  const describedBy =
    [description ? `${id}-description` : null, error ? `${id}-error` : null].filter(Boolean).join(' ') ||
    undefined;
  return (
    <Input.Wrapper id={id} label={label} description={description} error={error}>
      <input
        id={id}
        type="file"
        className="file-input"
        accept={accept}
        aria-describedby={describedBy}
        aria-invalid={error ? true : undefined}
        data-testid={testId}
        onChange={(event) => onFile(event.currentTarget.files?.[0] ?? null)}
      />
    </Input.Wrapper>
  );
}
