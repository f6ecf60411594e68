import { Anchor, Button, Group, NativeSelect, Stack, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { type ReactNode, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { IMPORT_FORMATS, type ImportFormat, type ImportSummary } from '../../api-types.ts';
import { FormAlert } from '../../components/notices.tsx';
import { errorMessage } from '../../form-errors.ts';
import { ChoiceFieldset } from '../profile/profile-fields.tsx';
import { FileDropZone } from './file-drop-zone.tsx';
import { measurementsKey } from './measurement-queries.ts';
import {
  asksDateOrder,
  type DateOrder,
  UploadError,
  type UploadProblem,
  uploadImport,
} from './upload-import.ts';
import { type UploadPhase, UploadProgress } from './upload-progress.tsx';

/** What the dialog offers; other files can still be chosen (a renamed export, say). */
const ACCEPT =
  '.csv,.txt,.json,.ndjson,.xml,.zip,text/csv,application/json,application/xml,text/xml,application/zip';

/**
 * Problems of the file that the web app explains in its own words, before the server's detail: the `issue`
 * slugs the importers give (src/modules/measurements/importers).
 */
const EXPLAINED_ISSUES = [
  'unknown_format',
  'unknown_layout',
  'unreadable',
  'empty_file',
  'no_readings',
  'invalid_json',
  'invalid_xml',
  'date_order_ambiguous',
  'date_order_inconsistent',
] as const;
type ExplainedIssue = (typeof EXPLAINED_ISSUES)[number];
const isExplainedIssue = (issue: string | null): issue is ExplainedIssue =>
  EXPLAINED_ISSUES.some((known) => known === issue);
/**
 * Issues whose detail from the server adds nothing for the participant: the ambiguous date order is asked in
 * the form itself, and the server's words for it ("choose the date order (dmy or mdy)") name API values.
 */
const SELF_EXPLAINED: readonly string[] = ['date_order_ambiguous'];

const isFormatProblem = (problem: UploadProblem) => problem.pointer === '#/format';
// An ambiguous date order is a problem of the file (its detail quotes the dates); a refused answer is the field's.
const isDateOrderField = (problem: UploadProblem) => problem.pointer === '#/dateOrder';

/** One problem of the file: what it is in plain words (when known), where, and the server's exact reason. */
function FileProblem({ problem }: { problem: UploadProblem }) {
  const { t } = useTranslation();
  return (
    <span style={{ display: 'block' }} data-testid="import-file-problem">
      {isExplainedIssue(problem.issue) && <>{t(`measurements.import.issue.${problem.issue}`)} </>}
      {problem.issue !== null && SELF_EXPLAINED.includes(problem.issue) ? null : (
        <>
          {problem.line !== null && <>{t('measurements.import.line', { line: problem.line })} </>}
          <span lang="en">{problem.detail}</span>
        </>
      )}
    </span>
  );
}

/** The message for the form as a whole, for a refusal that names no field. */
function formMessage(error: unknown, t: TFunction): string | null {
  if (!error || (error instanceof DOMException && error.name === 'AbortError')) return null;
  if (error instanceof UploadError) {
    if (error.status === 413) return t('measurements.import.tooLarge');
    if (error.code === 'invalid_input' && error.problems.length > 0) return t('errors.check_fields');
  }
  return errorMessage(error, t);
}

const FILE_FIELD = 'input[type="file"]';
const DATE_ORDER_FIELD = 'input[name="dateOrder"]';

/** Moves the keyboard to the field that needs an answer (once drawn), so its label, hint and message are read. */
const focusIn = (form: HTMLFormElement | null, selector: string) =>
  requestAnimationFrame(() => form?.querySelector<HTMLInputElement>(selector)?.focus());

interface ImportFormProps {
  /** The participant's zone (profile), for times in the file that carry no offset. */
  timeZone: string;
  /** A file is being sent: an earlier outcome on the page no longer applies. */
  onStart: () => void;
  onImported: (summary: ImportSummary) => void;
}

/**
 * Choose a file (or drop it), optionally say what kind it is, and send it. The date order is asked only
 * when the server cannot tell it from the file; the same file is then sent again with the answer.
 */
export function ImportForm({ timeZone, onStart, onImported }: ImportFormProps) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const [file, setFile] = useState<File | null>(null);
  const [fileError, setFileError] = useState<string | null>(null);
  const [format, setFormat] = useState<ImportFormat | 'auto'>('auto');
  const [askDateOrder, setAskDateOrder] = useState(false);
  const [dateOrder, setDateOrder] = useState<DateOrder | null>(null);
  const [dateOrderError, setDateOrderError] = useState<string | null>(null);
  const [phase, setPhase] = useState<UploadPhase | null>(null);
  const [cancelled, setCancelled] = useState(false);
  const [inputKey, setInputKey] = useState(0);
  const upload = useRef<AbortController | null>(null);
  const form = useRef<HTMLFormElement>(null);
  const focusField = (selector: string) => focusIn(form.current, selector);
  // The server asked for the date order: the question appears, and the keyboard goes to it.
  useEffect(() => {
    if (askDateOrder) focusIn(form.current, DATE_ORDER_FIELD);
  }, [askDateOrder]);

  const send = useMutation({
    mutationFn: (chosen: File) => {
      const controller = new AbortController();
      upload.current = controller;
      setPhase({ name: 'sending', percent: 0 });
      return uploadImport(
        { file: chosen, format, dateOrder: askDateOrder ? dateOrder : null, timeZone },
        {
          onProgress: (sent, total) =>
            setPhase({ name: 'sending', percent: total > 0 ? Math.floor((sent / total) * 100) : 0 }),
          onSent: () => setPhase({ name: 'processing' }),
        },
        controller.signal,
      );
    },
    onMutate: () => {
      setCancelled(false);
      onStart();
    },
    onSettled: () => {
      setPhase(null);
      upload.current = null;
    },
    onSuccess: (summary) => {
      void queryClient.invalidateQueries({ queryKey: measurementsKey });
      setFile(null);
      setInputKey((key) => key + 1);
      setAskDateOrder(false);
      setDateOrder(null);
      onImported(summary);
    },
    onError: (error) => {
      if (error instanceof DOMException && error.name === 'AbortError') setCancelled(true);
      // A file the server read and refused is kept in the list of imports, as not imported.
      else if (error instanceof UploadError)
        void queryClient.invalidateQueries({ queryKey: measurementsKey });
      if (asksDateOrder(error)) {
        setAskDateOrder(true);
        setDateOrderError(t('measurements.import.dateOrderNeeded'));
      }
    },
  });

  const problems = send.error instanceof UploadError ? send.error.problems : [];
  const fileProblems = problems.filter((problem) => !isFormatProblem(problem) && !isDateOrderField(problem));
  const formatProblem = problems.find(isFormatProblem);
  const busy = phase !== null;

  const choose = (chosen: File | null) => {
    setFile(chosen);
    setFileError(null);
    setCancelled(false);
    // A new file may well have its dates in the other order: ask again only if the server does.
    setAskDateOrder(false);
    setDateOrder(null);
    setDateOrderError(null);
    send.reset();
  };

  const submit = () => {
    if (busy) return;
    send.reset();
    if (!file) {
      setFileError(t('measurements.import.fileMissing'));
      focusField(FILE_FIELD);
      return;
    }
    if (file.size === 0) {
      setFileError(t('measurements.import.fileEmpty'));
      focusField(FILE_FIELD);
      return;
    }
    if (askDateOrder && !dateOrder) {
      setDateOrderError(t('measurements.import.dateOrderNeeded'));
      focusField(DATE_ORDER_FIELD);
      return;
    }
    setDateOrderError(null);
    send.mutate(file);
  };

  let fileMessage: ReactNode = fileError;
  if (!fileMessage && fileProblems.length > 0) {
    fileMessage = fileProblems.map((problem, index) => (
      // biome-ignore lint/suspicious/noArrayIndexKey: one answer's problems, never reordered
      <FileProblem key={index} problem={problem} />
    ));
  }
  const message = formMessage(send.error, t);

  return (
    <form
      ref={form}
      noValidate
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <Stack>
        <FileDropZone
          key={inputKey}
          label={t('measurements.import.file')}
          description={t('measurements.import.fileHint')}
          error={fileMessage}
          accept={ACCEPT}
          file={file}
          onFile={choose}
          disabled={busy}
        />
        <NativeSelect
          label={t('measurements.import.format')}
          description={t('measurements.import.formatHint')}
          value={format}
          disabled={busy}
          error={formatProblem ? <FileProblem problem={formatProblem} /> : undefined}
          onChange={(event) => {
            const value = event.currentTarget.value;
            setFormat(IMPORT_FORMATS.find((known) => known === value) ?? 'auto');
          }}
          data={[
            { value: 'auto', label: t('measurements.formats.auto') },
            ...IMPORT_FORMATS.map((value) => ({ value, label: t(`measurements.formats.${value}`) })),
          ]}
          data-testid="import-format"
        />
        {askDateOrder && (
          <ChoiceFieldset
            legend={t('measurements.import.dateOrder')}
            description={t('measurements.import.dateOrderHint')}
            name="dateOrder"
            value={dateOrder ?? ''}
            onChange={(value) => {
              setDateOrder(value === 'mdy' ? 'mdy' : 'dmy');
              setDateOrderError(null);
            }}
            error={dateOrderError ?? undefined}
            options={[
              { value: 'dmy', label: t('measurements.import.dmy') },
              { value: 'mdy', label: t('measurements.import.mdy') },
            ]}
            testId="import-date-order"
          />
        )}
        <Text size="sm" data-testid="import-time-zone">
          {t('measurements.import.timeZone', { zone: timeZone })}{' '}
          <Anchor component={Link} to="/profile">
            {t('measurements.import.timeZoneChange')}
          </Anchor>
        </Text>
        <FormAlert message={message} />
        {send.error instanceof UploadError && send.error.code === 'consent_required' && (
          <Anchor component={Link} to="/consent">
            {t('measurements.import.toConsent')}
          </Anchor>
        )}
        {cancelled && (
          <Text role="status" data-testid="import-cancelled">
            {t('measurements.import.cancelled')}
          </Text>
        )}
        {phase && <UploadProgress phase={phase} fileName={file?.name ?? ''} />}
        <Group gap="sm">
          <Button type="submit" loading={busy} data-testid="import-submit">
            {askDateOrder ? t('measurements.import.sendAgain') : t('measurements.import.submit')}
          </Button>
          {phase?.name === 'sending' && (
            <Button variant="default" onClick={() => upload.current?.abort()} data-testid="import-cancel">
              {t('measurements.import.cancel')}
            </Button>
          )}
        </Group>
      </Stack>
    </form>
  );
}
