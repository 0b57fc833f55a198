/**
 * One route for the staff: progress in a period (read / missing / alarms,
 * stop by stop), its assignments, and a form to assign it to a meter reader.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { FormAlert, Notice, TextField, fieldOfError, focusFirstInvalid } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatDateTime, formatVolume } from '../../lib/format.ts';
import type { PageProps } from '../../routes.tsx';
import { Link, navigate, useLocation } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { canEditRoutes } from './RoutesList.tsx';
import { address, type RouteDetail as Detail } from './types.ts';
import './metering.css';
import { TableWrap } from '../../components/TableWrap.tsx';

export default function RouteDetail({ params }: PageProps) {
  const { t } = useLang();
  const { user } = useSession();
  const { search } = useLocation();
  const period = { periodFrom: search.get('from') ?? undefined, periodTo: search.get('to') ?? undefined };
  const route = useApi<Detail>(`/api/staff/routes/${params.routeId}`, period.periodFrom && period.periodTo ? period : undefined);
  return (
    <Page title={route.data?.name ?? t('routes.route')} wide>
      <p>
        <Link to="/staff/routes">{t('routes.backToList')}</Link>
      </p>
      <DataState loaded={route}>
        {(r) => (
          <>
            <Progress route={r} />
            <Assignments route={r} onChange={route.reload} editable={canEditRoutes(user?.roles)} />
          </>
        )}
      </DataState>
    </Page>
  );
}

function Progress({ route }: { route: Detail }) {
  const { t, lang } = useLang();
  const p = route.progress;
  return (
    <section aria-labelledby="progress-title">
      <h2 id="progress-title">
        {t('routes.progressIn', { from: formatDate(route.period.from, lang), to: formatDate(route.period.to, lang) })}
      </h2>
      <ul className="stats">
        <li className="stat">
          <span className="stat-value" data-testid="count-read">{p.read}</span>
          <span className="stat-label">{t('routes.countRead')}</span>
        </li>
        <li className="stat">
          <span className="stat-value" data-testid="count-missing">{p.missing}</span>
          <span className="stat-label">{t('routes.countMissing')}</span>
        </li>
        <li className="stat">
          <span className="stat-value" data-testid="count-alarm">{p.alarm}</span>
          <span className="stat-label">{t('routes.countAlarm')}</span>
        </li>
        <li className="stat">
          <span className="stat-value">{p.total}</span>
          <span className="stat-label">{t('routes.countTotal')}</span>
        </li>
      </ul>
      <TableWrap label={t('routes.stopsCaption')}>
        <table>
          <caption>{t('routes.stopsCaption')}</caption>
          <thead>
            <tr>
              <th scope="col" className="num">
                {t('routes.position')}
              </th>
              <th scope="col">{t('routes.address')}</th>
              <th scope="col">{t('routes.meters')}</th>
              <th scope="col">{t('routes.lastReading')}</th>
              <th scope="col">{t('routes.status')}</th>
            </tr>
          </thead>
          <tbody>
            {route.stops.map((s) => (
              <tr key={s.position}>
                <td className="num" data-label={t('routes.position')}>
                  {s.position}
                </td>
                <th scope="row" data-label={t('routes.address')}>
                  {address(s)}, {s.locality} <span className="muted">({s.code})</span>
                </th>
                <td data-label={t('routes.meters')}>
                  {s.meters.map((m) => (
                    <div key={m.id}>
                      <Link to={`/staff/meters/${m.id}/readings`}>{m.serialNumber}</Link>
                      {m.radio && <span className="badge badge-radio">{t('routes.radioShort')}</span>}
                    </div>
                  ))}
                </td>
                <td data-label={t('routes.lastReading')}>
                  {s.meters.map((m) => (
                    <div key={m.id}>
                      {m.lastReading ? `${formatVolume(m.lastReading.valueM3, lang)} · ${formatDateTime(m.lastReading.readAt, lang)} · ${t(`routes.source.${m.lastReading.source}`, m.lastReading.source)}` : '—'}
                      {m.lastReading?.status === 'pending' && <span className="badge badge-warning">{t('routes.pending')}</span>}
                      {m.lastReading?.photo && (
                        <>
                          {' · '}
                          <a href={api.url(`/api/staff/readings/${m.lastReading.id}/photo`)} target="_blank" rel="noopener">
                            {t('routes.photo')}
                            <span className="visually-hidden"> {m.serialNumber}</span>
                          </a>
                        </>
                      )}
                    </div>
                  ))}
                </td>
                <td data-label={t('routes.status')}>
                  {s.status === 'read' ? <span className="badge badge-active">{t('routes.stopRead')}</span> : <span className="badge badge-todo">{t('routes.stopMissing')}</span>}
                  {s.meters.some((m) => m.heard) && <span className="badge badge-radio">{t('routes.heard')}</span>}
                  {s.alarm && <span className="badge badge-danger">{t('routes.alarm')}</span>}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
    </section>
  );
}

function Assignments({ route, onChange, editable }: { route: Detail; onChange(): void; editable: boolean }) {
  const { t, lang } = useLang();
  const readers = useApi<{ items: { id: number; name: string; email: string }[] }>(editable ? '/api/staff/routes/readers' : null);
  const form = useRef<HTMLFormElement>(null);
  const today = new Date().toISOString().slice(0, 10);
  const [v, setV] = useState({ readerId: '', periodFrom: today, periodTo: today });
  const [errors, setErrors] = useState<{ readerId?: string; periodFrom?: string; periodTo?: string }>({});
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [done, setDone] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    setDone(false);
    const errs: typeof errors = {};
    if (!v.readerId) errs.readerId = t('routes.pickReader');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v.periodFrom)) errs.periodFrom = t('errors.required');
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v.periodTo)) errs.periodTo = t('errors.required');
    setErrors(errs);
    if (Object.keys(errs).length) return focusFirstInvalid(form.current);
    setBusy(true);
    try {
      await api.post(`/api/staff/routes/${route.id}/assign`, { readerId: Number(v.readerId), periodFrom: v.periodFrom, periodTo: v.periodTo });
      setDone(true);
      onChange();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      const f = fieldOfError(err, { readerId: /reader/, periodFrom: /period/, periodTo: /^$/ });
      if (f) {
        setErrors({ [f]: err.text(lang) });
        focusFirstInvalid(form.current);
      } else setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const remove = async (assignmentId: number) => {
    setFailure(null);
    try {
      await api.delete(`/api/staff/routes/${route.id}/assignments/${assignmentId}`);
      onChange();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setFailure(err);
    }
  };

  const deleteRoute = async () => {
    if (!window.confirm(t('routes.confirmDelete', { name: route.name }))) return;
    try {
      await api.delete(`/api/staff/routes/${route.id}`);
      navigate('/staff/routes');
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setFailure(err);
    }
  };

  return (
    <section className="card route-assign" aria-labelledby="assign-title">
      <h2 id="assign-title">{t('routes.assignments')}</h2>
      {route.assignments.length === 0 ? (
        <p>{t('routes.noAssignments')}</p>
      ) : (
        <ul className="assignment-list">
          {route.assignments.map((a) => (
            <li key={a.id}>
              <Link to={`/staff/routes/${route.id}?from=${a.periodFrom}&to=${a.periodTo}`}>
                {a.readerName}: {formatDate(a.periodFrom, lang)} – {formatDate(a.periodTo, lang)}
              </Link>
              {editable && (
                <>
                  {' '}
                  <button type="button" className="button-link" onClick={() => void remove(a.id)}>
                    {t('routes.withdraw')}
                    <span className="visually-hidden"> {a.readerName}</span>
                  </button>
                </>
              )}
            </li>
          ))}
        </ul>
      )}
      {editable && (
        <>
          {done && <Notice kind="success">{t('routes.assigned')}</Notice>}
          <form ref={form} onSubmit={submit} noValidate className="form">
            <FormAlert error={failure} />
            <div className={`field${errors.readerId ? ' field-invalid' : ''}`}>
              <label htmlFor="assign-reader">{t('routes.reader')}</label>
              <select
                id="assign-reader"
                value={v.readerId}
                onChange={(e) => setV((s) => ({ ...s, readerId: e.target.value }))}
                aria-invalid={errors.readerId ? true : undefined}
                aria-describedby={errors.readerId ? 'assign-reader-error' : undefined}
              >
                <option value="">{t('routes.chooseReader')}</option>
                {(readers.data?.items ?? []).map((r) => (
                  <option key={r.id} value={r.id}>
                    {r.name} ({r.email})
                  </option>
                ))}
              </select>
              {errors.readerId && (
                <p id="assign-reader-error" className="error-text">
                  {errors.readerId}
                </p>
              )}
            </div>
            <TextField label={t('routes.periodFrom')} name="periodFrom" type="date" value={v.periodFrom} onChange={(x) => setV((s) => ({ ...s, periodFrom: x }))} error={errors.periodFrom} required />
            <TextField label={t('routes.periodTo')} name="periodTo" type="date" value={v.periodTo} onChange={(x) => setV((s) => ({ ...s, periodTo: x }))} error={errors.periodTo} required />
            <div className="button-row">
              <button type="submit" className="button" disabled={busy}>
                {t('routes.assign')}
              </button>
              <button type="button" className="button button-secondary" onClick={() => void deleteRoute()}>
                {t('routes.delete')}
              </button>
            </div>
          </form>
        </>
      )}
    </section>
  );
}
