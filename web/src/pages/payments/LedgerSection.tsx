/**
 * The staff customer view's ledger: the balance, each invoice's payment
 * status, the settlement history, and (for billing) manual allocation of a
 * payment's remainder, a refund of an overpayment and a manual adjustment.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { mayAccess } from '../../access.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { FormAlert, TextField } from '../../components/forms.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatMoney } from '../../lib/format.ts';
import { useSession } from '../../session.tsx';
import { BalanceFigures, BalanceSentence, InvoiceStatuses, LedgerFilterForm, LedgerTable, useLedgerFilters } from './parts.tsx';
import { parseAmount, type StaffLedger } from './types.ts';

export default function LedgerSection({ customerId }: { customerId: string }) {
  const { user } = useSession();
  if (!mayAccess('staff:billing,auditor,customer_service', user)) return null;
  return <CustomerLedger customerId={customerId} canWrite={mayAccess('staff:billing', user)} />;
}

function CustomerLedger({ customerId, canWrite }: { customerId: string; canWrite: boolean }) {
  const { t } = useLang();
  const { filters, setFilters, query } = useLedgerFilters();
  const ledger = useApi<StaffLedger>(`/api/staff/customers/${customerId}/ledger`, query);
  return (
    <section className="card" aria-labelledby="customer-ledger">
      <h2 id="customer-ledger">{t('payments.staffLedger.title')}</h2>
      <DataState loaded={ledger}>
        {(l) => (
          <>
            <BalanceSentence summary={l.summary} />
            <BalanceFigures summary={l.summary} />
            <h3>{t('payments.portal.invoices')}</h3>
            <InvoiceStatuses items={l.summary.items} />
            <h3>{t('payments.portal.history')}</h3>
            <LedgerFilterForm filters={filters} onChange={setFilters} />
            <LedgerTable entries={l.entries} />
            {canWrite && <Actions customerId={customerId} ledger={l} onDone={ledger.reload} />}
          </>
        )}
      </DataState>
    </section>
  );
}

function useAmount() {
  const [text, setText] = useState('');
  return { text, setText, grosze: parseAmount(text) };
}

function Actions({ customerId, ledger, onDone }: { customerId: string; ledger: StaffLedger; onDone(): void }) {
  const { t, lang } = useLang();
  const alloc = useApiCall();
  const ref = useApiCall();
  const adj = useApiCall();
  const openItems = ledger.summary.items.filter((i) => i.open > 0);
  const [paymentId, setPaymentId] = useState('');
  const [target, setTarget] = useState('');
  const allocAmount = useAmount();
  const refundAmount = useAmount();
  const [refundNote, setRefundNote] = useState('');
  const adjAmount = useAmount();
  const [adjNote, setAdjNote] = useState('');
  const base = `/api/staff/customers/${customerId}`;
  const done = (reset: () => void) => {
    reset();
    onDone();
  };
  return (
    <div className="payments-actions">
      <form
        aria-labelledby="alloc-title"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          const [kind, id] = target.split(':');
          void alloc.call(async () => {
            await api.post(`${base}/allocations`, { paymentId, kind, targetId: id, amountGrosze: allocAmount.grosze ?? 0 });
            done(() => allocAmount.setText(''));
          });
        }}
      >
        <h3 id="alloc-title">{t('payments.actions.allocate')}</h3>
        <FormAlert error={alloc.failure} />
        {ledger.credits.length === 0 ? (
          <p>{t('payments.actions.noCredits')}</p>
        ) : (
          <>
            <div className="field">
              <label htmlFor="alloc-payment">{t('payments.actions.payment')}</label>
              <select id="alloc-payment" value={paymentId} onChange={(e) => setPaymentId(e.target.value)} required>
                <option value="">—</option>
                {ledger.credits.map((c) => (
                  <option key={c.paymentId} value={String(c.paymentId)}>
                    {formatDate(c.bookedOn, lang)}: {formatMoney(c.remaining, lang)}
                  </option>
                ))}
              </select>
            </div>
            <div className="field">
              <label htmlFor="alloc-target">{t('payments.actions.target')}</label>
              <select id="alloc-target" value={target} onChange={(e) => setTarget(e.target.value)} required>
                <option value="">—</option>
                {openItems.map((i) => (
                  <option key={`${i.kind}:${i.id}`} value={`${i.kind}:${i.id}`}>
                    {i.reference}: {formatMoney(i.open, lang)}
                  </option>
                ))}
              </select>
            </div>
            <TextField label={t('payments.actions.amount')} name="alloc-amount" value={allocAmount.text} onChange={allocAmount.setText} inputMode="decimal" required />
            <button type="submit" disabled={alloc.busy || !paymentId || !target || !allocAmount.grosze}>
              {t('payments.actions.allocateButton')}
            </button>
          </>
        )}
      </form>
      <form
        aria-labelledby="refund-title"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void ref.call(async () => {
            await api.post(`${base}/refunds`, { amountGrosze: refundAmount.grosze ?? 0, note: refundNote });
            done(() => refundAmount.setText(''));
          });
        }}
      >
        <h3 id="refund-title">{t('payments.actions.refund')}</h3>
        <FormAlert error={ref.failure} />
        <p className="hint">{t('payments.actions.refundHint', { amount: formatMoney(ledger.summary.overpaid, lang) })}</p>
        <TextField label={t('payments.actions.amount')} name="refund-amount" value={refundAmount.text} onChange={refundAmount.setText} inputMode="decimal" required />
        <TextField label={t('payments.actions.note')} name="refund-note" value={refundNote} onChange={setRefundNote} />
        <button type="submit" disabled={ref.busy || !refundAmount.grosze}>
          {t('payments.actions.refundButton')}
        </button>
      </form>
      <form
        aria-labelledby="adjust-title"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          void adj.call(async () => {
            await api.post(`${base}/adjustments`, { amountGrosze: adjAmount.grosze ?? 0, note: adjNote });
            done(() => {
              adjAmount.setText('');
              setAdjNote('');
            });
          });
        }}
      >
        <h3 id="adjust-title">{t('payments.actions.adjust')}</h3>
        <FormAlert error={adj.failure} />
        <TextField label={t('payments.actions.adjustAmount')} hint={t('payments.actions.adjustHint')} name="adjust-amount" value={adjAmount.text} onChange={adjAmount.setText} inputMode="decimal" required />
        <TextField label={t('payments.actions.reason')} name="adjust-note" value={adjNote} onChange={setAdjNote} required />
        <button type="submit" disabled={adj.busy || !adjAmount.grosze || adjNote.trim() === ''}>
          {t('payments.actions.adjustButton')}
        </button>
      </form>
    </div>
  );
}
