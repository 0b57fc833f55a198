/**
 * An invoice's KSeF state, number and UPO download, for the staff invoice
 * view and the portal (one line where it is included). Shows nothing for an
 * invoice that does not go to KSeF.
 */
import { api } from '../../api/client.ts';
import { useApi } from '../../components/data.tsx';
import { useLang } from '../../i18n/index.ts';

interface State {
  state: string | null;
  ksefNumber: string | null;
  statusCode: number | null;
  statusText: string | null;
  hasUpo: boolean;
  upoState: 'valid' | 'invalid' | 'missing' | null;
  upoIssue: { code: string; pl: string; en: string; detail: string | null } | null;
}

export function InvoiceKsef({ invoiceId, portal = false }: { invoiceId: number | string; portal?: boolean }) {
  const { t } = useLang();
  const base = portal ? `/api/portal/invoices/${invoiceId}` : `/api/staff/ksef/invoices/${invoiceId}`;
  const s = useApi<State>(portal ? `${base}/ksef` : base);
  if (!s.data || (s.data.state === null && s.data.ksefNumber === null)) return null;
  const d = s.data;
  return (
    <section className="card" aria-labelledby={`ksef-${invoiceId}`}>
      <h2 id={`ksef-${invoiceId}`}>{t('ksef.invoice.heading')}</h2>
      <dl className="facts">
        <div>
          <dt>{t('ksef.invoice.state')}</dt>
          <dd>{t(`ksef.states.${d.state ?? 'accepted'}`)}</dd>
        </div>
        <div>
          <dt>{t('ksef.invoice.number')}</dt>
          <dd>{d.ksefNumber ?? '—'}</dd>
        </div>
        {!portal && d.state === 'rejected' && (
          <div>
            <dt>{t('ksef.invoice.reason')}</dt>
            <dd>
              {d.statusCode} {d.statusText}
            </dd>
          </div>
        )}
        {d.hasUpo && (
          <div>
            <dt>{t('ksef.invoice.upo')}</dt>
            <dd>
              <a href={api.url(portal ? `${base}/upo` : `${base}/upo`)} download>
                {t('ksef.invoice.downloadUpo')}
              </a>
            </dd>
          </div>
        )}
        {!d.hasUpo && (d.upoState === 'invalid' || d.upoState === 'missing') && (
          <div>
            <dt>{t('ksef.invoice.upo')}</dt>
            <dd>
              {/* Staff see the code and the validator's message; a customer only that the UPO is not there yet. */}
              {portal || d.upoState === 'missing' ? (
                t('ksef.invoice.upoMissing')
              ) : (
                <>
                  {t('ksef.invoice.upoInvalid')} <code>{d.upoIssue?.code}</code>
                  {d.upoIssue?.detail && <div className="muted small break">{t('ksef.upoInvalid.validator', { message: d.upoIssue.detail })}</div>}
                </>
              )}
            </dd>
          </div>
        )}
      </dl>
    </section>
  );
}

/** The UPO link beside an invoice's documents in a list (only once KSeF gave the invoice a number). */
export function UpoLink({ base, invoiceId, ksefNumber }: { base: string; invoiceId: number; ksefNumber: string | null }) {
  const { t } = useLang();
  if (!ksefNumber) return null;
  const url = base.startsWith('/api/portal') ? `/api/portal/invoices/${invoiceId}/upo` : `/api/staff/ksef/invoices/${invoiceId}/upo`;
  return (
    <a href={api.url(url)} download aria-label={t('ksef.invoice.downloadUpoOf', { number: ksefNumber })}>
      {t('ksef.invoice.upo')}
    </a>
  );
}
