/**
 * The customer's cases (/portal/cases): every kind (reading reports, data
 * changes, complaints and remarks, failure reports, messages), filtered by
 * kind and status in the address so that the back button keeps them.
 */
import { DataTable, PagedList, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import { CaseCount, KINDS, SelectField, StatusBadge, STATUSES, type CaseListItem } from './common.tsx';

const LIMIT = 20;

export default function CustomerCases() {
  const { t, lang } = useLang();
  const { search } = useLocation();
  const kind = search.get('kind') ?? '';
  const status = search.get('status') ?? '';
  const page = Math.max(1, Number(search.get('page')) || 1);
  const go = (next: { kind?: string; status?: string; page?: number }) => {
    const s = new URLSearchParams();
    const k = next.kind ?? kind;
    const st = next.status ?? status;
    if (k) s.set('kind', k);
    if (st) s.set('status', st);
    if (next.page && next.page > 1) s.set('page', String(next.page));
    navigate(`/portal/cases${s.size ? `?${s}` : ''}`);
  };
  const list = useApi<{ items: CaseListItem[]; total: number }>('/api/portal/cases', { kind: kind || undefined, status: status || undefined, limit: LIMIT, offset: (page - 1) * LIMIT });

  return (
    <Page
      title={t('cases.title')}
      actions={
        <Link to="/portal/cases/new" className="button">
          {t('cases.newCase')}
        </Link>
      }
    >
      <div className="filters" role="group" aria-label={t('cases.filters')}>
        <SelectField
          label={t('cases.kind')}
          name="kind"
          value={kind}
          onChange={(v) => go({ kind: v, page: 1 })}
          options={[{ value: '', label: t('cases.all') }, ...KINDS.map((k) => ({ value: k, label: t(`cases.kinds.${k}`) }))]}
        />
        <SelectField
          label={t('cases.status')}
          name="status"
          value={status}
          onChange={(v) => go({ status: v, page: 1 })}
          options={[
            { value: '', label: t('cases.all') },
            { value: 'open', label: t('cases.groups.open') },
            { value: 'closed', label: t('cases.groups.closed') },
            ...STATUSES.map((s) => ({ value: s, label: t(`cases.statuses.${s}`) })),
          ]}
        />
      </div>
      <PagedList loaded={list} limit={LIMIT} page={page} onPage={(p) => go({ page: p })} status={(total) => <CaseCount total={total} />}>
        {(items) => (
          <DataTable
            caption={t('cases.caption')}
            columns={[t('cases.number'), t('cases.subject'), t('cases.kind'), t('cases.status'), t('cases.created'), t('cases.lastReply')]}
            items={items}
            ifEmpty={<p>{kind || status ? t('cases.none') : t('cases.noneYet')}</p>}
            row={(c) => (
              <tr key={c.id}>
                <td data-label={t('cases.number')}>
                  <Link to={`/portal/cases/${c.id}`}>{c.caseNumber}</Link>
                </td>
                <th scope="row" data-label={t('cases.subject')}>
                  {c.subject}
                </th>
                <td data-label={t('cases.kind')}>{t(`cases.kinds.${c.kind}`, c.kind)}</td>
                <td data-label={t('cases.status')}>
                  <StatusBadge status={c.status} />
                </td>
                <td data-label={t('cases.created')}>{formatDate(c.createdAt, lang)}</td>
                <td data-label={t('cases.lastReply')}>{c.lastReply ? formatDateTime(c.lastReply.at, lang) : '—'}</td>
              </tr>
            )}
          />
        )}
      </PagedList>
    </Page>
  );
}
