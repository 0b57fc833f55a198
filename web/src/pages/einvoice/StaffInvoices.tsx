/**
 * Staff invoice search (/staff/invoices): by number, customer (number or
 * name) and period month, kept in the address so a result can be bookmarked.
 */
import { useState, type FormEvent } from 'react';
import type { Page as ApiPage } from '../../api/types.ts';
import { PagedList, useApi } from '../../components/data.tsx';
import { TextField } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatNumber } from '../../lib/format.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import type { Invoice } from './types.ts';
import { InvoiceTable } from './parts.tsx';

const LIMIT = 25;

export default function StaffInvoices() {
  const { t, lang } = useLang();
  const { search } = useLocation();
  const number = search.get('number') ?? '';
  const customer = search.get('customer') ?? '';
  const period = search.get('period') ?? '';
  const page = Math.max(1, Number(search.get('page')) || 1);
  const [form, setForm] = useState({ number, customer, period });
  const go = (f: typeof form, p: number) => {
    const s = new URLSearchParams();
    for (const [k, v] of Object.entries(f)) if (v.trim()) s.set(k, v.trim());
    if (p > 1) s.set('page', String(p));
    navigate(`/staff/invoices${s.size ? `?${s}` : ''}`);
  };
  const list = useApi<ApiPage<Invoice>>('/api/staff/invoices', { number: number || undefined, customer: customer || undefined, period: period || undefined, limit: LIMIT, offset: (page - 1) * LIMIT });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go(form, 1);
  };
  return (
    <Page title={t('einvoice.staff.title')} wide>
      <form onSubmit={submit} className="search-form" role="search" aria-label={t('einvoice.staff.search')}>
        <TextField label={t('einvoice.staff.number')} name="number" value={form.number} onChange={(v) => setForm({ ...form, number: v })} hint={t('einvoice.staff.numberHint')} />
        <TextField label={t('einvoice.staff.customer')} name="customer" value={form.customer} onChange={(v) => setForm({ ...form, customer: v })} hint={t('einvoice.staff.customerHint')} />
        <TextField label={t('einvoice.staff.period')} name="period" type="month" value={form.period} onChange={(v) => setForm({ ...form, period: v })} hint={t('einvoice.staff.periodHint')} pattern="[0-9]{4}-[0-9]{2}" />
        <button type="submit" className="button">
          {t('einvoice.staff.search')}
        </button>
      </form>
      <PagedList loaded={list} limit={LIMIT} page={page} onPage={(p) => go({ number, customer, period }, p)} status={(total) => t('einvoice.staff.found', { count: total, formatted: formatNumber(total, lang) })}>
        {(items) => <InvoiceTable items={items} base="/api/staff/invoices" showCustomer numberCell={(i) => <Link to={`/staff/invoices/${i.id}`}>{i.number}</Link>} />}
      </PagedList>
    </Page>
  );
}
