/**
 * Bank statements (/staff/payments): upload a statement file (per-file and
 * per-statement results, the parser's refusals with their lines), the latest
 * imports, and the queue of lines no customer was found for, where a clerk
 * assigns each to a customer by number (audited on the server).
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { mayAccess } from '../../access.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert, Notice, TextField } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatDateTime, formatMoney } from '../../lib/format.ts';
import { useSession } from '../../session.tsx';
import type { ImportRecord, UnmatchedLine } from './types.ts';
import './payments.css';

const WRITE = 'staff:billing';

function toBase64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

export default function StaffPayments() {
  const { t } = useLang();
  const { user } = useSession();
  const canWrite = mayAccess(WRITE, user);
  const imports = useApi<ImportRecord[]>('/api/staff/payments/imports');
  const queue = useApi<UnmatchedLine[]>('/api/staff/payments/unmatched');
  const [last, setLast] = useState<ImportRecord | null>(null);
  const reload = () => {
    imports.reload();
    queue.reload();
  };
  return (
    <Page title={t('payments.staff.title')} wide>
      {canWrite && <UploadForm onImported={(r) => { setLast(r); reload(); }} />}
      {last && <ImportResult record={last} />}
      <section className="card" aria-labelledby="unmatched-title">
        <h2 id="unmatched-title">{t('payments.queue.title')}</h2>
        <DataState loaded={queue}>{(lines) => <Queue lines={lines} canWrite={canWrite} onAssigned={reload} />}</DataState>
      </section>
      <section className="card" aria-labelledby="imports-title">
        <h2 id="imports-title">{t('payments.imports.title')}</h2>
        <DataState loaded={imports}>
          {(list) => (list.length === 0 ? <p>{t('payments.imports.none')}</p> : list.map((r) => <ImportResult key={r.id} record={r} compact />))}
        </DataState>
      </section>
    </Page>
  );
}

function UploadForm({ onImported }: { onImported(r: ImportRecord): void }) {
  const { t } = useLang();
  const { busy, failure, call } = useApiCall();
  const [file, setFile] = useState<File | null>(null);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!file) return;
    void call(async () => {
      const bytes = new Uint8Array(await file.arrayBuffer());
      onImported(await api.post<ImportRecord>('/api/staff/payments/imports', { fileName: file.name, contentBase64: toBase64(bytes) }));
    });
  };
  return (
    <section className="card" aria-labelledby="upload-title">
      <h2 id="upload-title">{t('payments.upload.title')}</h2>
      <p className="hint">{t('payments.upload.hint')}</p>
      <form onSubmit={submit}>
        <FormAlert error={failure} />
        <div className="field">
          <label htmlFor="statement-file">{t('payments.upload.file')}</label>
          <input id="statement-file" name="file" type="file" accept=".sta,.mt940,.txt,.xml,.940" onChange={(e) => setFile(e.target.files?.[0] ?? null)} />
        </div>
        <button type="submit" disabled={busy || !file}>
          {busy ? t('payments.upload.busy') : t('payments.upload.submit')}
        </button>
      </form>
    </section>
  );
}

function ImportResult({ record, compact }: { record: ImportRecord; compact?: boolean }) {
  const { t, lang } = useLang();
  const body = (
    <>
      <p>
        {formatDateTime(record.createdAt, lang)} · {record.fileName}
        {record.encoding ? ` · ${record.encoding}` : ''} · {t(`payments.imports.status.${record.status}`)}
      </p>
      <DataTable
        caption={t('payments.imports.caption')}
        columns={[t('payments.imports.statement'), t('payments.imports.result'), { label: t('payments.imports.lines'), className: 'num' }, { label: t('payments.imports.added'), className: 'num' }, { label: t('payments.imports.duplicates'), className: 'num' }, { label: t('payments.imports.matched'), className: 'num' }, { label: t('payments.imports.unmatched'), className: 'num' }, { label: t('payments.imports.credited'), className: 'num' }]}
        items={record.statements}
        ifEmpty={<p>{t('payments.imports.noStatements')}</p>}
        row={(s) => (
          <tr key={`${s.account}:${s.statement}`}>
            <td>{s.statement}</td>
            <td>{s.status === 'imported' ? t('payments.imports.imported') : `${t('payments.imports.refused')}: ${s.problem?.message[lang] ?? ''}`}</td>
            <td className="num">{s.lines}</td>
            <td className="num">{s.added}</td>
            <td className="num">{s.duplicates}</td>
            <td className="num">{s.matched}</td>
            <td className="num">{s.unmatched}</td>
            <td className="num">{formatMoney(s.credited, lang)}</td>
          </tr>
        )}
      />
      {record.problems.length > 0 && (
        <Notice kind="warning">
          <ul>
            {record.problems.map((p, i) => (
              <li key={i}>
                {p.statement ?? ''} {p.fileLine ? t('payments.imports.line', { line: p.fileLine }) : ''}: {p.message[lang]}
              </li>
            ))}
          </ul>
        </Notice>
      )}
    </>
  );
  if (compact) return <div className="import-record">{body}</div>;
  return (
    <section className="card" aria-labelledby="import-result-title" role="status">
      <h2 id="import-result-title">{t('payments.upload.result')}</h2>
      {body}
    </section>
  );
}

function Queue({ lines, canWrite, onAssigned }: { lines: UnmatchedLine[]; canWrite: boolean; onAssigned(): void }) {
  const { t, lang } = useLang();
  return (
    <DataTable
      caption={t('payments.queue.caption')}
      columns={[t('payments.queue.date'), { label: t('payments.queue.amount'), className: 'num' }, t('payments.queue.payer'), t('payments.queue.titleCol'), ...(canWrite ? [t('payments.queue.assign')] : [])]}
      items={lines}
      ifEmpty={<p>{t('payments.queue.none')}</p>}
      row={(l) => (
        <tr key={l.id}>
          <td>{formatDate(l.bookingDate, lang)}</td>
          <td className="num">{formatMoney(l.amount, lang)}</td>
          <td>
            {l.counterName ?? ''}
            {l.counterAccount ? <div className="muted">{l.counterAccount}</div> : null}
          </td>
          <td>{l.title}</td>
          {canWrite && (
            <td>
              <AssignForm line={l} onAssigned={onAssigned} />
            </td>
          )}
        </tr>
      )}
    />
  );
}

function AssignForm({ line, onAssigned }: { line: UnmatchedLine; onAssigned(): void }) {
  const { t } = useLang();
  const { busy, failure, setFailure, call } = useApiCall();
  const [number, setNumber] = useState('');
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void call(async () => {
      const found = await api.get<{ items: { id: number; customerNumber: string }[] }>('/api/staff/customers', { q: number.trim(), limit: '20' });
      const c = found.items.find((x) => x.customerNumber === number.trim());
      if (!c) {
        setFailure(new ApiError(404, 'customer.not_found', { pl: 'Nie znaleziono klienta o tym numerze.', en: 'No customer with this number.' }));
        return;
      }
      await api.post(`/api/staff/payments/lines/${line.id}/assign`, { customerId: String(c.id) });
      onAssigned();
    });
  };
  return (
    <form onSubmit={submit} className="assign-form">
      <FormAlert error={failure} />
      <TextField label={t('payments.queue.customerNumber')} name={`customer-${line.id}`} value={number} onChange={setNumber} required />
      <button type="submit" disabled={busy || number.trim() === ''}>
        {t('payments.queue.assignButton')}
      </button>
    </form>
  );
}
