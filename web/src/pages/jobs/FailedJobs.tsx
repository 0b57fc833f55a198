/**
 * Background work for the billing office: the jobs that failed after all
 * their attempts (an invoice PDF that could not be made, an e-invoice that
 * could not be e-mailed), with the error and a button to run one again; and
 * the print batch of the paper invoices issued on a day, as one PDF.
 */
import { useState } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert, Notice } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';

interface Job {
  id: number;
  kind: string;
  payload: unknown;
  attempts: number;
  maxAttempts: number;
  lastError: string | null;
  createdAt: string;
  finishedAt: string | null;
}

export default function FailedJobs() {
  const { t, lang } = useLang();
  const jobs = useApi<{ items: Job[] }>('/api/staff/jobs', { status: 'failed' });
  const [error, setError] = useState<ApiError | null>(null);
  const [retried, setRetried] = useState<number | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  const [day, setDay] = useState(() => new Date().toISOString().slice(0, 10));

  const retry = async (id: number) => {
    setBusy(id);
    setError(null);
    try {
      await api.post(`/api/staff/jobs/${id}/retry`);
      setRetried(id);
      jobs.reload();
    } catch (e) {
      setError(e instanceof ApiError ? e : null);
    } finally {
      setBusy(null);
    }
  };

  const what = (j: Job) => {
    const invoiceId = (j.payload as { invoiceId?: number } | null)?.invoiceId;
    return t(`invoiceDocs.kinds.${j.kind}`, { defaultValue: j.kind, id: invoiceId ?? '—' });
  };

  return (
    <Page title={t('invoiceDocs.title')} wide>
      <section aria-labelledby="failed-heading">
        <h2 id="failed-heading">{t('invoiceDocs.failedHeading')}</h2>
        <p>{t('invoiceDocs.failedIntro')}</p>
        <FormAlert error={error} />
        {retried !== null && <Notice kind="success">{t('invoiceDocs.retried', { id: retried })}</Notice>}
        <DataState loaded={jobs}>
          {(data) => (
            <DataTable
              caption={t('invoiceDocs.failedHeading')}
              columns={[t('invoiceDocs.job'), t('invoiceDocs.error'), t('invoiceDocs.attempts'), t('invoiceDocs.failedAt'), t('invoiceDocs.action')]}
              items={data.items}
              ifEmpty={<p>{t('invoiceDocs.none')}</p>}
              row={(j) => (
                <tr key={j.id}>
                  <th scope="row" data-label={t('invoiceDocs.job')}>
                    {what(j)}
                    <div className="muted small">#{j.id}</div>
                  </th>
                  <td data-label={t('invoiceDocs.error')} lang="en">
                    {j.lastError ?? '—'}
                  </td>
                  <td data-label={t('invoiceDocs.attempts')}>{t('invoiceDocs.attemptsOf', { n: j.attempts, max: j.maxAttempts })}</td>
                  <td data-label={t('invoiceDocs.failedAt')}>{formatDateTime(j.finishedAt, lang)}</td>
                  <td data-label={t('invoiceDocs.action')}>
                    <button type="button" className="button button-secondary" onClick={() => retry(j.id)} disabled={busy === j.id} aria-label={t('invoiceDocs.retryLabel', { id: j.id })}>
                      {t('invoiceDocs.retry')}
                    </button>
                  </td>
                </tr>
              )}
            />
          )}
        </DataState>
      </section>

      <section aria-labelledby="print-heading">
        <h2 id="print-heading">{t('invoiceDocs.printHeading')}</h2>
        <p>{t('invoiceDocs.printIntro')}</p>
        <div className="field field-inline">
          <label htmlFor="print-day">{t('invoiceDocs.issued')}</label>
          <input id="print-day" type="date" value={day} onChange={(e) => setDay(e.target.value)} />
          <a className="button" href={api.url(`/api/staff/print-batch?issued=${encodeURIComponent(day)}`)} download>
            {t('invoiceDocs.download')}
          </a>
        </div>
      </section>
    </Page>
  );
}
