/**
 * The default way to correct an invoice (on the staff invoice view): the
 * engine bills the invoice's contract again for its period from the readings
 * and tariffs as they are now, optionally with corrected closing registers
 * typed here. "Przelicz" shows before / after / difference without taking a
 * number (POST …/corrections/preview); "Zatwierdź korektę" issues the KOR
 * invoice from the same computation (POST …/corrections without lines).
 * Lines typed by hand remain the form below it (StaffInvoiceView.tsx).
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { DataTable } from '../../components/data.tsx';
import { FormAlert, Notice, TextField } from '../../components/forms.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatMoney, formatVolume } from '../../lib/format.ts';
import type { Basis, Line, StaffInvoice, Totals } from '../einvoice/types.ts';

const REASONS = ['wrong_reading', 'wrong_tariff', 'complaint_upheld'] as const;
type Reason = (typeof REASONS)[number];

interface Preview {
  reason: string;
  readings: Basis[];
  before: { lines: Line[]; totals: Totals };
  after: { lines: Line[]; totals: Totals };
  difference: Totals;
}

const qty = (n: number, lang: 'pl' | 'en') => formatVolume(n / 1000, lang).replace(/\s*m³$/, '');

export function CorrectionRecompute({ invoice, onIssued }: { invoice: StaffInvoice; onIssued(): void }) {
  const { t, lang } = useLang();
  const c = (k: string, o?: Record<string, unknown>) => t(`runs.correction.${k}`, o);
  const [reason, setReason] = useState<Reason>('wrong_reading');
  const [note, setNote] = useState('');
  const [closings, setClosings] = useState<Record<string, string>>({});
  const [preview, setPreview] = useState<Preview | null>(null);
  const [issued, setIssued] = useState<string | null>(null);
  const { busy, failure, call } = useApiCall();
  const body = () => {
    const readings = Object.entries(closings)
      .filter(([, v]) => v.trim() !== '')
      .map(([meterSerial, closing]) => ({ meterSerial, closing: closing.trim() }));
    return { reason, note: note.trim() || '—', ...(readings.length ? { readings } : {}) };
  };
  const recompute = (e: FormEvent) => {
    e.preventDefault();
    setIssued(null);
    void call(async () => setPreview(await api.post<Preview>(`/api/staff/invoices/${invoice.id}/corrections/preview`, body())));
  };
  const issue = () =>
    call(async () => {
      const r = await api.post<{ id: number; number: string }>(`/api/staff/invoices/${invoice.id}/corrections`, { ...body(), note: note.trim() });
      setIssued(r.number);
      setPreview(null);
      setNote('');
      setClosings({});
      onIssued();
    });
  const edit = <T,>(f: (v: T) => void) => (v: T) => {
    setPreview(null);
    f(v);
  };
  return (
    <form className="card" onSubmit={recompute} noValidate aria-labelledby="correct-recompute">
      <h2 id="correct-recompute">{c('title')}</h2>
      <p>{c('lead')}</p>
      {issued && <Notice kind="success">{c('issued', { number: issued })}</Notice>}
      <FormAlert error={failure} />
      <div className="field">
        <label htmlFor="recompute-reason">{c('reason')}</label>
        <select id="recompute-reason" value={reason} onChange={(e) => edit(setReason)(e.target.value as Reason)}>
          {REASONS.map((r) => (
            <option key={r} value={r}>
              {t(`einvoice.staff.reasons.${r}`)}
            </option>
          ))}
        </select>
      </div>
      <TextField label={c('note')} name="recompute-note" value={note} onChange={setNote} maxLength={200} required />
      {(invoice.current?.readings ?? []).map((r) => (
        <TextField
          key={r.meterSerial}
          label={c('closing', { serial: r.meterSerial })}
          name={`recompute-closing-${r.meterSerial}`}
          inputMode="decimal"
          value={closings[r.meterSerial] ?? ''}
          onChange={edit((v: string) => setClosings({ ...closings, [r.meterSerial]: v }))}
          hint={c('closingHint', { value: formatVolume(r.closing.value / 1000, lang) })}
        />
      ))}
      <div className="button-row">
        <button type="submit" className="button button-secondary" disabled={busy}>
          {c('preview')}
        </button>
      </div>
      {preview && (
        <>
          <LinesOf title={c('before')} lines={preview.before.lines} totals={preview.before.totals} />
          <LinesOf title={c('after')} lines={preview.after.lines} totals={preview.after.totals} />
          <p role="status">
            <strong>{c('difference')}:</strong> {c('totals', { net: formatMoney(preview.difference.net, lang), vat: formatMoney(preview.difference.vat, lang), gross: formatMoney(preview.difference.gross, lang) })}
          </p>
          <div className="button-row">
            <button type="button" className="button" disabled={busy || note.trim() === ''} onClick={() => void issue()}>
              {t('runs.correction.issue')}
            </button>
          </div>
        </>
      )}
    </form>
  );
}

function LinesOf({ title, lines, totals }: { title: string; lines: Line[]; totals: Totals }) {
  const { t, lang } = useLang();
  const c = (k: string, o?: Record<string, unknown>) => t(`runs.correction.${k}`, o);
  return (
    <>
      <h3>{title}</h3>
      <DataTable
        caption={c('linesCaption', { which: title })}
        columns={[c('item'), { label: c('quantity'), className: 'num' }, { label: c('price'), className: 'num' }, { label: c('net'), className: 'num' }]}
        items={lines.map((l, n) => ({ ...l, n }))}
        row={(l) => (
          <tr key={l.n}>
            <th scope="row" data-label={c('item')}>
              {l.name}
            </th>
            <td className="num" data-label={c('quantity')}>
              {qty(l.quantity, lang)} {t(`einvoice.staff.units.${l.unit}`)}
            </td>
            <td className="num" data-label={c('price')}>
              {formatMoney(l.unitPrice, lang)}
            </td>
            <td className="num" data-label={c('net')}>
              {formatMoney(l.net, lang)}
            </td>
          </tr>
        )}
      />
      <p>{c('totals', { net: formatMoney(totals.net, lang), vat: formatMoney(totals.vat, lang), gross: formatMoney(totals.gross, lang) })}</p>
    </>
  );
}
