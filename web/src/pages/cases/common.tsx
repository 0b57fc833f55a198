/**
 * What the case pages share: the API's types, labels and badges for kinds,
 * statuses and deadlines, the thread (messages and status changes in time
 * order), and the form fields the core components lack (select, textarea,
 * a photo with the same checks the server makes, from src/modules/cases/rules.ts).
 */
import { Fragment, useId, type ReactNode } from 'react';
import { api } from '../../api/client.ts';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatDateTime, formatNumber } from '../../lib/format.ts';
import { attachmentProblems, type Problem } from '../../../../src/modules/cases/rules.ts';
import './cases.css';

export interface CaseListItem {
  id: number;
  caseNumber: string;
  customerId: number;
  kind: string;
  subject: string;
  status: string;
  createdAt: string;
  updatedAt: string;
  lastMessageAt: string | null;
  lastReply: { body: string; at: string } | null;
}

export interface InboxItem {
  id: number;
  caseNumber: string;
  kind: string;
  subject: string;
  status: string;
  createdAt: string;
  dueOn: string | null;
  dueState: 'overdue' | 'dueSoon' | null;
  lastMessageAt: string | null;
  customer: { id: number; name: string; customerNumber: string };
  assignee: { id: number; name: string } | null;
}

export interface Inbox {
  items: InboxItem[];
  next: string | null;
  total: number;
  counts: { open: number; mine: number; unassigned: number; overdue: number; dueSoon: number };
  countCap: number;
}

export interface CaseMessage {
  id: number;
  at: string;
  authorKind: 'customer' | 'staff' | 'system';
  authorName: string | null;
  body: string;
  internal: boolean;
  attachment: { id: number; name: string; contentType: string; sizeBytes: number } | null;
}

export interface CaseEvent {
  id: number;
  at: string;
  event: string;
  data: Record<string, unknown>;
  actorName: string | null;
}

export interface CaseDetail {
  id: number;
  caseNumber: string;
  kind: string;
  subject: string;
  status: string;
  place: string | null;
  createdAt: string;
  updatedAt: string;
  closedAt: string | null;
  dueOn: string | null;
  dueState: 'overdue' | 'dueSoon' | null;
  customer: { id: number; name: string; customerNumber: string };
  contract: { id: number; contractNumber: string } | null;
  invoice: { id: number; invoiceNumber: string } | null;
  assignee: { id: number; name: string } | null;
  messages: CaseMessage[];
  events: CaseEvent[];
}

export const KINDS = ['reading', 'dataChange', 'complaint', 'failure', 'message'] as const;
export const STATUSES = ['new', 'in_progress', 'waiting_for_customer', 'resolved', 'rejected', 'closed'] as const;
export const OPEN = ['new', 'in_progress', 'waiting_for_customer'];

/** A rule's problem in the user's language (the same words the server answers with). */
export const say = (p: Problem, lang: 'pl' | 'en') => (lang === 'en' ? p.en : p.pl);

/** One fact of a case's header: a term and its value in the header's <dl>. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

/**
 * A case's header as both sides show it: subject, kind, status, created, due
 * (null: none shown), place, contract and invoice; the staff add the customer
 * before and the assignee after the status.
 */
export function CaseFacts({ c, before, afterStatus, due }: { c: CaseDetail; before?: ReactNode; afterStatus?: ReactNode; due: ReactNode | null }) {
  const { t, lang } = useLang();
  return (
    <section className="card" aria-labelledby="case-facts">
      <h2 id="case-facts">{c.subject}</h2>
      <dl className="facts">
        {before}
        <Fact label={t('cases.kind')}>{t(`cases.kinds.${c.kind}`, c.kind)}</Fact>
        <Fact label={t('cases.status')}>
          <StatusBadge status={c.status} />
        </Fact>
        {afterStatus}
        <Fact label={t('cases.created')}>{formatDate(c.createdAt, lang)}</Fact>
        {due !== null && <Fact label={t('cases.due')}>{due}</Fact>}
        {c.place && <Fact label={t('cases.place')}>{c.place}</Fact>}
        {c.contract && <Fact label={t('cases.contract')}>{c.contract.contractNumber}</Fact>}
        {c.invoice && <Fact label={t('cases.invoice')}>{c.invoice.invoiceNumber}</Fact>}
      </dl>
    </section>
  );
}

export function StatusBadge({ status }: { status: string }) {
  const { t } = useLang();
  const cls = status === 'new' ? 'badge-new' : status === 'waiting_for_customer' ? 'badge-warning' : OPEN.includes(status) ? 'badge-active' : '';
  return <span className={`badge ${cls}`}>{t(`cases.statuses.${status}`, status)}</span>;
}

export function DueBadge({ dueOn, dueState }: { dueOn: string | null; dueState: string | null }) {
  const { t, lang } = useLang();
  if (!dueOn) return <>—</>;
  return (
    <>
      {formatDate(dueOn, lang)}
      {dueState && <span className={`badge ${dueState === 'overdue' ? 'badge-danger' : 'badge-warning'}`}>{t(`cases.dueStates.${dueState}`)}</span>}
    </>
  );
}

/** "12 spraw" with Polish plural forms; "Ponad 1 000 spraw" past the server's count cap. */
export function CaseCount({ total, cap }: { total: number; cap?: number }) {
  const { t, lang } = useLang();
  if (cap !== undefined && total > cap) return <>{t('cases.countOver', { formatted: formatNumber(cap, lang) })}</>;
  return <>{t('cases.count', { count: total, formatted: formatNumber(total, lang) })}</>;
}

/** Messages and status changes of a case, oldest first. */
export function Thread({ c, staff, attachmentBase }: { c: CaseDetail; staff: boolean; attachmentBase: string }) {
  const { t, lang } = useLang();
  // Same instant: the filing first, then the message, then what changed with it (a status).
  type Entry = { at: string; rank: number; key: string; node: ReactNode };
  const entries: Entry[] = [];
  for (const m of c.messages) {
    const who = m.authorKind === 'customer' ? (staff ? `${t('cases.thread.you')}${m.authorName ? ` ${t('cases.thread.by', { name: m.authorName })}` : ''}` : t('cases.thread.you')) : staff && m.authorName ? `${t('cases.thread.office')} ${t('cases.thread.by', { name: m.authorName })}` : t('cases.thread.office');
    entries.push({
      at: m.at,
      rank: 1,
      key: `m${m.id}`,
      node: (
        <li className={`thread-message thread-${m.authorKind}${m.internal ? ' thread-internal' : ''}`}>
          <p className="thread-meta">
            <strong>{m.internal ? t('cases.thread.internal') : who}</strong>
            {m.internal && m.authorName && ` ${t('cases.thread.by', { name: m.authorName })}`} · <time dateTime={m.at}>{formatDateTime(m.at, lang)}</time>
          </p>
          <p className="thread-body">{m.body}</p>
          {m.attachment && (
            <p>
              <a href={api.url(`${attachmentBase}/${m.attachment.id}`)} target="_blank" rel="noopener">
                {t('cases.thread.attachment', { name: m.attachment.name })}
              </a>{' '}
              <span className="muted">({formatNumber(Math.max(1, Math.round(m.attachment.sizeBytes / 1024)), lang)} kB)</span>
            </p>
          )}
        </li>
      ),
    });
  }
  for (const e of c.events) {
    let text: string | null = null;
    if (e.event === 'status') text = t('cases.thread.statusChanged', { status: t(`cases.statuses.${String(e.data.to)}`, String(e.data.to)) });
    else if (e.event === 'created') text = t('cases.thread.created');
    else if (staff && e.event === 'assigned') text = e.data.to ? t('cases.thread.assigned', { name: String(e.data.toName ?? e.data.to) }) : t('cases.thread.unassigned');
    if (!text) continue;
    entries.push({
      at: e.at,
      rank: e.event === 'created' ? 0 : 2,
      key: `e${e.id}`,
      node: (
        <li className="thread-event">
          <time dateTime={e.at}>{formatDateTime(e.at, lang)}</time> · {text}
          {staff && e.actorName && ` ${t('cases.thread.by', { name: e.actorName })}`}
        </li>
      ),
    });
  }
  entries.sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : a.rank - b.rank));
  return (
    <section aria-labelledby="thread-title">
      <h2 id="thread-title">{t('cases.thread.title')}</h2>
      <ol className="thread">
        {entries.map((e) => (
          <Fragment key={e.key}>{e.node}</Fragment>
        ))}
      </ol>
    </section>
  );
}

/** The form fields the case pages share with others (components/forms.tsx). */
export { SelectField, TextAreaField } from '../../components/forms.tsx';

/** A photo to attach: checked at once (size, type) with the rules the server applies. */
export function PhotoField({ file, onChange, error, onProblem }: { file: File | null; onChange(f: File | null): void; error?: string; onProblem(message: string | undefined): void }) {
  const { t, lang } = useLang();
  const id = useId();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{t('cases.form.attachment')}</label>
      <div id={`${id}-hint`} className="hint">
        {t('cases.form.attachmentHint')}
      </div>
      <input
        id={id}
        type="file"
        name="attachment"
        accept="image/jpeg,image/png,image/webp,image/heic"
        aria-invalid={error ? true : undefined}
        aria-describedby={`${id}-hint${error ? ` ${id}-error` : ''}`}
        onChange={(e) => {
          const f = e.target.files?.[0] ?? null;
          const problems = f ? attachmentProblems(f.size, f.type) : [];
          onProblem(problems[0] ? say(problems[0], lang) : undefined);
          onChange(problems.length ? null : f);
          if (problems.length) e.target.value = '';
        }}
      />
      {file && <p className="muted small">{file.name}</p>}
      {error && (
        <p id={`${id}-error`} className="error-text">
          {error}
        </p>
      )}
    </div>
  );
}
