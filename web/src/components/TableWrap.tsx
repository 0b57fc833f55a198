/**
 * A table's horizontal scroll box. On a phone a wide table scrolls sideways
 * inside it; a keyboard user must be able to scroll it too (WCAG 2.1.1, axe's
 * "scrollable-region-focusable"), so while it scrolls it is a focusable region
 * named after the table. A table that fits adds no tab stop.
 */
import { useLayoutEffect, useRef, useState, type ReactNode } from 'react';

export function TableWrap({ label, className, children }: { label: string; className?: string; children: ReactNode }) {
  const ref = useRef<HTMLDivElement>(null);
  const [scrolls, setScrolls] = useState(false);
  useLayoutEffect(() => {
    const box = ref.current;
    if (!box) return;
    const check = () => setScrolls(box.scrollWidth > box.clientWidth + 1);
    check();
    if (typeof ResizeObserver === 'undefined') return;
    const watch = new ResizeObserver(check);
    watch.observe(box);
    if (box.firstElementChild) watch.observe(box.firstElementChild);
    return () => watch.disconnect();
  }, []);
  const focusable = scrolls ? { tabIndex: 0, role: 'region', 'aria-label': label } : {};
  return (
    <div ref={ref} className={className ? `table-wrap ${className}` : 'table-wrap'} {...focusable}>
      {children}
    </div>
  );
}
