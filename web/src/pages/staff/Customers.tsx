/**
 * Customer search: the query and page live in the address (`?q=&page=`), so
 * a result can be bookmarked and the back button returns to it.
 */
import { useState, type FormEvent } from 'react';
import type { CustomerListItem, Page as ApiPage } from '../../api/types.ts';
import { DataTable, PagedList, useApi, useListAddress } from '../../components/data.tsx';
import { TextField } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatNumber } from '../../lib/format.ts';
import { Link } from '../../router.tsx';

const LIMIT = 25;

export default function Customers() {
  const { t, lang } = useLang();
  const { value: q, page, go, offset } = useListAddress('/staff/customers', 'q', LIMIT);
  const [text, setText] = useState(q);
  const result = useApi<ApiPage<CustomerListItem>>('/api/staff/customers', { q: q || undefined, limit: LIMIT, offset });

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
      <PagedList
        loaded={result}
        limit={LIMIT}
        page={page}
        onPage={(p) => go(q, p)}
        status={(total) => t('customers.found', { count: total, formatted: formatNumber(total, lang) })}
      >
        {(items) => (
          <DataTable
            caption={t('customers.caption')}
            columns={[t('customer.number'), t('customer.name'), t('customer.address'), t('customer.kind'), t('fields.email')]}
            items={items}
            ifEmpty={null}
            row={(c) => (
              <tr key={c.id}>
                <td data-label={t('customer.number')}>{c.customerNumber}</td>
                <th scope="row" data-label={t('customer.name')}>
                  <Link to={`/staff/customers/${c.id}`}>{c.name}</Link>
                </th>
                <td data-label={t('customer.address')}>{c.address}</td>
                <td data-label={t('customer.kind')}>{t(`customer.kinds.${c.kind}`, c.kind)}</td>
                <td data-label={t('fields.email')}>{c.email ?? '—'}</td>
              </tr>
            )}
          />
        )}
      </PagedList>
    </Page>
  );
}
