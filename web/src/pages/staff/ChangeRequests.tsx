/**
 * The staff queue of data-change requests: pending first, oldest first.
 * Customer service approves (the change is applied to the customer and
 * audited) or rejects with a reason; the customer is e-mailed either way.
 * The auditor and billing see the queue without the buttons.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { mayAccess } from '../../access.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert, Notice, TextField } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import type { ChangeRequest } from '../customer/Account.tsx';

interface QueueItem extends ChangeRequest {
  customerName: string;
  customerNumber: string;
}

export default function ChangeRequests() {
  const { t, lang } = useLang();
  const { user } = useSession();
  const [status, setStatus] = useState<'pending' | 'approved' | 'rejected' | ''>('pending');
  const queue = useApi<{ items: QueueItem[]; total: number }>('/api/staff/change-requests', { status: status || undefined, limit: 100 });
  const canDecide = !!user && mayAccess('staff:admin,customer_service', user);
  const [done, setDone] = useState<string | null>(null);
  return (
    <Page title={t('custdata.queue.title')} wide>
      <div className="field">
        <label htmlFor="cq-status">{t('custdata.queue.status')}</label>
        <select id="cq-status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
          <option value="pending">{t('custdata.status.pending')}</option>
          <option value="approved">{t('custdata.status.approved')}</option>
          <option value="rejected">{t('custdata.status.rejected')}</option>
          <option value="">{t('custdata.queue.all')}</option>
        </select>
      </div>
      {done && <Notice kind="success">{done}</Notice>}
      <DataState loaded={queue}>
        {(q) => (
          <>
            <p>{t('custdata.queue.count', { count: q.total })}</p>
            <DataTable
              caption={t('custdata.queue.title')}
              columns={[t('custdata.requests.date'), t('custdata.queue.customer'), t('custdata.requests.field'), t('custdata.queue.change'), t('custdata.requests.status'), t('custdata.queue.actions')]}
              items={q.items}
              ifEmpty={<p className="muted">{t('custdata.queue.empty')}</p>}
              row={(r) => (
                <tr key={r.id}>
                  <td data-label={t('custdata.requests.date')}>{formatDateTime(r.createdAt, lang)}</td>
                  <td data-label={t('custdata.queue.customer')}>
                    <Link to={`/staff/customers/${r.customerId}`}>{r.customerName}</Link> <span className="muted">({r.customerNumber})</span>
                  </td>
                  <td data-label={t('custdata.requests.field')}>{t(`custdata.fields.${r.field}`, r.field)}</td>
                  <td data-label={t('custdata.queue.change')}>
                    <div>
                      <span className="muted">{t('custdata.queue.was')}</span> {r.oldValue || '—'}
                    </div>
                    <div>
                      <span className="muted">{t('custdata.queue.now')}</span> <strong>{r.newValue}</strong>
                    </div>
                    {r.note && <div className="muted">{t('custdata.queue.note', { note: r.note })}</div>}
                    {r.hasAttachment && (
                      <div>
                        <a href={api.url(`/api/staff/change-requests/${r.id}/attachment`)} download>
                          {t('custdata.queue.attachment')}
                        </a>
                      </div>
                    )}
                  </td>
                  <td data-label={t('custdata.requests.status')}>
                    {t(`custdata.status.${r.status}`)}
                    {r.reason && <div>{t('custdata.requests.reason', { reason: r.reason })}</div>}
                  </td>
                  <td data-label={t('custdata.queue.actions')}>
                    {r.status === 'pending' && canDecide ? (
                      <Decide
                        item={r}
                        onDone={(msg) => {
                          setDone(msg);
                          queue.reload();
                        }}
                      />
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              )}
            />
          </>
        )}
      </DataState>
    </Page>
  );
}

function Decide({ item, onDone }: { item: QueueItem; onDone(msg: string): void }) {
  const { t } = useLang();
  const [rejecting, setRejecting] = useState(false);
  const [reason, setReason] = useState('');
  const [problem, setProblem] = useState<string | undefined>();
  const { busy, failure, call } = useApiCall();
  const approve = () =>
    call(async () => {
      await api.post(`/api/staff/change-requests/${item.id}/approve`);
      onDone(t('custdata.queue.approved', { name: item.customerName }));
    });
  const reject = async (e: FormEvent) => {
    e.preventDefault();
    if (reason.trim().length < 3) {
      setProblem(t('custdata.queue.reasonNeeded'));
      return;
    }
    setProblem(undefined);
    await call(async () => {
      await api.post(`/api/staff/change-requests/${item.id}/reject`, { reason });
      onDone(t('custdata.queue.rejected', { name: item.customerName }));
    });
  };
  return (
    <div>
      <FormAlert error={failure} />
      {!rejecting ? (
        <div className="button-row">
          <button type="button" className="button" disabled={busy} onClick={approve} aria-label={t('custdata.queue.approveFor', { name: item.customerName })}>
            {t('custdata.queue.approve')}
          </button>{' '}
          <button type="button" className="button button-secondary" disabled={busy} onClick={() => setRejecting(true)} aria-label={t('custdata.queue.rejectFor', { name: item.customerName })}>
            {t('custdata.queue.reject')}
          </button>
        </div>
      ) : (
        <form onSubmit={reject} noValidate>
          <TextField label={t('custdata.queue.reason')} name="reason" value={reason} onChange={setReason} error={problem} required maxLength={1000} />
          <div className="button-row">
            <button type="submit" className="button" disabled={busy}>
              {t('custdata.queue.confirmReject')}
            </button>{' '}
            <button type="button" className="button button-secondary" onClick={() => setRejecting(false)}>
              {t('custdata.close.cancel')}
            </button>
          </div>
        </form>
      )}
    </div>
  );
}
