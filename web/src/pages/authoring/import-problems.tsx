import { Alert, Code, List, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { isApiError } from '../../api.ts';

/** One problem the server found in a file: where (a JSON pointer; none when the text names its line) and what. */
interface Problem {
  where: string | null;
  detail: string;
}

/**
 * The problems of a refused import, every one of them, from a 422's field errors whose pointer `select`
 * accepts. A FHIR Questionnaire's problems keep their pointer (`#/item/1/type`); a REDCap file's all point
 * at `#/csv` and name their line in the text ("Line 7 (Field Type): …").
 */
export function problemsOf(error: unknown, select: (pointer: string) => boolean): Problem[] {
  if (!isApiError(error) || error.code !== 'invalid_input') return [];
  return error.errors
    .filter((fieldError) => fieldError.in === 'body' && select(fieldError.pointer))
    .map((fieldError) => ({
      where: ['', '#', '#/', '#/csv'].includes(fieldError.pointer) ? null : fieldError.pointer,
      detail: fieldError.detail,
    }));
}

/** A refused import: nothing was stored, and here is every problem to fix in the file. */
export function ImportProblems({ problems }: { problems: Problem[] }) {
  const { t } = useTranslation();
  if (problems.length === 0) return null;
  return (
    <Alert color="red" title={t('authoring.problems.title')} role="alert" data-testid="import-problems">
      <Text mb="xs">{t('authoring.problems.intro', { count: problems.length })}</Text>
      <List spacing={4}>
        {problems.map((problem, index) => (
          // biome-ignore lint/suspicious/noArrayIndexKey: one answer's problems, never reordered
          <List.Item key={index}>
            {problem.where && (
              <>
                <Code c="dark.9">{problem.where}</Code>{' '}
              </>
            )}
            <span lang="en">{problem.detail}</span>
          </List.Item>
        ))}
      </List>
    </Alert>
  );
}
