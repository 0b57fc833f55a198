/**
 * Loading a reader's page with a fallback: the answer is saved on the phone
 * each time it arrives, and shown from there when the network is gone.
 */
import { useCallback, useEffect, useState } from 'react';
import { api, ApiError } from '../../../api/client.ts';
import { loadCache, saveCache } from './store.ts';

export interface CachedLoad<T> {
  data?: T;
  /** When the shown data was saved, if it comes from the phone rather than the server. */
  savedAt?: string;
  error?: ApiError;
  loading: boolean;
  reload(): void;
}

export function useCachedApi<T>(path: string, cacheKey: string): CachedLoad<T> {
  const [state, setState] = useState<{ data?: T; savedAt?: string; error?: ApiError; loading: boolean }>({ loading: true });
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setState((s) => ({ ...s, loading: true }));
    api
      .get<T>(path)
      .then(async (data) => {
        if (!live) return;
        setState({ data, loading: false });
        await saveCache(cacheKey, data).catch(() => {});
      })
      .catch(async (error: unknown) => {
        const err = error instanceof ApiError ? error : undefined;
        // Only a missing network falls back to the copy on the phone; a refusal is shown as it is.
        const cached = !err || err.status === 0 ? await loadCache<T>(cacheKey).catch(() => undefined) : undefined;
        if (!live) return;
        if (cached) setState({ data: cached.data, savedAt: cached.savedAt, loading: false });
        else setState({ error: err, loading: false });
      });
    return () => {
      live = false;
    };
  }, [path, cacheKey, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { ...state, reload };
}
