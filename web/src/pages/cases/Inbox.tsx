/**
 * The staff inbox (/staff/inbox): cases filtered by kind, status, assignee
 * and deadline (all in the address), newest first or nearest deadline first,
 * page by page (keyset: "next" carries the server's cursor, "previous"
 * goes back through the ones seen). Keyboard: j/k move, o opens, r opens
 * the reply, a assigns to me: never while typing in a field.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { mayAccess } from '../../access.ts';
import { api, ApiError } from '../../api/client.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert, Notice, TextField } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatNumber } from '../../lib/format.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { CaseCount, DueBadge, KINDS, SelectField, StatusBadge, STATUSES, type Inbox as InboxData, type InboxItem } from './common.tsx';

const KEYS = ['kind', 'status', 'assignee', 'due', 'sort', 'q'] as const;
type Key = (typeof KEYS)[number];

/** Typing in a field (or with a modifier held) never triggers a shortcut. */
export function isTyping(e: KeyboardEvent): boolean {
  if (e.ctrlKey || e.metaKey || e.altKey) return true;
  const el = e.target as HTMLElement | null;
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || el.isContentEditable;
}

export default function Inbox() {
  const { t, lang } = useLang();
  const { user } = useSession();
  const { search } = useLocation();
  const mayAct = mayAccess('staff:customer_service', user);
  const filters = Object.fromEntries(KEYS.map((k) => [k, search.get(k) ?? ''])) as Record<Key, string>;
  const cursor = search.get('cursor') ?? '';
  const [back, setBack] = useState<string[]>([]);
  const [q, setQ] = useState(filters.q);
  const [selected, setSelected] = useState(0);
  const [done, setDone] = useState<string>();
  const [failure, setFailure] = useState<ApiError | null>(null);
  const inbox = useApi<InboxData>('/api/staff/cases', { ...Object.fromEntries(Object.entries(filters).filter(([, v]) => v)), cursor: cursor || undefined, limit: 50 });
  const assignees = useApi<{ items: Array<{ id: number; name: string }> }>('/api/staff/case-assignees');

  const go = (next: Partial<Record<Key, string>>, c?: string) => {
    const s = new URLSearchParams();
    for (const k of KEYS) {
      const v = k in next ? next[k] : filters[k];
      if (v) s.set(k, v);
    }
    if (c) s.set('cursor', c);
    navigate(`/staff/inbox${s.size ? `?${s}` : ''}`);
  };
  const refilter = (next: Partial<Record<Key, string>>) => {
    setBack([]);
    setSelected(0);
    go(next);
  };

  const items = inbox.data?.items ?? [];
  // A new list (filters, page) starts at its first row; a reload after an assignment keeps the place.
  const listKey = search.toString();
  useEffect(() => setSelected(0), [listKey]);

  const assignToMe = async (c: InboxItem) => {
    if (!user) return;
    setFailure(null);
    setDone(undefined);
    try {
      await api.post(`/api/staff/cases/${c.id}/assign`, { assigneeId: user.id });
      setDone(t('cases.inbox.assignedToMe', { number: c.caseNumber, name: user.name || user.email }));
      inbox.reload();
    } catch (err) {
      if (err instanceof ApiError) setFailure(err);
      else throw err;
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (isTyping(e) || items.length === 0) return;
      const c = items[selected];
      if (e.key === 'j' || e.key === 'k') {
        e.preventDefault();
        const i = Math.max(0, Math.min(items.length - 1, selected + (e.key === 'j' ? 1 : -1)));
        setSelected(i);
        document.querySelector<HTMLAnchorElement>(`[data-inbox-row="${i}"]`)?.focus();
      } else if (e.key === 'o' && c) {
        e.preventDefault();
        navigate(`/staff/cases/${c.id}`);
      } else if (e.key === 'r' && c && mayAct) {
        e.preventDefault();
        navigate(`/staff/cases/${c.id}?reply=1`);
      } else if (e.key === 'a' && c && mayAct) {
        e.preventDefault();
        void assignToMe(c);
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  const submitQ = (e: FormEvent) => {
    e.preventDefault();
    refilter({ q: q.trim() });
  };

  const tile = (label: string, n: number | undefined, next: Partial<Record<Key, string>>) => (
    <li className="stat">
      <span className="stat-value">{n === undefined ? '…' : n > (inbox.data?.countCap ?? Infinity) ? `${formatNumber(inbox.data!.countCap, lang)}+` : formatNumber(n, lang)}</span>
      <button type="button" className="button-link stat-label" onClick={() => refilter({ kind: '', status: '', assignee: '', due: '', q: '', ...next })}>
        {label}
      </button>
    </li>
  );

  return (
    <Page title={t('cases.inboxTitle')} wide>
      <ul className="stats case-tiles" aria-label={t('cases.inbox.tiles')}>
        {tile(t('cases.inbox.open'), inbox.data?.counts.open, {})}
        {tile(t('cases.inbox.mine'), inbox.data?.counts.mine, { assignee: 'me' })}
        {tile(t('cases.inbox.unassigned'), inbox.data?.counts.unassigned, { assignee: 'none' })}
        {tile(t('cases.inbox.overdue'), inbox.data?.counts.overdue, { due: 'overdue', sort: 'due' })}
        {tile(t('cases.inbox.dueSoon'), inbox.data?.counts.dueSoon, { due: 'soon', sort: 'due' })}
      </ul>
      <div className="filters" role="group" aria-label={t('cases.filters')}>
        <SelectField label={t('cases.kind')} name="kind" value={filters.kind} onChange={(v) => refilter({ kind: v })} options={[{ value: '', label: t('cases.all') }, ...KINDS.map((k) => ({ value: k, label: t(`cases.kinds.${k}`) }))]} />
        <SelectField
          label={t('cases.status')}
          name="status"
          value={filters.status || 'open'}
          onChange={(v) => refilter({ status: v === 'open' ? '' : v })}
          options={[{ value: 'open', label: t('cases.groups.open') }, { value: 'all', label: t('cases.all') }, ...STATUSES.map((s) => ({ value: s, label: t(`cases.statuses.${s}`) }))]}
        />
        <SelectField
          label={t('cases.assignee')}
          name="assignee"
          value={filters.assignee}
          onChange={(v) => refilter({ assignee: v })}
          options={[
            { value: '', label: t('cases.inbox.assigneeAny') },
            { value: 'me', label: t('cases.inbox.assigneeMe') },
            { value: 'none', label: t('cases.inbox.assigneeNone') },
            ...(assignees.data?.items ?? []).filter((a) => a.id !== user?.id).map((a) => ({ value: String(a.id), label: a.name })),
          ]}
        />
        <SelectField
          label={t('cases.due')}
          name="due"
          value={filters.due}
          onChange={(v) => refilter({ due: v })}
          options={[
            { value: '', label: t('cases.inbox.dueAny') },
            { value: 'overdue', label: t('cases.inbox.dueOverdue') },
            { value: 'soon', label: t('cases.inbox.dueSoonOption') },
          ]}
        />
        <SelectField
          label={t('cases.inbox.sort')}
          name="sort"
          value={filters.sort || 'newest'}
          onChange={(v) => refilter({ sort: v === 'newest' ? '' : v })}
          options={[
            { value: 'newest', label: t('cases.inbox.sortNewest') },
            { value: 'due', label: t('cases.inbox.sortDue') },
          ]}
        />
        <form onSubmit={submitQ} className="search-form" role="search" aria-label={t('cases.inbox.number')}>
          <TextField label={t('cases.inbox.number')} name="q" type="search" value={q} onChange={setQ} placeholder="SPR/2026/000123" />
          <button type="submit" className="button button-secondary">
            {t('cases.inbox.apply')}
          </button>
        </form>
      </div>
      {done && <Notice kind="success">{done}</Notice>}
      <FormAlert error={failure} />
      <DataState loaded={inbox}>
        {(d) => (
          <>
            <p role="status">
              <CaseCount total={d.total} cap={d.countCap} />
            </p>
            <DataTable
              caption={t('cases.caption')}
              columns={[t('cases.number'), t('cases.subject'), t('cases.customer'), t('cases.kind'), t('cases.status'), t('cases.assignee'), t('cases.due'), t('cases.created')]}
              items={d.items}
              ifEmpty={<p>{t('cases.none')}</p>}
              row={(c) => {
                const i = d.items.indexOf(c);
                return (
                  <tr key={c.id} className={i === selected ? 'inbox-row-selected' : undefined} aria-current={i === selected ? 'true' : undefined}>
                    <td data-label={t('cases.number')}>
                      <Link to={`/staff/cases/${c.id}`} data-inbox-row={i} onFocus={() => setSelected(i)}>
                        {c.caseNumber}
                      </Link>
                    </td>
                    <th scope="row" data-label={t('cases.subject')}>
                      {c.subject}
                    </th>
                    <td data-label={t('cases.customer')}>
                      {c.customer.name} <span className="muted small">({c.customer.customerNumber})</span>
                    </td>
                    <td data-label={t('cases.kind')}>{t(`cases.kinds.${c.kind}`, c.kind)}</td>
                    <td data-label={t('cases.status')}>
                      <StatusBadge status={c.status} />
                    </td>
                    <td data-label={t('cases.assignee')}>{c.assignee?.name ?? '—'}</td>
                    <td data-label={t('cases.due')}>
                      <DueBadge dueOn={c.dueOn} dueState={c.dueState} />
                    </td>
                    <td data-label={t('cases.created')}>{formatDate(c.createdAt, lang)}</td>
                  </tr>
                );
              }}
            />
            {(cursor || d.next) && (
            <nav className="pager" aria-label={t('common.pages')}>
              <button
                type="button"
                className="button button-secondary"
                disabled={!cursor}
                onClick={() => {
                  const prev = back.slice(0, -1);
                  const to = back[back.length - 1] ?? '';
                  setBack(prev);
                  go({}, to || undefined);
                }}
              >
                {t('cases.inbox.previous')}
              </button>
              <button
                type="button"
                className="button button-secondary"
                disabled={!d.next}
                onClick={() => {
                  setBack([...back, cursor]);
                  go({}, d.next ?? undefined);
                }}
              >
                {t('cases.inbox.next')}
              </button>
            </nav>
            )}
          </>
        )}
      </DataState>
      <section aria-labelledby="shortcuts-title" className="card shortcuts-card">
        <h2 id="shortcuts-title">{t('cases.inbox.shortcuts')}</h2>
        <p className="muted">{t('cases.inbox.shortcutsHint')}</p>
        <dl className="shortcuts">
          {(
            [
              ['j', 'keyJ'],
              ['k', 'keyK'],
              ['o', 'keyO'],
              ...(mayAct
                ? [
                    ['r', 'keyR'],
                    ['a', 'keyA'],
                  ]
                : []),
            ] as Array<[string, string]>
          ).map(([k, label]) => (
            <div key={k}>
              <dt>
                <kbd>{k}</kbd>
              </dt>
              <dd>{t(`cases.inbox.${label}`)}</dd>
            </div>
          ))}
        </dl>
      </section>
    </Page>
  );
}
