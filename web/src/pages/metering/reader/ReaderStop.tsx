/**
 * One stop on the phone: its meters, their last readings, and a manual
 * reading (with an optional photo) for a meter the radio did not reach. The
 * reading is stored on the phone first and sent when there is a network.
 */
import { useId, useRef, useState, type FormEvent } from 'react';
import type { PageProps } from '../../../routes.tsx';
import { Page } from '../../../components/Page.tsx';
import { Notice, TextField } from '../../../components/forms.tsx';
import { useLang } from '../../../i18n/index.ts';
import { formatDateTime, formatVolume } from '../../../lib/format.ts';
import { Link } from '../../../router.tsx';
import { address, type ReaderRoute, type StopMeter } from '../types.ts';
import { useCachedApi } from './cached.ts';
import { OfflineNote, StateBadge, meterState, useReaderScope, useReloadWhenSent } from './common.tsx';
import { enqueue, newClientId, useOnline, useOutbox } from './outbox.ts';
import { normaliseVolume, preparePhoto } from './photo.ts';
import { SyncBar } from './SyncBar.tsx';
import '../metering.css';

export default function ReaderStop({ params }: PageProps) {
  const { t, lang } = useLang();
  const { scope } = useReaderScope();
  const route = useCachedApi<ReaderRoute>(`/api/reader/routes/${params.routeId}`, `${scope}|route|${params.routeId}`);
  const { items: queued } = useOutbox(scope);
  useReloadWhenSent(Number(params.routeId), queued, route.reload);
  const r = route.data;
  const position = Number(params.position);
  const stop = r?.stops.find((s) => s.position === position);
  const next = r?.stops.find((s) => s.position === position + 1);
  return (
    <Page title={stop ? address(stop) : t('reader.stop')}>
      <p>
        <Link to={`/reader/routes/${params.routeId}`}>{t('reader.backToRoute')}</Link>
      </p>
      <SyncBar scope={scope} />
      <OfflineNote savedAt={route.savedAt} />
      {route.error && (
        <p className="alert alert-error" role="alert">
          {route.error.text(lang)}
        </p>
      )}
      {r && !stop && <p role="alert">{t('reader.noSuchStop')}</p>}
      {r && stop && (
        <>
          <p className="reader-card-sub">
            {t('reader.stopOf', { position, total: r.stops.length })} · {stop.postalCode} {stop.locality} · {t('reader.code')}: {stop.code}
          </p>
          {stop.meters.map((m) => (
            <MeterCard key={m.id} meter={m} routeId={r.id} scope={scope} state={meterState(m, queued)} />
          ))}
          {next && (
            <p>
              <Link to={`/reader/routes/${r.id}/stops/${next.position}`} className="button">
                {t('reader.nextStop', { address: address(next) })}
              </Link>
            </p>
          )}
        </>
      )}
    </Page>
  );
}

function MeterCard({ meter, routeId, scope, state }: { meter: StopMeter; routeId: number; scope: string; state: ReturnType<typeof meterState> }) {
  const { t, lang } = useLang();
  const online = useOnline();
  const form = useRef<HTMLFormElement>(null);
  const photoId = useId();
  const headingId = useId();
  const [value, setValue] = useState('');
  const [photo, setPhoto] = useState<Blob | undefined>();
  const [errors, setErrors] = useState<{ value?: string; photo?: string }>({});
  const [saved, setSaved] = useState<'sent' | 'queued' | undefined>();
  const [busy, setBusy] = useState(false);
  const last = meter.lastReading;
  const normalised = normaliseVolume(value);
  const lower = normalised !== null && last !== null && Number(normalised) < Number(last.valueM3);

  const pickPhoto = async (file: File | undefined) => {
    setErrors((e) => ({ ...e, photo: undefined }));
    if (!file) return setPhoto(undefined);
    try {
      setPhoto(await preparePhoto(file));
    } catch {
      setPhoto(undefined);
      setErrors((e) => ({ ...e, photo: t('reader.photoInvalid') }));
    }
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (normalised === null) {
      setErrors({ value: t('reader.valueInvalid') });
      form.current?.querySelector<HTMLInputElement>('input[name="value"]')?.focus();
      return;
    }
    setBusy(true);
    try {
      await enqueue({ clientId: newClientId(), scope, routeId, meterId: meter.id, valueM3: normalised, readAt: new Date().toISOString(), photo });
      setSaved(navigator.onLine ? 'sent' : 'queued');
      setValue('');
      setPhoto(undefined);
      setErrors({});
      form.current?.reset();
    } catch {
      // IndexedDB unavailable (private mode, storage full): say so rather than lose the reading silently.
      setErrors({ value: t('reader.storageFailed') });
    } finally {
      setBusy(false);
    }
  };

  return (
    <section className="card meter-card" aria-labelledby={headingId}>
      <h2 id={headingId}>
        {t('reader.meter')} {meter.serialNumber} <StateBadge state={state} />
      </h2>
      <dl className="facts">
        <div>
          <dt>{t('reader.lastReading')}</dt>
          <dd>{last ? `${formatVolume(last.valueM3, lang)} (${formatDateTime(last.readAt, lang)})` : '—'}</dd>
        </div>
        <div>
          <dt>{t('reader.radio')}</dt>
          <dd>{meter.radio ? `${t('common.yes')} (${meter.radioId})` : t('common.no')}</dd>
        </div>
      </dl>
      {saved && <Notice kind="success">{saved === 'sent' && online ? t('reader.savedSending') : t('reader.savedQueued')}</Notice>}
      <form ref={form} onSubmit={submit} noValidate className="form">
        <TextField
          label={t('reader.value')}
          name="value"
          inputMode="decimal"
          autoComplete="off"
          value={value}
          onChange={setValue}
          hint={lower ? t('reader.lowerWarning') : t('reader.valueHint')}
          error={errors.value}
          required
        />
        <div className={`field${errors.photo ? ' field-invalid' : ''}`}>
          <label htmlFor={photoId}>{t('reader.photo')}</label>
          <input
            id={photoId}
            name="photo"
            type="file"
            accept="image/*"
            capture="environment"
            aria-invalid={errors.photo ? true : undefined}
            aria-describedby={errors.photo ? `${photoId}-error` : undefined}
            onChange={(e) => void pickPhoto(e.target.files?.[0])}
          />
          {errors.photo && (
            <p id={`${photoId}-error`} className="error-text">
              {errors.photo}
            </p>
          )}
        </div>
        <button type="submit" className="button" disabled={busy}>
          {t('reader.save')}
        </button>
      </form>
    </section>
  );
}
