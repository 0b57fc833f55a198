/** Loading data for a page: one hook, one way to show "loading" and errors. */
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import { api, ApiError, type RequestOptions } from '../api/client.ts';
import { useLang } from '../i18n/index.ts';

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
        setState({ error: error instanceof ApiError ? error : undefined, loading: false });
      });
    return () => ctl.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [path, key, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data: state.data, error: state.error, loading: state.loading, reload };
}

/** Renders children once data is there; otherwise a polite "loading" or the error. */
export function DataState<T>({ loaded, children }: { loaded: Loaded<T>; children: (data: T) => ReactNode }) {
  const { t, lang } = useLang();
  if (loaded.error)
    return (
      <div className="alert alert-error" role="alert">
        {loaded.error.text(lang)}{' '}
        <button type="button" className="button-link" onClick={loaded.reload}>
          {t('common.retry')}
        </button>
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
