/**
 * Consumption analysis of one contract for any date range: water per month
 * as a chart and a table (the table is what screen readers read), the daily
 * average, the same range a year earlier, the cost at today's tariff, and a
 * CSV download. The chart library is loaded only here (lazy).
 */
import './readings.css';
import { lazy, Suspense, useMemo, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { FormAlert, TextField } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatMoney, formatNumber, formatVolume } from '../../lib/format.ts';
import { navigate, useLocation } from '../../router.tsx';
import type { Consumption as Analysis, PortalContracts } from './types.ts';
import { TableWrap } from '../../components/TableWrap.tsx';

const Chart = lazy(() => import('./Chart.tsx'));

const iso = (d: Date) => `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, '0')}-${String(d.getDate()).padStart(2, '0')}`;
const isDate = (s: string) => /^\d{4}-\d{2}-\d{2}$/.test(s) && !Number.isNaN(Date.parse(s));

function defaultRange() {
  const to = new Date();
  const from = new Date(to.getFullYear() - 1, to.getMonth() + 1, 1);
  return { from: iso(from), to: iso(to) };
}

export default function Consumption() {
  const { t } = useLang();
  const { search } = useLocation();
  const contracts = useApi<PortalContracts>('/api/portal/contracts');
  const all = contracts.data?.customers.flatMap((c) => c.contracts.map((k) => ({ customerId: c.id, customer: c.name, k }))) ?? [];
  const dflt = defaultRange();
  const chosen = all.find((x) => String(x.k.id) === search.get('contract')) ?? all[0];
  const from = search.get('from') ?? dflt.from;
  const to = search.get('to') ?? dflt.to;
  const valid = isDate(from) && isDate(to) && from <= to;
  const analysis = useApi<Analysis>(chosen && valid ? `/api/customers/${chosen.customerId}/consumption` : null, { contractId: chosen?.k.id, from, to });

  return (
    <Page title={t('readingsPortal.consumption.title')} wide>
      <DataState loaded={contracts}>
        {() =>
          !chosen ? (
            <p>{t('contract.none')}</p>
          ) : (
            <>
              <RangeForm
                contracts={all.map((x) => ({ id: x.k.id, label: `${x.k.contractNumber} · ${x.k.servicePoint.address}` }))}
                contractId={chosen.k.id}
                from={from}
                to={to}
              />
              {valid && (
                <DataState loaded={analysis}>
                  {(a) => <Result a={a} csvHref={api.url(`/api/customers/${chosen.customerId}/consumption/csv?contractId=${chosen.k.id}&from=${from}&to=${to}`)} />}
                </DataState>
              )}
            </>
          )
        }
      </DataState>
    </Page>
  );
}

function RangeForm({ contracts, contractId, from, to }: { contracts: { id: number; label: string }[]; contractId: number; from: string; to: string }) {
  const { t } = useLang();
  const [k, setK] = useState(String(contractId));
  const [f, setF] = useState(from);
  const [tt, setT] = useState(to);
  const [error, setError] = useState<string>();
  function submit(e: FormEvent) {
    e.preventDefault();
    if (!isDate(f) || !isDate(tt)) return setError(t('readingsPortal.consumption.badDate'));
    if (f > tt) return setError(t('readingsPortal.consumption.badRange'));
    setError(undefined);
    navigate(`/portal/consumption?contract=${k}&from=${f}&to=${tt}`, { replace: true });
  }
  return (
    <form className="form range-form" onSubmit={submit} noValidate>
      {error && <FormAlert>{error}</FormAlert>}
      <div className="field">
        <label htmlFor="cons-contract">{t('readingsPortal.consumption.contract')}</label>
        <select id="cons-contract" value={k} onChange={(e) => setK(e.target.value)}>
          {contracts.map((c) => (
            <option key={c.id} value={c.id}>
              {c.label}
            </option>
          ))}
        </select>
      </div>
      <TextField label={t('readingsPortal.consumption.from')} name="from" type="date" value={f} onChange={setF} required />
      <TextField label={t('readingsPortal.consumption.to')} name="to" type="date" value={tt} onChange={setT} required />
      <div className="button-row">
        <button type="submit" className="button">
          {t('readingsPortal.consumption.show')}
        </button>
      </div>
    </form>
  );
}

function Result({ a, csvHref }: { a: Analysis; csvHref: string }) {
  const { t, lang } = useLang();
  const monthName = (m: string) => new Intl.DateTimeFormat(lang === 'en' ? 'en-GB' : 'pl-PL', { month: 'short', year: 'numeric', timeZone: 'UTC' }).format(new Date(`${m}-01T00:00:00Z`));
  const chart = useMemo(
    () => ({
      x: a.months.map((_, i) => i),
      // Month over year, two short lines, so twelve labels fit a phone's width.
      categories: a.months.map((m) => monthName(m.month).replace(' ', '\n')),
      series: [
        { label: t('readingsPortal.consumption.thisPeriod'), values: a.months.map((m) => (m.coveredDays ? Number(m.usedM3) : null)), color: '#1d4ed8' },
        { label: t('readingsPortal.consumption.yearBefore'), values: a.months.map((m) => (m.previousYearM3 === null ? null : Number(m.previousYearM3))), color: '#b45309', kind: 'line' as const },
      ],
    }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [a, lang],
  );
  const fmtY = useMemo(() => (v: number) => formatNumber(v, lang), [lang]);
  return (
    <>
      <div className="stats">
        <div className="stat">
          <span className="stat-value">{formatVolume(a.totalM3, lang)}</span>
          <span className="stat-label">{t('readingsPortal.consumption.total', { from: formatDate(a.from, lang), to: formatDate(a.to, lang) })}</span>
        </div>
        <div className="stat">
          <span className="stat-value">{a.dailyAverageM3 === null ? '—' : formatVolume(a.dailyAverageM3, lang)}</span>
          <span className="stat-label">{t('readingsPortal.consumption.dailyAverage')}</span>
        </div>
        <div className="stat">
          <span className="stat-value">{formatVolume(a.previousYear.totalM3, lang)}</span>
          <span className="stat-label">
            {t('readingsPortal.consumption.previousTotal', { from: formatDate(a.previousYear.from, lang), to: formatDate(a.previousYear.to, lang) })}
          </span>
        </div>
        {a.cost && (
          <div className="stat">
            <span className="stat-value">{formatMoney(a.cost.grossGrosze, lang)}</span>
            <span className="stat-label">{t('readingsPortal.consumption.costGross')}</span>
          </div>
        )}
      </div>
      {a.coveredDays < a.days && <p className="muted">{t('readingsPortal.consumption.partial', { count: a.coveredDays, days: a.days })}</p>}
      <h2>{t('readingsPortal.consumption.perMonth')}</h2>
      <Suspense fallback={<p className="loading">{t('common.loading')}</p>}>
        <Chart x={chart.x} categories={chart.categories} series={chart.series} yLabel="m³" xLabel={t('readingsPortal.consumption.month')} formatY={fmtY} />
      </Suspense>
      <TableWrap label={t('readingsPortal.consumption.caption')}>
        <table>
          <caption>{t('readingsPortal.consumption.caption')}</caption>
          <thead>
            <tr>
              <th scope="col">{t('readingsPortal.consumption.month')}</th>
              <th scope="col" className="num">
                {t('readingsPortal.consumption.used')}
              </th>
              <th scope="col" className="num">
                {t('readingsPortal.consumption.usedYearBefore')}
              </th>
              <th scope="col" className="num">
                {t('readingsPortal.consumption.daysCovered')}
              </th>
            </tr>
          </thead>
          <tbody>
            {a.months.map((m) => (
              <tr key={m.month}>
                <th scope="row" data-label={t('readingsPortal.consumption.month')}>
                  {monthName(m.month)}
                </th>
                <td className="num" data-label={t('readingsPortal.consumption.used')}>
                  {m.coveredDays ? formatVolume(m.usedM3, lang) : '—'}
                </td>
                <td className="num" data-label={t('readingsPortal.consumption.usedYearBefore')}>
                  {m.previousYearM3 === null ? '—' : formatVolume(m.previousYearM3, lang)}
                </td>
                <td className="num" data-label={t('readingsPortal.consumption.daysCovered')}>
                  {m.coveredDays} / {m.days}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </TableWrap>
      <p>
        <a className="button button-secondary" href={csvHref} download>
          {t('readingsPortal.consumption.csv')}
        </a>
      </p>
      <h2>{t('readingsPortal.consumption.costTitle')}</h2>
      {a.cost ? (
        <>
          <TableWrap label={t('readingsPortal.consumption.costCaption', { tariff: a.cost.tariff, group: a.cost.group })}>
            <table>
              <caption>{t('readingsPortal.consumption.costCaption', { tariff: a.cost.tariff, group: a.cost.group })}</caption>
              <thead>
                <tr>
                  <th scope="col">{t('readingsPortal.consumption.item')}</th>
                  <th scope="col" className="num">
                    {t('readingsPortal.consumption.quantity')}
                  </th>
                  <th scope="col" className="num">
                    {t('readingsPortal.consumption.priceNet')}
                  </th>
                  <th scope="col" className="num">
                    {t('readingsPortal.consumption.net')}
                  </th>
                </tr>
              </thead>
              <tbody>
                {a.cost.lines.map((l) => (
                  <tr key={l.item}>
                    <th scope="row" data-label={t('readingsPortal.consumption.item')}>
                      {t(`readingsPortal.consumption.items.${l.item}`)}
                    </th>
                    <td className="num" data-label={t('readingsPortal.consumption.quantity')}>
                      {formatVolume(l.quantityM3, lang)}
                    </td>
                    <td className="num" data-label={t('readingsPortal.consumption.priceNet')}>
                      {formatMoney(l.priceNetGrosze, lang)}
                    </td>
                    <td className="num" data-label={t('readingsPortal.consumption.net')}>
                      {formatMoney(l.netGrosze, lang)}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </TableWrap>
          <dl className="facts">
            <div>
              <dt>{t('readingsPortal.consumption.net')}</dt>
              <dd>{formatMoney(a.cost.netGrosze, lang)}</dd>
            </div>
            <div>
              <dt>{t('readingsPortal.consumption.vat', { rate: a.cost.vatPercent })}</dt>
              <dd>{formatMoney(a.cost.vatGrosze, lang)}</dd>
            </div>
            <div>
              <dt>{t('readingsPortal.consumption.gross')}</dt>
              <dd>{formatMoney(a.cost.grossGrosze, lang)}</dd>
            </div>
          </dl>
          <p className="muted">{t('readingsPortal.consumption.costNote', { decision: a.cost.decisionNumber })}</p>
        </>
      ) : (
        <p>{t('readingsPortal.consumption.noTariff')}</p>
      )}
    </>
  );
}
