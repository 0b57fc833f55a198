/**
 * What the phone still holds: online or not, how many readings wait to be
 * sent, and those the server refused (with its reason, to fix or drop).
 */
import { useLang } from '../../../i18n/index.ts';
import { formatVolume } from '../../../lib/format.ts';
import { discard, flush, useOnline, useOutbox } from './outbox.ts';

export function SyncBar({ scope }: { scope: string }) {
  const { t, lang } = useLang();
  const online = useOnline();
  const { items, sending } = useOutbox(scope);
  const waiting = items.filter((i) => i.state === 'queued');
  const rejected = items.filter((i) => i.state === 'rejected');
  return (
    <section className={`sync-bar${online ? '' : ' sync-offline'}`} aria-label={t('reader.syncTitle')}>
      <p role="status" className="sync-line">
        <span className={`badge ${online ? 'badge-active' : 'badge-warning'}`}>{online ? t('reader.online') : t('reader.offline')}</span>{' '}
        <span data-testid="waiting-count">
          {waiting.length === 0 ? t('reader.nothingWaiting') : t('reader.waiting', { count: waiting.length })}
        </span>
        {sending && waiting.length > 0 && <> · {t('reader.sending')}</>}
      </p>
      {waiting.length > 0 && online && !sending && (
        <button type="button" className="button button-secondary" onClick={() => void flush(scope)}>
          {t('reader.sendNow')}
        </button>
      )}
      {rejected.length > 0 && (
        <div className="alert alert-error" role="alert">
          <p>{t('reader.rejected', { count: rejected.length })}</p>
          <ul>
            {rejected.map((r) => (
              <li key={r.clientId}>
                {formatVolume(r.valueM3, lang)} — {r.error ? r.error[lang] : ''}{' '}
                <button type="button" className="button-link" onClick={() => void discard(r.clientId)}>
                  {t('reader.discard')}
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}
