import { Table } from '@mantine/core';
import { type ReactNode, useEffect, useId, useRef, useState } from 'react';

interface DataTableProps {
  /** The visible caption; also names the scrollable region. */
  caption: string;
  /** Column headers. */
  head: ReactNode[];
  children: ReactNode;
  minWidth?: number;
}

/** True while the element's content is wider than the element itself. */
function useOverflowing<T extends HTMLElement>() {
  const ref = useRef<T>(null);
  const [overflowing, setOverflowing] = useState(false);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    const check = () => setOverflowing(element.scrollWidth > element.clientWidth + 1);
    check();
    const observer = new ResizeObserver(check);
    observer.observe(element);
    return () => observer.disconnect();
  }, []);
  return { ref, overflowing };
}

/**
 * A table with a visible caption. On small screens it scrolls sideways; only then the wrapper becomes a
 * named region that takes keyboard focus, so keyboard users can scroll it too (WCAG 2.1.1).
 */
export function DataTable({ caption, head, children, minWidth = 640 }: DataTableProps) {
  const captionId = useId();
  const { ref, overflowing } = useOverflowing<HTMLDivElement>();
  const scrollable = overflowing ? { role: 'region', 'aria-labelledby': captionId, tabIndex: 0 } : {};
  return (
    // position: relative keeps visually hidden text in cells inside the wrapper, so the page never scrolls sideways.
    <div ref={ref} style={{ overflowX: 'auto', position: 'relative' }} {...scrollable}>
      <Table striped highlightOnHover captionSide="top" miw={minWidth} verticalSpacing="sm">
        <Table.Caption
          id={captionId}
          style={{ textAlign: 'left', fontWeight: 600, color: 'var(--mantine-color-text)' }}
        >
          {caption}
        </Table.Caption>
        <Table.Thead>
          <Table.Tr>
            {head.map((cell, index) => (
              // biome-ignore lint/suspicious/noArrayIndexKey: columns are fixed per table
              <Table.Th key={index} scope="col">
                {cell}
              </Table.Th>
            ))}
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>{children}</Table.Tbody>
      </Table>
    </div>
  );
}
