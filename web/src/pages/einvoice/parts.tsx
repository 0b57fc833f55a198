/** Pieces the portal and the back office share: the consent status line, the saving table, the invoice table. */
import type { ReactNode } from 'react';
import { api } from '../../api/client.ts';
import { DataTable } from '../../components/data.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatMoney } from '../../lib/format.ts';
import type { EinvoiceStatus, Invoice, Saving } from './types.ts';
import './einvoice.css';
import { UpoLink } from '../ksef/InvoiceKsef.tsx';

/** Today in Poland, 'YYYY-MM-DD' (the dates compared with it are the utility's civil dates). */
export const todayInPoland = () => new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());

export function ConsentStatus({ status: s }: { status: EinvoiceStatus }) {
  const { t, lang } = useLang();
  const today = todayInPoland();
  if (s.consent) {
    const pending = s.consent.effectiveFrom > today;
    return (
      <>
        <p>
          <span className="badge badge-active">{t('einvoice.title')}</span>{' '}
          {t(pending ? 'einvoice.statusActivePending' : 'einvoice.statusActive', { date: formatDate(s.consent.effectiveFrom, lang) })}
        </p>
        <p className="muted">{t('einvoice.since', { date: formatDate(s.consent.acceptedAt ?? s.consent.grantedAt, lang), version: s.consent.termsVersion ?? '—' })}</p>
      </>
    );
  }
  if (s.lastWithdrawn?.withdrawnEffectiveFrom && s.lastWithdrawn.withdrawnEffectiveFrom > today) {
    return <p>{t('einvoice.statusWithdrawn', { date: formatDate(s.lastWithdrawn.withdrawnEffectiveFrom, lang) })}</p>;
  }
  return <p>{t('einvoice.statusPaper')}</p>;
}

export function SavingTable({ savings }: { savings: Saving[] }) {
  const { t, lang } = useLang();
  if (savings.length === 0) return <p className="muted">{t('einvoice.noTariff')}</p>;
  const first = savings[0];
  return (
    <>
      <p>
        {t('einvoice.savingLead', {
          einvoice: formatMoney(first.feeEinvoiceNet, lang),
          paper: formatMoney(first.feePaperNet, lang),
          saving: formatMoney(first.savingGrossPerMonth, lang),
          year: formatMoney(first.savingGrossPerYear, lang),
        })}
      </p>
      <DataTable
        caption={t('einvoice.savingCaption')}
        columns={[t('einvoice.contract'), t('einvoice.group'), { label: t('einvoice.feePaper'), className: 'num' }, { label: t('einvoice.feeEinvoice'), className: 'num' }, { label: t('einvoice.savingMonth'), className: 'num' }]}
        items={savings}
        row={(x) => (
          <tr key={x.contractNumber}>
            <th scope="row" data-label={t('einvoice.contract')}>
              {x.contractNumber}
            </th>
            <td data-label={t('einvoice.group')}>
              {x.tariffGroupCode} <span className="muted">({x.tariffName})</span>
            </td>
            <td className="num" data-label={t('einvoice.feePaper')}>
              {formatMoney(x.feePaperNet, lang)} / {formatMoney(x.feePaperGross, lang)}
            </td>
            <td className="num" data-label={t('einvoice.feeEinvoice')}>
              {formatMoney(x.feeEinvoiceNet, lang)} / {formatMoney(x.feeEinvoiceGross, lang)}
            </td>
            <td className="num" data-label={t('einvoice.savingMonth')}>
              {formatMoney(x.savingGrossPerMonth, lang)}
            </td>
          </tr>
        )}
      />
    </>
  );
}

const STATUS_BADGE: Record<Invoice['status'], string> = { paid: 'badge-active', partly_paid: 'badge-warning', unpaid: 'badge-warning', overdue: 'badge-danger', credit: 'badge-active' };

/** The invoice list: `base` is '/api/portal/invoices' or '/api/staff/invoices'; `numberCell` may link to a detail page. */
export function InvoiceTable({ items, base, showCustomer, numberCell }: { items: Invoice[]; base: string; showCustomer?: boolean; numberCell?: (i: Invoice) => ReactNode }) {
  const { t, lang } = useLang();
  const k = (key: string) => t(`einvoice.invoices.${key}`);
  const columns = [
    k('number'),
    ...(showCustomer ? [k('customer')] : []),
    k('period'),
    { label: k('gross'), className: 'num' },
    k('dueDate'),
    k('status'),
    k('ksef'),
    k('documents'),
  ];
  return (
    <DataTable
      caption={k('caption')}
      columns={columns}
      items={items}
      ifEmpty={<p className="muted">{k('none')}</p>}
      row={(i) => (
        <tr key={i.id}>
          <th scope="row" data-label={k('number')}>
            {numberCell ? numberCell(i) : i.number}
            {i.kind === 'correction' && i.correctsNumber && <div className="muted">{t('einvoice.invoices.correction', { number: i.correctsNumber })}</div>}
            {i.correctedBy.length > 0 && <div className="muted">{t('einvoice.invoices.correctedBy', { numbers: i.correctedBy.join(', ') })}</div>}
          </th>
          {showCustomer && (
            <td data-label={k('customer')}>
              {i.customerName} <span className="muted">({i.customerNumber})</span>
            </td>
          )}
          <td data-label={k('period')}>
            {i.periodFrom && i.periodTo ? `${formatDate(i.periodFrom, lang)} – ${formatDate(i.periodTo, lang)}` : '—'}
            {i.estimated && <span className="muted"> ({k('estimated')})</span>}
            {/* Which point of supply: a customer with a house and a garden plot gets two invoices a period. */}
            {i.place && <div className="muted">{i.place}</div>}
          </td>
          <td className="num" data-label={k('gross')}>
            {formatMoney(i.gross, lang)}
            <div className="muted">
              {k('net')}&nbsp;{formatMoney(i.net, lang)}
            </div>
          </td>
          {/* A credit has nothing to pay, so no due date. */}
          <td data-label={k('dueDate')}>{i.gross < 0 ? '—' : formatDate(i.dueDate, lang)}</td>
          <td data-label={k('status')}>
            <span className={`badge ${STATUS_BADGE[i.status]}`}>{t(`einvoice.invoices.statuses.${i.status}`)}</span>
          </td>
          <td data-label={k('ksef')}>{i.ksefNumber ?? '—'}</td>
          <td data-label={k('documents')}>
            <span className="doc-links">
              {/* An issued document's PDF is made on its first download if the job has not made it yet. */}
              {i.hasPdf || i.hasXml ? (
                <a href={api.url(`${base}/${i.id}/pdf`)} download aria-label={t('einvoice.invoices.download', { kind: 'PDF', number: i.number })}>
                  {k('pdf')}
                </a>
              ) : (
                <span className="muted">{k('pdfPending')}</span>
              )}
              {i.hasXml && (
                <a href={api.url(`${base}/${i.id}/xml`)} download aria-label={t('einvoice.invoices.download', { kind: 'XML', number: i.number })}>
                  {k('xml')}
                </a>
              )}
              <UpoLink base={base} invoiceId={i.id} ksefNumber={i.ksefNumber} />
            </span>
          </td>
        </tr>
      )}
    />
  );
}
