/** Walk-by files from the handheld receiver: upload one and see what it gave; earlier uploads below. */
import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { canEditRoutes } from './RoutesList.tsx';
import type { UploadItem, UploadResult } from './types.ts';
import './metering.css';

export default function WalkbyUploads() {
  const { t, lang } = useLang();
  const { user } = useSession();
  const uploads = useApi<{ items: UploadItem[]; total: number }>('/api/staff/walkby-uploads');
  const fileInput = useRef<HTMLInputElement>(null);
  const [result, setResult] = useState<UploadResult>();
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [fileError, setFileError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setResult(undefined);
    const file = fileInput.current?.files?.[0];
    if (!file) {
      setFileError(t('walkby.pickFile'));
      fileInput.current?.focus();
      return;
    }
    setFileError(undefined);
    const body = new FormData();
    body.append('file', file, file.name);
    setBusy(true);
    try {
      setResult(await api.post<UploadResult>('/api/staff/walkby-uploads', body));
      uploads.reload();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const n = (x: number) => formatNumber(x, lang);
  return (
    <Page title={t('walkby.title')} wide>
      {canEditRoutes(user?.roles) && (
        <section className="card" aria-labelledby="upload-title">
          <h2 id="upload-title">{t('walkby.upload')}</h2>
          <form onSubmit={submit} noValidate className="form">
            <FormAlert error={failure} />
            <div className={`field${fileError ? ' field-invalid' : ''}`}>
              <label htmlFor="walkby-file">{t('walkby.file')}</label>
              <div id="walkby-file-hint" className="hint">
                {t('walkby.fileHint')}
              </div>
              <input
                ref={fileInput}
                id="walkby-file"
                name="file"
                type="file"
                accept=".txt,.log,.csv,.hex,.gz,text/plain,application/gzip"
                aria-describedby={`walkby-file-hint${fileError ? ' walkby-file-error' : ''}`}
                aria-invalid={fileError ? true : undefined}
              />
              {fileError && (
                <p id="walkby-file-error" className="error-text">
                  {fileError}
                </p>
              )}
            </div>
            <button type="submit" className="button" disabled={busy}>
              {busy ? t('walkby.uploading') : t('walkby.send')}
            </button>
          </form>
          {result && (
            <div className="alert alert-success" role="status" data-testid="upload-summary">
              <p>
                <strong>{t('walkby.done')}</strong>
              </p>
              <ul className="summary-list">
                <li>{t('walkby.lines', { n: n(result.lines) })}</li>
                <li>{t('walkby.telegrams', { n: n(result.telegrams) })}</li>
                <li>{t('walkby.readings', { n: n(result.readings) })}</li>
                {result.pending > 0 && <li>{t('walkby.pending', { n: n(result.pending) })}</li>}
                <li>{t('walkby.duplicates', { n: n(result.duplicates) })}</li>
                <li>
                  {t('walkby.quarantined', { n: n(result.quarantined) })}
                  {result.quarantined > 0 && (
                    <>
                      {' '}
                      ({Object.entries(result.byReason).map(([k, v]) => `${t(`quarantine.reasons.${k}`, k)}: ${n(v)}`).join(', ')}) —{' '}
                      <Link to="/staff/quarantine">{t('walkby.seeQuarantine')}</Link>
                    </>
                  )}
                </li>
                {result.badLines > 0 && <li>{t('walkby.badLines', { n: n(result.badLines) })}</li>}
              </ul>
              {result.badLineSamples.length > 0 && (
                <ul className="summary-list muted">
                  {result.badLineSamples.slice(0, 5).map((b) => (
                    <li key={b.line}>{t('walkby.badLine', { line: b.line })} <span lang="en">{b.reason}</span></li>
                  ))}
                </ul>
              )}
            </div>
          )}
        </section>
      )}
      <h2>{t('walkby.history')}</h2>
      <DataState loaded={uploads}>
        {(d) => (
          <DataTable
            caption={t('walkby.history')}
            columns={[
              t('walkby.when'),
              t('walkby.fileName'),
              { label: t('walkby.colTelegrams'), className: 'num' },
              { label: t('walkby.colReadings'), className: 'num' },
              { label: t('walkby.colDuplicates'), className: 'num' },
              { label: t('walkby.colQuarantined'), className: 'num' },
            ]}
            items={d.items}
            ifEmpty={<p>{t('walkby.none')}</p>}
            row={(u) => (
              <tr key={u.id}>
                <td data-label={t('walkby.when')}>{formatDateTime(u.createdAt, lang)}</td>
                <th scope="row" data-label={t('walkby.fileName')}>{u.fileName}</th>
                <td className="num" data-label={t('walkby.colTelegrams')}>{n(u.telegrams)}</td>
                <td className="num" data-label={t('walkby.colReadings')}>{n(u.readings)}</td>
                <td className="num" data-label={t('walkby.colDuplicates')}>{n(u.duplicates)}</td>
                <td className="num" data-label={t('walkby.colQuarantined')}>{n(u.quarantined)}</td>
              </tr>
            )}
          />
        )}
      </DataState>
    </Page>
  );
}
