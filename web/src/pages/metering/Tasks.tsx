/** Alarm tasks opened by telegrams (leak, burst, backflow, tamper, removal): open ones first, with a close action. */
import { useState } from 'react';
import { mayAccess } from '../../access.ts';
import { api, ApiError } from '../../api/client.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Link, navigate, useLocation } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import type { Task } from './types.ts';
import './metering.css';

export default function Tasks() {
  const { t, lang } = useLang();
  const { search } = useLocation();
  const status = search.get('status') === 'closed' ? 'closed' : 'open';
  const list = useApi<{ items: Task[] }>('/api/staff/tasks', { status });
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [closed, setClosed] = useState<string>();
  // The server lets meter readers (and admin) close alarms, not the auditor or billing (src/http/route-policies.ts).
  const mayClose = mayAccess('staff:meter_reader', useSession().user);

  const close = async (task: Task) => {
    setFailure(null);
    try {
      await api.post(`/api/staff/tasks/${task.id}/close`);
      setClosed(task.title);
      list.reload();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setFailure(err);
    }
  };

  return (
    <Page title={t('tasks.title')} wide>
      <nav className="tabs" aria-label={t('tasks.filter')}>
        <Link to="/staff/tasks" aria-current={status === 'open' ? 'page' : undefined}>
          {t('tasks.open')}
        </Link>
        <Link to="/staff/tasks?status=closed" aria-current={status === 'closed' ? 'page' : undefined}>
          {t('tasks.closed')}
        </Link>
      </nav>
      <FormAlert error={failure} />
      {closed && (
        <p className="alert alert-success" role="status">
          {t('tasks.closedOne', { title: closed })}
        </p>
      )}
      <DataState loaded={list}>
        {(d) => (
          <DataTable
            caption={t('tasks.title')}
            columns={[t('tasks.kind'), t('tasks.task'), t('tasks.opened'), status === 'open' ? t('tasks.action') : t('tasks.closedAt')]}
            items={d.items}
            ifEmpty={<p>{status === 'open' ? t('tasks.noneOpen') : t('tasks.noneClosed')}</p>}
            row={(task) => (
              <tr key={task.id}>
                <td data-label={t('tasks.kind')}>
                  <span className={`badge ${task.kind === 'leak' || task.kind === 'burst' ? 'badge-danger' : 'badge-warning'}`}>{t(`tasks.kinds.${task.kind}`, task.kind)}</span>
                </td>
                <th scope="row" data-label={t('tasks.task')}>
                  {task.title}
                  <div className="small">
                    {task.meterId && <Link to={`/staff/meters/${task.meterId}/readings`}>{t('tasks.meterReadings')}</Link>}
                    {task.customerId && (
                      <>
                        {' · '}
                        <Link to={`/staff/customers/${task.customerId}`}>{t('tasks.customer')}</Link>
                      </>
                    )}
                  </div>
                </th>
                <td data-label={t('tasks.opened')}>{formatDateTime(task.openedAt, lang)}</td>
                <td data-label={status === 'open' ? t('tasks.action') : t('tasks.closedAt')}>
                  {status === 'open' && !mayClose ? (
                    '—'
                  ) : status === 'open' ? (
                    <button type="button" className="button button-secondary" onClick={() => void close(task)}>
                      {t('tasks.close')}
                      <span className="visually-hidden">: {task.title}</span>
                    </button>
                  ) : (
                    formatDateTime(task.closedAt, lang)
                  )}
                </td>
              </tr>
            )}
          />
        )}
      </DataState>
    </Page>
  );
}
