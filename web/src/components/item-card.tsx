import { Group, Stack, Title } from '@mantine/core';
import { type ReactNode, useId } from 'react';

/**
 * One item of a list (a study, a data request, an extract, a news item …): an article named by its heading, with
 * an optional badge beside the heading, in a bordered box. `level` is the heading's level on the page.
 */
export function ItemCard({
  title,
  level = 3,
  badge,
  gap = 'sm',
  testId,
  children,
}: {
  title: ReactNode;
  level?: 2 | 3;
  badge?: ReactNode;
  gap?: 'sm' | number;
  testId?: string;
  children?: ReactNode;
}) {
  const headingId = useId();
  const heading = (
    <Title order={level} size={level === 2 ? 'h3' : 'h4'} id={headingId}>
      {title}
    </Title>
  );
  return (
    <Stack
      component="article"
      aria-labelledby={headingId}
      gap={gap}
      p="md"
      style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 8 }}
      data-testid={testId}
    >
      {badge ? (
        <Group justify="space-between" align="flex-start">
          {heading}
          {badge}
        </Group>
      ) : (
        heading
      )}
      {children}
    </Stack>
  );
}
