import { Input, Stack, Text } from '@mantine/core';
import { type DragEvent, type ReactNode, useId, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useLocale } from '../questionnaires/questionnaire-queries.ts';

interface FileDropZoneProps {
  label: string;
  description: string;
  error: ReactNode;
  /** File types to offer in the browser's dialog. */
  accept: string;
  file: File | null;
  onFile: (file: File | null) => void;
  disabled: boolean;
}

const SIZE_UNITS = [
  ['gigabyte', 1e9],
  ['megabyte', 1e6],
  ['kilobyte', 1e3],
] as const;

/** A file size in the units people know (bytes, kB, MB, GB). */
export function useFileSize(): (bytes: number) => string {
  const locale = useLocale() === 'en' ? 'en-GB' : 'nl-NL';
  return (bytes) => {
    const [unit, divisor] = SIZE_UNITS.find(([, size]) => bytes >= size) ?? (['byte', 1] as const);
    return new Intl.NumberFormat(locale, { style: 'unit', unit, maximumFractionDigits: 1 }).format(
      bytes / divisor,
    );
  };
}

/**
 * The browser's own file input with its label, inside an area a file can also be dropped on. The input is
 * the control (keyboard and screen reader users choose the file with its button); dropping is an extra for
 * mouse users, and a dropped file is put into the input, so both ways show the same thing.
 */
export function FileDropZone({
  label,
  description,
  error,
  accept,
  file,
  onFile,
  disabled,
}: FileDropZoneProps) {
  const { t } = useTranslation();
  const id = useId();
  const input = useRef<HTMLInputElement>(null);
  const [dragging, setDragging] = useState(false);
  const size = useFileSize();

  const over = (event: DragEvent<HTMLDivElement>) => {
    if (disabled || !event.dataTransfer.types.includes('Files')) return;
    event.preventDefault();
    event.dataTransfer.dropEffect = 'copy';
    setDragging(true);
  };
  const drop = (event: DragEvent<HTMLDivElement>) => {
    setDragging(false);
    if (disabled) return;
    event.preventDefault();
    const dropped = event.dataTransfer.files;
    if (dropped.length === 0) return;
    if (input.current) input.current.files = dropped;
    onFile(dropped[0] ?? null);
  };

  const describedBy = [`${id}-description`, error ? `${id}-error` : null].filter(Boolean).join(' ');
  return (
    <Input.Wrapper id={id} label={label} description={description} error={error}>
      {/* biome-ignore lint/a11y/noStaticElementInteractions: a drop target for the mouse only; the file input inside is the control for everyone */}
      <div
        onDragEnter={over}
        onDragOver={over}
        onDragLeave={() => setDragging(false)}
        onDrop={drop}
        data-testid="import-drop-zone"
        data-dragging={dragging || undefined}
        style={{
          marginTop: 'var(--mantine-spacing-xs)',
          padding: 'var(--mantine-spacing-lg)',
          borderRadius: 'var(--mantine-radius-md)',
          border: `2px dashed var(--mantine-color-${dragging ? 'blue-8' : 'gray-6'})`,
          background: dragging ? 'var(--mantine-color-blue-0)' : undefined,
        }}
      >
        <Stack gap="xs">
          <Text fw={600} aria-hidden="true">
            {t('measurements.import.dropHint')}
          </Text>
          <input
            ref={input}
            id={id}
            type="file"
            className="file-input"
            accept={accept}
            disabled={disabled}
            aria-describedby={describedBy}
            aria-invalid={error ? true : undefined}
            data-testid="import-file"
            onChange={(event) => onFile(event.currentTarget.files?.[0] ?? null)}
          />
          <Text size="sm" role="status" data-testid="import-file-chosen">
            {file ? t('measurements.import.chosen', { name: file.name, size: size(file.size) }) : ''}
          </Text>
        </Stack>
      </div>
    </Input.Wrapper>
  );
}
