import { Container, Stack, Title } from '@mantine/core';
import { type ReactNode, useEffect } from 'react';

const PRODUCT = 'TOPFIT Citizen Lab';

/** Sets the browser tab's title for the current page. */
export function usePageTitle(title: string): void {
  useEffect(() => {
    document.title = `${title} · ${PRODUCT}`;
  }, [title]);
}

interface PageProps {
  /** The page's one h1, also used for the browser tab's title. */
  title: string;
  children?: ReactNode;
  size?: 'xs' | 'sm' | 'md' | 'lg' | 'xl';
}

/** A page in the main area: its title (h1) and its content. */
export function Page({ title, children, size = 'md' }: PageProps) {
  usePageTitle(title);
  return (
    <Container size={size} px={0} mx={0}>
      <Stack gap="lg">
        <Title order={1} tabIndex={-1}>
          {title}
        </Title>
        {children}
      </Stack>
    </Container>
  );
}
