/**
 * The submit half every form shares: a busy flag while the request runs, and
 * the server's refusal (an ApiError) kept for the form's alert. A page may
 * claim an error first (e.g. to show it at the field it concerns) by
 * returning true from `onRefused`; anything that is not an ApiError is a bug
 * and is thrown on.
 */
import { useState } from 'react';
import { ApiError } from './client.ts';

export function useApiCall() {
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<ApiError | null>(null);

  async function call(work: () => Promise<unknown>, onRefused?: (err: ApiError) => boolean | void): Promise<void> {
    setFailure(null);
    setBusy(true);
    try {
      await work();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (!onRefused?.(err)) setFailure(err);
    } finally {
      setBusy(false);
    }
  }

  return { busy, failure, setFailure, call };
}
