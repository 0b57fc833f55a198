/**
 * A small client-side router (the app has a handful of flat routes; a
 * library would cost more bytes than it saves). Paths inside the app never
 * carry the tenant prefix: `<Link to="/portal">` renders `/t/<slug>/portal`
 * when the app was loaded under `/t/<slug>/`.
 */
import { createContext, useContext, useEffect, useMemo, useState, type AnchorHTMLAttributes, type MouseEvent, type ReactNode } from 'react';
import { basePrefix } from './api/client.ts';

export interface Location {
  /** Path inside the app, always starting with '/'. */
  path: string;
  search: URLSearchParams;
}

function current(): Location {
  const prefix = basePrefix();
  const raw = window.location.pathname.slice(prefix.length) || '/';
  return { path: raw.length > 1 ? raw.replace(/\/+$/, '') : raw, search: new URLSearchParams(window.location.search) };
}

const RouterContext = createContext<Location>({ path: '/', search: new URLSearchParams() });

const NAVIGATE = 'wodnik:navigate';

// Set by an in-app navigation (link, redirect, back/forward), taken by the next page
// to move focus to its heading; a fresh page load leaves focus where browsers put it.
let focusPending = false;
export function takeNavigationFocus(): boolean {
  const pending = focusPending;
  focusPending = false;
  return pending;
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  focusPending = true;
  const url = basePrefix() + to;
  if (opts.replace) window.history.replaceState(null, '', url);
  else window.history.pushState(null, '', url);
  window.dispatchEvent(new Event(NAVIGATE));
}

export function RouterProvider({ children }: { children: ReactNode }) {
  const [loc, setLoc] = useState(current);
  useEffect(() => {
    const update = () => setLoc(current());
    const back = () => {
      focusPending = true;
      update();
    };
    window.addEventListener('popstate', back);
    window.addEventListener(NAVIGATE, update);
    return () => {
      window.removeEventListener('popstate', back);
      window.removeEventListener(NAVIGATE, update);
    };
  }, []);
  return <RouterContext.Provider value={loc}>{children}</RouterContext.Provider>;
}

export const useLocation = () => useContext(RouterContext);

/** Matches '/staff/customers/:customerId' against a path; params are decoded strings. */
export function matchPath(pattern: string, path: string): Record<string, string> | undefined {
  const p = pattern.split('/').filter(Boolean);
  const s = path.split('/').filter(Boolean);
  if (p.length !== s.length) return undefined;
  const params: Record<string, string> = {};
  for (let i = 0; i < p.length; i++) {
    if (p[i].startsWith(':')) params[p[i].slice(1)] = decodeURIComponent(s[i]);
    else if (p[i] !== s[i]) return undefined;
  }
  return params;
}

type LinkProps = Omit<AnchorHTMLAttributes<HTMLAnchorElement>, 'href'> & { to: string };

export function Link({ to, onClick, ...rest }: LinkProps) {
  const href = useMemo(() => basePrefix() + to, [to]);
  const handle = (e: MouseEvent<HTMLAnchorElement>) => {
    onClick?.(e);
    if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey || rest.target) return;
    e.preventDefault();
    navigate(to);
  };
  return <a href={href} onClick={handle} {...rest} />;
}

/** A link that marks itself as the current page for assistive technology. */
export function NavLink({ to, exact, ...rest }: LinkProps & { exact?: boolean }) {
  const { path } = useLocation();
  const active = exact ? path === to : path === to || path.startsWith(`${to}/`);
  return <Link to={to} aria-current={active ? 'page' : undefined} {...rest} />;
}

export function Redirect({ to }: { to: string }) {
  useEffect(() => navigate(to, { replace: true }), [to]);
  return null;
}
