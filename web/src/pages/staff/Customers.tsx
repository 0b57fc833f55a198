/**
 * Customer search: the query and page live in the address (`?q=&page=`), so
 * a result can be bookmarked and the back button returns to it.
 */
import { useState, type FormEvent } from 'react';
import type { CustomerListItem, Page as ApiPage } from '../../api/types.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { TextField } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatNumber } from '../../lib/format.ts';
import { Link, navigate, useLocation } from '../../router.tsx';

const LIMIT = 25;

export default function Customers() {
  const { t, lang } = useLang();
  const { search } = useLocation();
  const q = search.get('q') ?? '';
  const page = Math.max(1, Number(search.get('page')) || 1);
  const [text, setText] = useState(q);
  const result = useApi<ApiPage<CustomerListItem>>('/api/staff/customers', { q: q || undefined, limit: LIMIT, offset: (page - 1) * LIMIT });

  const go = (query: string, p: number) => {
    const s = new URLSearchParams();
    if (query) s.set('q', query);
    if (p > 1) s.set('page', String(p));
    navigate(`/staff/customers${s.size ? `?${s}` : ''}`);
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    go(text.trim(), 1);
  };

  return (
    <Page title={t('customers.title')} wide>
      <form onSubmit={submit} className="search-form" role="search" aria-label={t('customers.search')}>
        <TextField label={t('customers.query')} name="q" type="search" value={text} onChange={setText} hint={t('customers.queryHint')} />
        <button type="submit" className="button">
          {t('customers.search')}
        </button>
      </form>
      <DataState loaded={result}>
        {(r) => {
          const pages = Math.max(1, Math.ceil(r.total / LIMIT));
          return (
            <>
              <p role="status">{t('customers.found', { count: r.total, formatted: formatNumber(r.total, lang) })}</p>
              {r.items.length > 0 && (
                <div className="table-wrap">
                  <table>
                    <caption className="visually-hidden">{t('customers.caption')}</caption>
                    <thead>
                      <tr>
                        <th scope="col">{t('customer.number')}</th>
                        <th scope="col">{t('customer.name')}</th>
                        <th scope="col">{t('customer.address')}</th>
                        <th scope="col">{t('customer.kind')}</th>
                        <th scope="col">{t('fields.email')}</th>
                      </tr>
                    </thead>
                    <tbody>
                      {r.items.map((c) => (
                        <tr key={c.id}>
                          <td data-label={t('customer.number')}>{c.customerNumber}</td>
                          <th scope="row" data-label={t('customer.name')}>
                            <Link to={`/staff/customers/${c.id}`}>{c.name}</Link>
                          </th>
                          <td data-label={t('customer.address')}>{c.address}</td>
                          <td data-label={t('customer.kind')}>{t(`customer.kinds.${c.kind}`, c.kind)}</td>
                          <td data-label={t('fields.email')}>{c.email ?? '—'}</td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                </div>
              )}
              {pages > 1 && (
                <nav className="pager" aria-label={t('common.pages')}>
                  <button type="button" className="button button-secondary" disabled={page <= 1} onClick={() => go(q, page - 1)}>
                    {t('common.previous')}
                  </button>
                  <span>{t('common.pageOf', { page, pages })}</span>
                  <button type="button" className="button button-secondary" disabled={page >= pages} onClick={() => go(q, page + 1)}>
                    {t('common.next')}
                  </button>
                </nav>
              )}
            </>
          );
        }}
      </DataState>
    </Page>
  );
}
