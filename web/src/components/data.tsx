/** Loading data for a page: one hook, one way to show "loading" and errors. */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, type RequestOptions } from '../api/client.ts';
import { useLang } from '../i18n/index.ts';
import { navigate, useLocation } from '../router.tsx';
import { TableWrap } from './TableWrap.tsx';

export interface Loaded<T> {
  data: T | undefined;
  error: ApiError | undefined;
  loading: boolean;
  reload(): void;
}

/** GETs `path` (with `query`) whenever either changes; `path` null waits. */
export function useApi<T>(path: string | null, query?: RequestOptions['query']): Loaded<T> {
  const [state, setState] = useState<{ data?: T; error?: ApiError; loading: boolean }>({ loading: path !== null });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify(query ?? {});
  useEffect(() => {
    if (path === null) return;
    const ctl = new AbortController();
    setState((s) => ({ ...s, loading: true, error: undefined }));
    api
      .get<T>(path, query, ctl.signal)
      .then((data) => setState({ data, loading: false }))
      .catch((error: unknown) => {
        if ((error as Error).name === 'AbortError') return;
        setState({
          error:
            error instanceof ApiError
              ? error
              : new ApiError(0, 'network', { pl: 'Brak połączenia z serwerem.', en: 'The server cannot be reached.' }),
          loading: false,
        });
      });
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/**
 * Whether asking again could help: a lost connection, a server error, too
 * many requests. A refusal (403), a missing page (404) or bad input (400)
 * would only be refused again, so no "try again" is offered for them.
 */
export function retryable(error: ApiError): boolean {
  return error.status === 0 || error.status === 429 || error.status >= 500;
}

/** Renders children once data is there; otherwise a polite "loading" or the error. */
export function DataState<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  const { t, lang } = useLang();
  if (loaded.error)
    return (
      <div className="alert alert-error" role="alert">
        {loaded.error.text(lang)}{' '}
        {retryable(loaded.error) && (
          <button type="button" className="button-link" onClick={loaded.reload}>
            {t('common.retry')}
          </button>
        )}
      </div>
    );
  if (loaded.data === undefined)
    return (
      <p className="loading" role="status">
        {t('common.loading')}
      </p>
    );
  return <>{children(loaded.data)}</>;
}

/** A column header: its text, or the text and a class (`num` right-aligns numbers). */
export type Column = string | { label: string; className?: string };

/**
 * A table of items with a caption for screen readers (the page heading says
 * it visibly) and `scope` on its headers; rows come from `row`, which puts
 * `data-label` on cells so they stack on phones. With `ifEmpty` given, an
 * empty list shows that instead of an empty table.
 */
export function DataTable<T>({
  caption,
  columns,
  items,
  row,
  ifEmpty,
}: {
  caption: string;
  columns: Column[];
  items: T[];
  row: (item: T) => ReactNode;
  ifEmpty?: ReactNode;
}) {
  if (items.length === 0 && ifEmpty !== undefined) return <>{ifEmpty}</>;
  return (
    <TableWrap label={caption}>
      <table>
        <caption className="visually-hidden">{caption}</caption>
        <thead>
          <tr>
            {columns.map((c, i) => {
              const { label, className } = typeof c === 'string' ? { label: c, className: undefined } : c;
              return (
                <th key={i} scope="col" className={className}>
                  {label}
                </th>
              );
            })}
          </tr>
        </thead>
        <tbody>{items.map(row)}</tbody>
      </table>
    </TableWrap>
  );
}

/** Previous / "page x of y" / next, shown only when there is more than one page. */
export function Pager({ page, pages, onPage }: { page: number; pages: number; onPage(page: number): void }) {
  const { t } = useLang();
  if (pages <= 1) return null;
  return (
    <nav className="pager" aria-label={t('common.pages')}>
      <button type="button" className="button button-secondary" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        {t('common.previous')}
      </button>
      <span>{t('common.pageOf', { page, pages })}</span>
      <button type="button" className="button button-secondary" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        {t('common.next')}
      </button>
    </nav>
  );
}

/**
 * A list filtered by one value and paged, both kept in the address
 * (`?<key>=…&page=…`) so that a result can be bookmarked and the back button
 * returns to it. `go(value, page)` moves there.
 */
export function useListAddress(path: string, key: string, limit: number) {
  const { search } = useLocation();
  const value = search.get(key) ?? '';
  const page = Math.max(1, Number(search.get('page')) || 1);
  const go = (v: string, p: number) => {
    const s = new URLSearchParams();
    if (v) s.set(key, v);
    if (p > 1) s.set('page', String(p));
    navigate(`${path}${s.size ? `?${s}` : ''}`);
  };
  return { value, page, go, offset: (page - 1) * limit };
}

/** A page of a longer list: the total announced as status, the items, the pager. */
export function PagedList<T>({
  loaded,
  limit,
  page,
  onPage,
  status,
  children,
}: {
  loaded: Loaded<{ items: T[]; total: number }>;
  limit: number;
  page: number;
  onPage(page: number): void;
  status(total: number): ReactNode;
  children: (items: T[]) => ReactNode;
}) {
  return (
    <DataState loaded={loaded}>
      {(d) => (
        <>
          <p role="status">{status(d.total)}</p>
          {children(d.items)}
          <Pager page={page} pages={Math.max(1, Math.ceil(d.total / limit))} onPage={onPage} />
        </>
      )}
    </DataState>
  );
}
