/** Pieces shared by the reader's pages: the user's scope, background sending, the offline note, status badges. */
import { useEffect, useRef } from 'react';
import { basePrefix } from '../../../api/client.ts';
import { useLang } from '../../../i18n/index.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { useSession } from '../../../session.tsx';
import { scopeOf, startSync } from './outbox.ts';
import type { QueuedReading } from './store.ts';
import type { MeterState } from './state.ts';

/** The user's scope on this phone, with sending running in the background while a reader's page is open. */
export function useReaderScope(): { scope: string; userId: number } {
  const { user } = useSession();
  const userId = user?.id ?? 0;
  const scope = scopeOf(userId);
  useEffect(() => startSync(scope), [scope]);
  useEffect(registerServiceWorker, []);
  return { scope, userId };
}

/**
 * The service worker keeps the app's files on the phone so that the reader
 * view opens without a network. Only in production builds: in development it
 * would serve stale modules.
 */
function registerServiceWorker() {
  if (!import.meta.env.PROD || !('serviceWorker' in navigator)) return;
  const prefix = basePrefix();
  void navigator.serviceWorker.register(`${prefix}/reader-sw.js`, { scope: `${prefix}/` }).catch(() => {});
}

export function OfflineNote({ savedAt }: { savedAt?: string }) {
  const { t, lang } = useLang();
  if (!savedAt) return null;
  return (
    <p className="alert alert-warning" role="status">
      {t('reader.fromPhone', { at: formatDateTime(savedAt, lang) })}
    </p>
  );
}

/**
 * Reloads the route from the server when readings of it have just been sent
 * (fewer wait on the phone than before), so that a stop shows the reading as
 * the server stored it: read, or held for verification.
 */
export function useReloadWhenSent(routeId: number, queued: readonly QueuedReading[], reload: () => void): void {
  const waiting = queued.filter((q) => q.routeId === routeId && q.state === 'queued').length;
  const before = useRef(waiting);
  useEffect(() => {
    if (waiting < before.current) reload();
    before.current = waiting;
  }, [waiting, reload]);
}

export { meterState, stopState, type MeterState } from './state.ts';

const badgeClass: Record<MeterState, string> = {
  alarm: 'badge badge-danger',
  queued: 'badge badge-warning',
  held: 'badge badge-warning',
  heard: 'badge badge-radio',
  read: 'badge badge-active',
  toRead: 'badge badge-todo',
};

export function StateBadge({ state }: { state: MeterState }) {
  const { t } = useLang();
  return <span className={badgeClass[state]}>{t(`reader.state.${state}`)}</span>;
}
