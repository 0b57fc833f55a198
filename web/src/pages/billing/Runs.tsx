/**
 * Billing runs (/staff/billing-runs): every run with its status, period,
 * selection, counts and gross total, newest first; billing and
 * administrators start a new one here: a period (one month or a range) and
 * what to bill (all contracts, a billing cycle, a reading route, a locality
 * or one customer). Starting a run only computes its preview; the run's page
 * shows it (RunDetail.tsx).
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { mayAccess } from '../../access.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert, TextField, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime, formatMoney, formatNumber } from '../../lib/format.ts';
import { Link, navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { CYCLES, periodText, selectionText, type Cycle, type Run, type RunDetail, type Selection } from './runs-parts.tsx';

export default function Runs() {
  const { t, lang } = useLang();
  const runs = useApi<{ items: Run[] }>('/api/staff/billing-runs');
  const mayWrite = mayAccess('staff:billing', useSession().user);
  const s = (k: string) => t(`runs.list.${k}`);
  return (
    <Page title={s('title')} wide>
      {mayWrite && <NewRunForm />}
      <DataState loaded={runs}>
        {(d) => (
          <DataTable
            caption={s('caption')}
            ifEmpty={<p className="muted">{s('empty')}</p>}
            columns={[s('number'), s('period'), s('selection'), s('status'), { label: s('contracts'), className: 'num' }, { label: s('held'), className: 'num' }, { label: s('issued'), className: 'num' }, { label: s('gross'), className: 'num' }, s('created')]}
            items={d.items}
            row={(r) => (
              <tr key={r.id}>
                <th scope="row" data-label={s('number')}>
                  <Link to={`/staff/billing-runs/${r.id}`} aria-label={t('runs.list.open', { id: r.id })}>
                    {r.id}
                  </Link>
                </th>
                <td data-label={s('period')}>{periodText(r.periodFrom, r.periodTo)}</td>
                <td data-label={s('selection')}>{selectionText(t, r.selection)}</td>
                <td data-label={s('status')}>{t(`runs.status.${r.status}`)}</td>
                <td className="num" data-label={s('contracts')}>
                  {formatNumber(r.contracts, lang)}
                </td>
                <td className="num" data-label={s('held')}>
                  {formatNumber(r.held, lang)}
                </td>
                <td className="num" data-label={s('issued')}>
                  {formatNumber(r.issued, lang)} / {formatNumber(r.billed, lang)}
                </td>
                <td className="num" data-label={s('gross')}>
                  {formatMoney(r.gross, lang)}
                </td>
                <td data-label={s('created')}>{formatDateTime(r.createdAt, lang)}</td>
              </tr>
            )}
          />
        )}
      </DataState>
    </Page>
  );
}

type Scope = 'all' | 'cycle' | 'route' | 'locality' | 'customer';
const SCOPES: Scope[] = ['all', 'cycle', 'route', 'locality', 'customer'];
const MONTH = /^\d{4}-(0[1-9]|1[0-2])$/;
type Field = 'periodFrom' | 'periodTo' | 'value';

function NewRunForm() {
  const { t } = useLang();
  const s = (k: string, o?: Record<string, unknown>) => t(`runs.create.${k}`, o);
  const form = useRef<HTMLFormElement>(null);
  const [v, setV] = useState({ periodFrom: '', periodTo: '', scope: 'all' as Scope, cycle: 'monthly' as Cycle, routeId: '', locality: '', customer: '' });
  const [errors, setErrors] = useState<Errors<Field>>({});
  const { busy, failure, setFailure, call } = useApiCall();
  // The lists a selection is chosen from: reading routes and localities with service points.
  const routes = useApi<{ items: { id: number; name: string }[] }>(v.scope === 'route' ? '/api/staff/routes' : null);
  const streets = useApi<{ localities: { locality: string }[] }>(v.scope === 'locality' ? '/api/staff/routes/streets' : null);
  const set = (k: keyof typeof v) => (value: string) => setV((x) => ({ ...x, [k]: value }));

  /** The customer's id from the number staff type (the customer search, exact number). */
  const customerId = async (number: string): Promise<number | null> => {
    const r = await api.get<{ items: { id: number; customerNumber: string }[] }>('/api/staff/customers', { q: number, limit: 20 });
    return r.items.find((c) => c.customerNumber.toUpperCase() === number.toUpperCase())?.id ?? null;
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<Field> = {};
    if (!MONTH.test(v.periodFrom)) errs.periodFrom = s('monthHint');
    if (v.periodTo && !MONTH.test(v.periodTo)) errs.periodTo = s('monthHint');
    const value = { cycle: v.cycle, route: v.routeId, locality: v.locality.trim(), customer: v.customer.trim(), all: 'x' }[v.scope];
    if (!value) errs.value = s('choose');
    setErrors(errs);
    setFailure(null);
    if (Object.keys(errs).length) return focusFirstInvalid(form.current);
    await call(async () => {
      const selection: Selection = {};
      if (v.scope === 'cycle') selection.cycle = v.cycle;
      if (v.scope === 'route') selection.routeId = Number(v.routeId);
      if (v.scope === 'locality') selection.locality = v.locality.trim();
      if (v.scope === 'customer') {
        const id = await customerId(v.customer.trim());
        if (id === null) {
          setErrors({ value: s('customerNotFound', { number: v.customer.trim() }) });
          return;
        }
        selection.customerId = id;
      }
      const run = await api.post<RunDetail>('/api/staff/billing-runs', { periodFrom: v.periodFrom, ...(v.periodTo ? { periodTo: v.periodTo } : {}), selection });
      navigate(`/staff/billing-runs/${run.id}`);
    });
  };

  return (
    <form ref={form} className="card" onSubmit={submit} noValidate aria-labelledby="new-run">
      <h2 id="new-run">{s('title')}</h2>
      <p>{s('lead')}</p>
      <FormAlert error={failure} />
      <TextField label={s('from')} name="periodFrom" type="month" placeholder="2026-11" value={v.periodFrom} onChange={set('periodFrom')} hint={s('monthHint')} error={errors.periodFrom} required />
      <TextField label={s('to')} name="periodTo" type="month" placeholder="2026-12" value={v.periodTo} onChange={set('periodTo')} hint={s('toHint')} error={errors.periodTo} />
      <div className="field">
        <label htmlFor="run-scope">{s('scope')}</label>
        <select id="run-scope" value={v.scope} onChange={(e) => setV((x) => ({ ...x, scope: e.target.value as Scope }))}>
          {SCOPES.map((k) => (
            <option key={k} value={k}>
              {s(`scope${k[0].toUpperCase()}${k.slice(1)}`)}
            </option>
          ))}
        </select>
      </div>
      {v.scope === 'cycle' && (
        <div className="field">
          <label htmlFor="run-cycle">{s('cycle')}</label>
          <select id="run-cycle" value={v.cycle} onChange={(e) => set('cycle')(e.target.value)}>
            {CYCLES.map((c) => (
              <option key={c} value={c}>
                {t(`runs.cycles.${c}`)}
              </option>
            ))}
          </select>
        </div>
      )}
      {v.scope === 'route' && (
        <Choice id="run-route" label={s('route')} error={errors.value} value={v.routeId} onChange={set('routeId')} options={(routes.data?.items ?? []).map((r) => [String(r.id), r.name])} />
      )}
      {v.scope === 'locality' && (
        <Choice id="run-locality" label={s('locality')} error={errors.value} value={v.locality} onChange={set('locality')} options={(streets.data?.localities ?? []).map((l) => [l.locality, l.locality])} />
      )}
      {v.scope === 'customer' && <TextField label={s('customer')} name="customer" value={v.customer} onChange={set('customer')} hint={s('customerHint')} error={errors.value} />}
      <button type="submit" className="button" disabled={busy}>
        {busy ? s('busy') : s('submit')}
      </button>
    </form>
  );
}

function Choice({ id, label, value, onChange, options, error }: { id: string; label: string; value: string; onChange(v: string): void; options: [string, string][]; error?: string }) {
  const { t } = useLang();
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)} aria-invalid={error ? true : undefined} aria-describedby={error ? `${id}-error` : undefined}>
        <option value="">{t('runs.create.choose')}</option>
        {options.map(([k, text]) => (
          <option key={k} value={k}>
            {text}
          </option>
        ))}
      </select>
      {error && (
        <p id={`${id}-error`} className="error-text">
          {error}
        </p>
      )}
    </div>
  );
}
