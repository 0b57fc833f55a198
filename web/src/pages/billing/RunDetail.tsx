/**
 * One billing run (/staff/billing-runs/:runId): its totals and counts, the
 * contracts held back and the warnings by code (each with its label), the
 * per-contract lines (amounts, why held, warnings, the invoice once issued,
 * linked to the staff invoice view), and the next step for billing and
 * administrators: approve a preview, issue an approved run. Issuing is a
 * background job on the server; while the run is "issuing" this page asks
 * for it every second and shows the progress.
 */
import { useEffect, useState, type ReactNode } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { mayAccess } from '../../access.ts';
import { DataState, DataTable, Pager, useApi } from '../../components/data.tsx';
import { FormAlert, Notice } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatDateTime, formatMoney, formatNumber } from '../../lib/format.ts';
import { Link } from '../../router.tsx';
import type { PageProps } from '../../routes.tsx';
import { useSession } from '../../session.tsx';
import { codeLabel, periodText, selectionText, type CodeCount, type RunDetail as Detail, type RunLine } from './runs-parts.tsx';

const POLL_MS = 1_000;
const LIMIT = 50;
type Filter = '' | 'billable' | 'held' | 'issued';

export default function RunDetail({ params }: PageProps) {
  const { t, lang } = useLang();
  const d = (k: string, o?: Record<string, unknown>) => t(`runs.detail.${k}`, o);
  const path = `/api/staff/billing-runs/${encodeURIComponent(params.runId)}`;
  const run = useApi<Detail>(path);
  const mayWrite = mayAccess('staff:billing', useSession().user);
  const { busy, failure, call } = useApiCall();
  const [notice, setNotice] = useState<string | null>(null);
  const status = run.data?.status;
  const issuing = status === 'issuing' && !run.data?.lastError;

  // While the server issues, ask again every second; the last answer ("issued") ends it.
  useEffect(() => {
    if (!issuing) return;
    const timer = setInterval(run.reload, POLL_MS);
    return () => clearInterval(timer);
  }, [issuing, run.reload]);

  const act = (action: 'approve' | 'issue', done: string | null) =>
    call(async () => {
      setNotice(null);
      await api.post(`${path}/${action}`);
      setNotice(done);
      run.reload();
    });

  return (
    <Page title={d('title', { id: params.runId })} wide>
      <p>
        <Link to="/staff/billing-runs">← {d('back')}</Link>
      </p>
      <DataState loaded={run}>
        {(r) => (
          <>
            <section className="card" aria-labelledby="run-summary">
              <h2 id="run-summary">{d('summary')}</h2>
              <dl className="facts">
                <Fact label={t('runs.list.status')}>{t(`runs.status.${r.status}`)}</Fact>
                <Fact label={t('runs.list.period')}>
                  {periodText(r.periodFrom, r.periodTo)} ({formatDate(r.periodFrom, lang)} – {formatDate(r.periodTo, lang)})
                </Fact>
                <Fact label={t('runs.list.selection')}>{selectionText(t, r.selection)}</Fact>
                <Fact label={d('contracts')}>{formatNumber(r.contracts, lang)}</Fact>
                <Fact label={d('billed')}>{formatNumber(r.billed, lang)}</Fact>
                <Fact label={d('held')}>{formatNumber(r.held, lang)}</Fact>
                <Fact label={d('issued')}>{formatNumber(r.issued, lang)}</Fact>
                <Fact label={d('net')}>{formatMoney(r.net, lang)}</Fact>
                <Fact label={d('vat')}>{formatMoney(r.vat, lang)}</Fact>
                <Fact label={d('gross')}>{formatMoney(r.gross, lang)}</Fact>
                {r.issueDate && <Fact label={d('issueDate')}>{formatDate(r.issueDate, lang)}</Fact>}
                <Fact label={d('createdAt')}>{formatDateTime(r.createdAt, lang)}</Fact>
                {r.approvedAt && <Fact label={d('approvedAt')}>{formatDateTime(r.approvedAt, lang)}</Fact>}
                {r.issuedAt && <Fact label={d('issuedAt')}>{formatDateTime(r.issuedAt, lang)}</Fact>}
              </dl>
            </section>

            <section className="card" aria-labelledby="run-progress">
              <h2 id="run-progress" className="visually-hidden">
                {d('progressLabel')}
              </h2>
              {notice && <Notice kind="success">{notice}</Notice>}
              <FormAlert error={failure} />
              {(r.status === 'issuing' || r.status === 'issued') && (
                <>
                  <progress max={Math.max(1, r.billed)} value={r.issued} aria-label={d('progressLabel')} />
                  <p role="status">{r.status === 'issued' ? d('done') : d('progress', { issued: formatNumber(r.issued, lang), billed: formatNumber(r.billed, lang) })}</p>
                </>
              )}
              {r.lastError && r.status === 'issuing' && <div className="alert alert-error" role="alert">{d('error', { error: r.lastError })}</div>}
              {mayWrite && r.status === 'preview' && (
                <>
                  <p>{d('approveLead')}</p>
                  <button type="button" className="button" disabled={busy} onClick={() => void act('approve', d('approved'))}>
                    {d('approve')}
                  </button>
                </>
              )}
              {mayWrite && (r.status === 'approved' || (r.status === 'issuing' && r.lastError)) && (
                <>
                  <p>{d('issueLead')}</p>
                  <button type="button" className="button" disabled={busy} onClick={() => void act('issue', null)}>
                    {r.status === 'approved' ? d('issue') : d('resume')}
                  </button>
                </>
              )}
            </section>

            <Warnings heldByCode={r.heldByCode} warningsByCode={r.warningsByCode} />
            <Lines path={`${path}/lines`} version={`${r.status}:${r.issued}`} />
          </>
        )}
      </DataState>
    </Page>
  );
}

function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{children}</dd>
    </div>
  );
}

function Warnings({ heldByCode, warningsByCode }: { heldByCode: CodeCount[]; warningsByCode: CodeCount[] }) {
  const { t, lang } = useLang();
  const d = (k: string, o?: Record<string, unknown>) => t(`runs.detail.${k}`, o);
  const list = (items: CodeCount[]) => (
    <ul>
      {items.map((c) => (
        <li key={c.code}>
          {codeLabel(t, c.code, undefined, lang)}: {d('count', { count: c.count, formatted: formatNumber(c.count, lang) })}
        </li>
      ))}
    </ul>
  );
  return (
    <section className="card" aria-labelledby="run-warnings">
      <h2 id="run-warnings">{d('warnings')}</h2>
      {heldByCode.length === 0 && warningsByCode.length === 0 && <p className="muted">{d('noWarnings')}</p>}
      {heldByCode.length > 0 && (
        <>
          <h3>{d('heldByCode')}</h3>
          {list(heldByCode)}
        </>
      )}
      {warningsByCode.length > 0 && (
        <>
          <h3>{d('warningsByCode')}</h3>
          {list(warningsByCode)}
        </>
      )}
    </section>
  );
}

/** The run's contracts, a page at a time, narrowed by state; reloaded as issuing goes on (`version`). */
function Lines({ path, version }: { path: string; version: string }) {
  const { t, lang } = useLang();
  const d = (k: string, o?: Record<string, unknown>) => t(`runs.detail.${k}`, o);
  const [filter, setFilter] = useState<Filter>('');
  const [page, setPage] = useState(1);
  const lines = useApi<{ total: number; items: RunLine[] }>(path, { status: filter || undefined, offset: (page - 1) * LIMIT, limit: LIMIT });
  useEffect(() => lines.reload(), [version]); // eslint-disable-line react-hooks/exhaustive-deps
  const notes = (l: RunLine) => [
    ...(l.holdCode ? [`${codeLabel(t, l.holdCode, undefined, lang)}: ${l.holdReason?.[lang] ?? ''}`] : []),
    ...l.warnings.filter((w) => w.code !== l.holdCode).map((w) => `${codeLabel(t, w.code, w, lang)}${w.meter ? ` (${w.meter})` : ''}`),
  ];
  return (
    <section className="card" aria-labelledby="run-lines">
      <h2 id="run-lines">{d('lines')}</h2>
      <div className="field">
        <label htmlFor="run-lines-filter">{d('filter')}</label>
        <select
          id="run-lines-filter"
          value={filter}
          onChange={(e) => {
            setFilter(e.target.value as Filter);
            setPage(1);
          }}
        >
          <option value="">{d('filterAll')}</option>
          <option value="billable">{d('filterBillable')}</option>
          <option value="held">{d('filterHeld')}</option>
          <option value="issued">{d('filterIssued')}</option>
        </select>
      </div>
      <DataState loaded={lines}>
        {(p) => (
          <>
            <p role="status">{d('shown', { from: p.total ? (page - 1) * LIMIT + 1 : 0, to: Math.min(page * LIMIT, p.total), total: formatNumber(p.total, lang) })}</p>
            <DataTable
              caption={d('linesCaption')}
              columns={[d('contract'), d('customer'), d('lineStatus'), d('notes'), { label: d('net'), className: 'num' }, { label: d('vat'), className: 'num' }, { label: d('gross'), className: 'num' }, d('invoice')]}
              items={p.items}
              row={(l) => (
                <tr key={l.contractId}>
                  <th scope="row" data-label={d('contract')}>
                    {l.contractNumber}
                  </th>
                  <td data-label={d('customer')}>
                    <Link to={`/staff/customers/${l.customerId}`}>{l.customerName}</Link> <span className="muted">({l.customerNumber})</span>
                  </td>
                  <td data-label={d('lineStatus')}>
                    {d(`lineStatus_${l.status}`)}
                    {l.status !== 'held' && <span className="muted"> · {d(`delivery.${l.delivery}`)}</span>}
                    {l.estimated && <span className="muted"> · {d('estimated')}</span>}
                  </td>
                  <td data-label={d('notes')}>
                    {notes(l).map((n, i) => (
                      <div key={i}>{n}</div>
                    ))}
                  </td>
                  <td className="num" data-label={d('net')}>
                    {formatMoney(l.net, lang)}
                  </td>
                  <td className="num" data-label={d('vat')}>
                    {formatMoney(l.vat, lang)}
                  </td>
                  <td className="num" data-label={d('gross')}>
                    {formatMoney(l.gross, lang)}
                  </td>
                  <td data-label={d('invoice')}>{l.invoiceId ? <Link to={`/staff/invoices/${l.invoiceId}`}>{l.invoiceNumber}</Link> : '—'}</td>
                </tr>
              )}
            />
            <Pager page={page} pages={Math.max(1, Math.ceil(p.total / LIMIT))} onPage={setPage} />
          </>
        )}
      </DataState>
    </section>
  );
}
