/**
 * Every page's frame: sets the document title and, after a navigation, moves
 * focus to the page's heading so that screen readers announce the new page.
 */
import { useEffect, useRef, type ReactNode } from 'react';
import { useUtility } from '../branding.tsx';
import { takeNavigationFocus } from '../router.tsx';

export function Page({ title, children, actions, wide }: { title: string; children: ReactNode; actions?: ReactNode; wide?: boolean }) {
  const utility = useUtility();
  const h1 = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    document.title = utility ? `${title} · ${utility.shortName}` : title;
  }, [title, utility]);
  useEffect(() => {
    // Focus the heading after an in-app navigation, not on the very first load (the skip link comes first then).
    if (takeNavigationFocus()) h1.current?.focus();
  }, []);
  return (
    <div className={wide ? 'page page-wide' : 'page'}>
      <div className="page-head">
        <h1 ref={h1} tabIndex={-1}>
          {title}
        </h1>
        {actions && <div className="page-actions">{actions}</div>}
      </div>
      {children}
    </div>
  );
}
