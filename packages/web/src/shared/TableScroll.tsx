import { Table, type TableScrollContainerProps } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';

export interface TableScrollProps extends Omit<TableScrollContainerProps, 'scrollAreaProps' | 'type'> {
  /** What the table shows (usually its section's title, translated): the name screen readers give the region. */
  label: string;
}

/**
 * A table that scrolls sideways (and down, with `maxHeight`) when it is wider than the screen, as on phones.
 * While its contents overflow, the scrolling area is a named region in the tab order (WAI-ARIA: a scrollable region
 * must be reachable by keyboard, so that arrow keys scroll it, and say what it holds); a table that fits stays out
 * of the tab order.
 */
export function TableScroll({ label, children, ...props }: TableScrollProps) {
  const viewport = useRef<HTMLDivElement>(null);
  const [overflowing, setOverflowing] = useState(false);

  useEffect(() => {
    const element = viewport.current;
    if (!element) return undefined;
    const measure = () =>
      setOverflowing(element.scrollWidth > element.clientWidth || element.scrollHeight > element.clientHeight);
    const observer = new ResizeObserver(measure);
    observer.observe(element);
    // The contents grow and shrink with their rows; the viewport with the screen.
    if (element.firstElementChild) observer.observe(element.firstElementChild);
    measure();
    return () => observer.disconnect();
  }, []);

  return (
    <Table.ScrollContainer
      {...props}
      scrollAreaProps={{
        viewportRef: viewport,
        viewportProps: overflowing ? { tabIndex: 0, role: 'region', 'aria-label': label } : {},
        classNames: { viewport: 'tutti-scroll-region' },
      }}
    >
      {children}
    </Table.ScrollContainer>
  );
}
