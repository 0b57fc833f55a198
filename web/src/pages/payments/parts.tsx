/** Pieces the portal's and the staff's balance pages share: the figures at a glance, the invoices' statuses, the ledger. */
import { useState } from 'react';
import { DataTable } from '../../components/data.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatMoney } from '../../lib/format.ts';
import { ENTRY_KINDS, type EntryKind, type ItemStatus, type LedgerEntry, type PaymentStatus, type Summary } from './types.ts';
import './payments.css';

export function BalanceFigures({ summary }: { summary: Summary }) {
  const { t, lang } = useLang();
  return (
    <dl className="balance-figures">
      <div>
        <dt>{t('payments.summary.due')}</dt>
        <dd data-testid="balance-due">{formatMoney(summary.due, lang)}</dd>
      </div>
      <div className={summary.overdue > 0 ? 'balance-overdue' : undefined}>
        <dt>{t('payments.summary.overdue')}</dt>
        <dd data-testid="balance-overdue">{formatMoney(summary.overdue, lang)}</dd>
      </div>
      <div>
        <dt>{t('payments.summary.overpaid')}</dt>
        <dd data-testid="balance-overpaid">{formatMoney(summary.overpaid, lang)}</dd>
      </div>
      <div>
        <dt>{t('payments.summary.nextDue')}</dt>
        <dd>{summary.nextDueDate ? formatDate(summary.nextDueDate, lang) : t('payments.summary.noneDue')}</dd>
      </div>
    </dl>
  );
}

/** One line that says where the customer stands. */
export function BalanceSentence({ summary }: { summary: Summary }) {
  const { t, lang } = useLang();
  if (summary.balance > 0) return <p data-testid="balance-sentence">{t('payments.summary.owed', { amount: formatMoney(summary.balance, lang) })}</p>;
  if (summary.balance < 0) return <p data-testid="balance-sentence">{t('payments.summary.credit', { amount: formatMoney(-summary.balance, lang) })}</p>;
  return <p data-testid="balance-sentence">{t('payments.summary.settled')}</p>;
}

export function StatusBadge({ status }: { status: PaymentStatus }) {
  const { t } = useLang();
  return <span className={`pay-status pay-status-${status}`}>{t(`payments.status.${status}`)}</span>;
}

/** Each invoice's payment status; `actions` is a slot for e.g. the online helper's "pay" button. */
export function InvoiceStatuses({ items, actions }: { items: ItemStatus[]; actions?: (item: ItemStatus) => React.ReactNode }) {
  const { t, lang } = useLang();
  const sorted = [...items].sort((a, b) => (a.dueDate < b.dueDate ? 1 : -1));
  return (
    <DataTable
      caption={t('payments.invoices.caption')}
      columns={[t('payments.invoices.number'), t('payments.invoices.dueDate'), { label: t('payments.invoices.amount'), className: 'num' }, { label: t('payments.invoices.open'), className: 'num' }, t('payments.invoices.status'), ...(actions ? [''] : [])]}
      items={sorted}
      ifEmpty={<p>{t('payments.invoices.none')}</p>}
      row={(i) => (
        <tr key={`${i.kind}:${i.id}`}>
          <td data-label={t('payments.invoices.number')}>{i.reference}</td>
          <td data-label={t('payments.invoices.dueDate')}>{formatDate(i.dueDate, lang)}</td>
          <td data-label={t('payments.invoices.amount')} className="num">{formatMoney(i.amount, lang)}</td>
          <td data-label={t('payments.invoices.open')} className="num">{formatMoney(i.open, lang)}</td>
          <td data-label={t('payments.invoices.status')}>
            <StatusBadge status={i.status} />
          </td>
          {actions && <td>{actions(i)}</td>}
        </tr>
      )}
    />
  );
}

export interface LedgerFilters {
  from: string;
  to: string;
  kind: EntryKind | '';
}

export function useLedgerFilters() {
  const [filters, setFilters] = useState<LedgerFilters>({ from: '', to: '', kind: '' });
  const query = { ...(filters.from ? { from: filters.from } : {}), ...(filters.to ? { to: filters.to } : {}), ...(filters.kind ? { kind: filters.kind } : {}) };
  return { filters, setFilters, query };
}

export function LedgerFilterForm({ filters, onChange }: { filters: LedgerFilters; onChange(f: LedgerFilters): void }) {
  const { t } = useLang();
  return (
    <form className="ledger-filters" onSubmit={(e) => e.preventDefault()} aria-label={t('payments.ledger.filters')}>
      <div className="field">
        <label htmlFor="ledger-from">{t('payments.ledger.from')}</label>
        <input id="ledger-from" type="date" value={filters.from} onChange={(e) => onChange({ ...filters, from: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="ledger-to">{t('payments.ledger.to')}</label>
        <input id="ledger-to" type="date" value={filters.to} onChange={(e) => onChange({ ...filters, to: e.target.value })} />
      </div>
      <div className="field">
        <label htmlFor="ledger-kind">{t('payments.ledger.kind')}</label>
        <select id="ledger-kind" value={filters.kind} onChange={(e) => onChange({ ...filters, kind: e.target.value as EntryKind | '' })}>
          <option value="">{t('payments.ledger.allKinds')}</option>
          {ENTRY_KINDS.map((k) => (
            <option key={k} value={k}>
              {t(`payments.kind.${k}`)}
            </option>
          ))}
        </select>
      </div>
    </form>
  );
}

export function LedgerTable({ entries }: { entries: LedgerEntry[] }) {
  const { t, lang } = useLang();
  return (
    <DataTable
      caption={t('payments.ledger.caption')}
      columns={[t('payments.ledger.date'), t('payments.ledger.kind'), t('payments.ledger.reference'), { label: t('payments.ledger.debit'), className: 'num' }, { label: t('payments.ledger.credit'), className: 'num' }, { label: t('payments.ledger.balance'), className: 'num' }]}
      items={entries}
      ifEmpty={<p>{t('payments.ledger.none')}</p>}
      row={(e) => (
        <tr key={`${e.kind}:${e.id}`}>
          <td data-label={t('payments.ledger.date')}>{formatDate(e.date, lang)}</td>
          <td data-label={t('payments.ledger.kind')}>{t(`payments.kind.${e.kind}`)}</td>
          <td data-label={t('payments.ledger.reference')}>{e.reference}</td>
          <td data-label={t('payments.ledger.debit')} className="num">{e.amount > 0 ? formatMoney(e.amount, lang) : ''}</td>
          <td data-label={t('payments.ledger.credit')} className="num">{e.amount < 0 ? formatMoney(-e.amount, lang) : ''}</td>
          <td data-label={t('payments.ledger.balance')} className="num">{formatMoney(e.balance, lang)}</td>
        </tr>
      )}
    />
  );
}
