/**
 * One invoice for staff (/staff/invoices/:invoiceId): its lines and reading
 * basis as they stand (after any earlier correction), its corrections, its
 * documents, and, for billing and admin, the form that issues a corrective
 * invoice: the reason, what was wrong, the lines as they should have been
 * (prefilled with the current ones) and corrected closing readings.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { mayAccess } from '../../access.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert, Notice, TextField } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatMoney, formatVolume } from '../../lib/format.ts';
import { Link } from '../../router.tsx';
import type { PageProps } from '../../routes.tsx';
import { useSession } from '../../session.tsx';
import type { Basis, Line, StaffInvoice, Totals } from './types.ts';
import { CorrectionRecompute } from '../billing/CorrectionRecompute.tsx';
import './einvoice.css';
import { InvoiceKsef } from '../ksef/InvoiceKsef.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';

const REASONS = ['wrong_reading', 'wrong_tariff', 'complaint_upheld'] as const;
type Reason = (typeof REASONS)[number];

interface LineForm {
  name: string;
  quantity: string;
  unit: Line['unit'];
  unitPrice: string;
  vatRate: string;
}

/** Thousandths and grosze as the decimal text a person edits ("12,345", "4,50"). */
const decimal = (n: number, places: number, lang: string) => {
  const s = (Math.abs(n) / 10 ** places).toFixed(places);
  return `${n < 0 ? '-' : ''}${lang === 'pl' ? s.replace('.', ',') : s}`;
};

export default function StaffInvoiceView({ params }: PageProps) {
  const { t, lang } = useLang();
  const { user } = useSession();
  const inv = useApi<StaffInvoice>(`/api/staff/invoices/${encodeURIComponent(params.invoiceId)}`);
  const mayCorrect = mayAccess('staff:admin,billing', user);
  return (
    <Page title={inv.data?.number ?? t('einvoice.staff.title')} wide>
      <p>
        <Link to="/staff/invoices">← {t('einvoice.staff.back')}</Link>
      </p>
      <DataState loaded={inv}>
        {(i) => (
          <>
            <section className="card" aria-labelledby="invoice-data">
              <h2 id="invoice-data">{i.number}</h2>
              <dl className="facts">
                <div>
                  <dt>{t('einvoice.invoices.customer')}</dt>
                  <dd>
                    <Link to={`/staff/customers/${i.customerId}`}>{i.customerName}</Link> <span className="muted">({i.customerNumber})</span>
                  </dd>
                </div>
                {i.document && (
                  <>
                    <div>
                      <dt>{t('einvoice.invoices.period')}</dt>
                      <dd>
                        {formatDate(i.document.period.from, lang)} – {formatDate(i.document.period.to, lang)}
                      </dd>
                    </div>
                    <div>
                      <dt>{t('einvoice.invoices.issueDate')}</dt>
                      <dd>{formatDate(i.document.issueDate, lang)}</dd>
                    </div>
                  </>
                )}
                <div>
                  <dt>{t('einvoice.invoices.ksef')}</dt>
                  <dd>{i.ksefNumber ?? '—'}</dd>
                </div>
                <div>
                  <dt>{t('einvoice.invoices.documents')}</dt>
                  <dd className="doc-links">
                    <a href={api.url(`/api/staff/invoices/${i.id}/pdf`)} download>
                      {t('einvoice.invoices.pdf')}
                    </a>
                    <a href={api.url(`/api/staff/invoices/${i.id}/xml`)} download>
                      {t('einvoice.invoices.xml')}
                    </a>
                  </dd>
                </div>
              </dl>
            </section>
            <InvoiceKsef invoiceId={i.id} />
            {i.current && <LinesTable lines={i.current.lines} totals={i.current.totals} />}
            {i.current && i.current.readings.length > 0 && <ReadingsTable readings={i.current.readings} />}
            <section className="card" aria-labelledby="corrections">
              <h2 id="corrections">{t('einvoice.staff.corrections')}</h2>
              {i.corrections.length === 0 ? (
                <p className="muted">{t('einvoice.staff.noCorrections')}</p>
              ) : (
                <ul>
                  {i.corrections.map((k) => (
                    <li key={k.id}>
                      <Link to={`/staff/invoices/${k.id}`}>{k.number}</Link> · {formatDate(k.issueDate, lang)} · {formatMoney(k.gross, lang)}
                    </li>
                  ))}
                </ul>
              )}
            </section>
            {i.kind === 'correction' && i.document?.after && i.document.difference && (
              <>
                <p>
                  {t('einvoice.invoices.correction', { number: i.document.corrected?.number ?? '' })}. {i.document.reason}
                </p>
                <LinesTable lines={i.document.after.lines} totals={i.document.after.totals} />
                <p>
                  {t('einvoice.staff.difference', {
                    net: formatMoney(i.document.difference.net, lang),
                    vat: formatMoney(i.document.difference.vat, lang),
                    gross: formatMoney(i.document.difference.gross, lang),
                  })}
                </p>
              </>
            )}
            {i.kind === 'correction' && <p className="muted">{t('einvoice.staff.isCorrection')}</p>}
            {mayCorrect && i.kind === 'invoice' && i.current && <CorrectionRecompute invoice={i} onIssued={inv.reload} />}
            {mayCorrect && i.kind === 'invoice' && i.current && <CorrectionForm invoice={i} onIssued={inv.reload} lang={lang} />}
          </>
        )}
      </DataState>
    </Page>
  );
}

function LinesTable({ lines, totals }: { lines: Line[]; totals: Totals }) {
  const { t, lang } = useLang();
  const s = (k: string) => t(`einvoice.staff.${k}`);
  return (
    <section className="card" aria-labelledby="invoice-lines">
      <h2 id="invoice-lines">{s('lines')}</h2>
      <DataTable
        caption={s('linesCaption')}
        columns={[s('item'), { label: s('quantity'), className: 'num' }, s('unit'), { label: s('price'), className: 'num' }, { label: s('vat'), className: 'num' }, { label: s('value'), className: 'num' }]}
        items={lines.map((l, n) => ({ ...l, n }))}
        row={(l) => (
          <tr key={l.n}>
            <th scope="row" data-label={s('item')}>
              {l.name}
            </th>
            <td className="num" data-label={s('quantity')}>
              {decimal(l.quantity, 3, lang)}
            </td>
            <td data-label={s('unit')}>{t(`einvoice.staff.units.${l.unit}`)}</td>
            <td className="num" data-label={s('price')}>
              {formatMoney(l.unitPrice, lang)}
            </td>
            <td className="num" data-label={s('vat')}>
              {l.vatRate}
            </td>
            <td className="num" data-label={s('value')}>
              {formatMoney(l.net, lang)}
            </td>
          </tr>
        )}
      />
      <p>{t('einvoice.staff.totals', { net: formatMoney(totals.net, lang), vat: formatMoney(totals.vat, lang), gross: formatMoney(totals.gross, lang) })}</p>
    </section>
  );
}

function ReadingsTable({ readings }: { readings: Basis[] }) {
  const { t, lang } = useLang();
  const s = (k: string) => t(`einvoice.staff.${k}`);
  return (
    <section className="card" aria-labelledby="invoice-readings">
      <h2 id="invoice-readings">{s('readings')}</h2>
      <DataTable
        caption={s('readings')}
        columns={[s('meter'), s('opening'), s('closing')]}
        items={readings}
        row={(r) => (
          <tr key={r.meterSerial}>
            <th scope="row" data-label={s('meter')}>
              {r.meterSerial}
            </th>
            <td data-label={s('opening')}>
              {formatVolume(r.opening.value / 1000, lang)} ({formatDate(r.opening.date, lang)})
            </td>
            <td data-label={s('closing')}>
              {formatVolume(r.closing.value / 1000, lang)} ({formatDate(r.closing.date, lang)})
            </td>
          </tr>
        )}
      />
    </section>
  );
}

function CorrectionForm({ invoice, onIssued, lang }: { invoice: StaffInvoice; onIssued(): void; lang: string }) {
  const { t } = useLang();
  const s = (k: string, o?: Record<string, unknown>) => t(`einvoice.staff.${k}`, o);
  const fromCurrent = () =>
    invoice.current!.lines.map((l) => ({ name: l.name, quantity: decimal(l.quantity, 3, lang), unit: l.unit, unitPrice: decimal(l.unitPrice, 2, lang), vatRate: String(l.vatRate) }));
  const [reason, setReason] = useState<Reason>('wrong_reading');
  const [note, setNote] = useState('');
  const [lines, setLines] = useState<LineForm[]>(fromCurrent);
  const [closings, setClosings] = useState<Record<string, string>>({});
  const [issued, setIssued] = useState<string | null>(null);
  const { busy, failure, call } = useApiCall();
  // A reload after issuing brings the new "current" lines: start the next correction from them.
  useEffect(() => setLines(fromCurrent()), [invoice]); // eslint-disable-line react-hooks/exhaustive-deps

  const setLine = (n: number, patch: Partial<LineForm>) => setLines(lines.map((l, i) => (i === n ? { ...l, ...patch } : l)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    setIssued(null);
    void call(async () => {
      const readings = Object.entries(closings)
        .filter(([, v]) => v.trim() !== '')
        .map(([meterSerial, closing]) => ({ meterSerial, closing: closing.trim() }));
      const r = await api.post<{ id: number; number: string }>(`/api/staff/invoices/${invoice.id}/corrections`, {
        reason,
        note: note.trim(),
        lines: lines.map((l) => ({ name: l.name, quantity: l.quantity.trim(), unit: l.unit, unitPrice: l.unitPrice.trim(), vatRate: Number(l.vatRate) })),
        ...(readings.length ? { readings } : {}),
      });
      setIssued(r.number);
      setNote('');
      setClosings({});
      onIssued();
    });
  };
  const label = (n: number, field: string) => s('lineLabel', { n: n + 1, field });
  return (
    <form className="card" onSubmit={submit} noValidate aria-labelledby="correct">
      <h2 id="correct">{s('correct')}</h2>
      <p>{s('correctLead')}</p>
      {issued && <Notice kind="success">{s('issued', { number: issued })}</Notice>}
      <FormAlert error={failure} />
      <div className="field">
        <label htmlFor="correction-reason">{s('reason')}</label>
        <select id="correction-reason" value={reason} onChange={(e) => setReason(e.target.value as Reason)}>
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {s(`reasons.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <TextField label={s('note')} name="note" value={note} onChange={setNote} maxLength={200} required />
      {invoice.current!.readings.map((r) => (
        <TextField
          key={r.meterSerial}
          label={s('correctedClosing', { serial: r.meterSerial })}
          name={`closing-${r.meterSerial}`}
          inputMode="decimal"
          value={closings[r.meterSerial] ?? ''}
          onChange={(v) => setClosings({ ...closings, [r.meterSerial]: v })}
          hint={`${s('closing')}: ${formatVolume(r.closing.value / 1000, lang as 'pl')}`}
        />
      ))}
      <TableWrap label={s('linesCaption')} className="correction-lines">
        <table>
          <caption className="visually-hidden">{s('linesCaption')}</caption>
          <thead>
            <tr>
              <th scope="col">{s('item')}</th>
              <th scope="col">{s('quantity')}</th>
              <th scope="col">{s('unit')}</th>
              <th scope="col">{s('price')}</th>
              <th scope="col">{s('vat')}</th>
              <th scope="col">
                <span className="visually-hidden">{s('removeLine', { n: '' })}</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {lines.map((l, n) => (
              <tr key={n}>
                <td data-label={s('item')}>
                  <input aria-label={label(n, s('item'))} value={l.name} onChange={(e) => setLine(n, { name: e.target.value })} maxLength={256} />
                </td>
                <td data-label={s('quantity')}>
                  <input aria-label={label(n, s('quantity'))} inputMode="decimal" value={l.quantity} onChange={(e) => setLine(n, { quantity: e.target.value })} />
                </td>
                <td data-label={s('unit')}>
                  <select aria-label={label(n, s('unit'))} value={l.unit} onChange={(e) => setLine(n, { unit: e.target.value as Line['unit'] })}>
                    {(['m3', 'month', 'pcs'] as const).map((u) => (
                      <option key={u} value={u}>
                        {s(`units.${u}`)}
                      </option>
                    ))}
                  </select>
                </td>
                <td data-label={s('price')}>
                  <input aria-label={label(n, s('price'))} inputMode="decimal" value={l.unitPrice} onChange={(e) => setLine(n, { unitPrice: e.target.value })} />
                </td>
                <td data-label={s('vat')}>
                  <select aria-label={label(n, s('vat'))} value={l.vatRate} onChange={(e) => setLine(n, { vatRate: e.target.value })}>
                    {['8', '23', '5'].map((r) => (
                      <option key={r} value={r}>
                        {r}
                      </option>
                    ))}
                  </select>
                </td>
                <td>
                  <button type="button" className="button-link" onClick={() => setLines(lines.filter((_, i) => i !== n))} disabled={lines.length <= 1}>
                    {s('removeLine', { n: n + 1 })}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <div className="button-row">
        <button type="button" className="button button-secondary" onClick={() => setLines([...lines, { name: '', quantity: '', unit: 'pcs', unitPrice: '', vatRate: '8' }])}>
          {s('addLine')}
        </button>
        <button type="submit" className="button" disabled={busy}>
          {s('issue')}
        </button>
      </div>
    </form>
  );
}
