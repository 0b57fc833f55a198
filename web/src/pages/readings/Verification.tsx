/**
 * The verification queue: readings held as pending, oldest first. A clerk
 * opens one, sees the meter's history (chart and table), the photo, the
 * reason it was held, and accepts, corrects (a new reading; the held one is
 * kept as rejected) or rejects it, always with a reason the customer sees.
 */
import './readings.css';
import { lazy, Suspense, useMemo, useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { Reading } from '../../api/types.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { DataState, Pager, useApi } from '../../components/data.tsx';
import { FormAlert, Notice, TextField, focusFirstInvalid } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime, formatNumber, formatVolume } from '../../lib/format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { mayAccess } from '../../access.ts';
import { ReadingsTable } from '../shared/ReadingsTable.tsx';
import { messages, parseRegister } from '../../../../src/modules/readings/rules.ts';
import type { QueueItem } from './types.ts';
import { TableWrap } from '../../components/TableWrap.tsx';

const Chart = lazy(() => import('./Chart.tsx'));
const LIMIT = 20;

export default function Verification() {
  const { t, lang } = useLang();
  const [page, setPage] = useState(1);
  const [source, setSource] = useState('');
  const [openId, setOpenId] = useState<number | null>(null);
  const [done, setDone] = useState<string | null>(null);
  const queue = useApi<{ total: number; items: QueueItem[] }>('/api/staff/verification', { limit: LIMIT, offset: (page - 1) * LIMIT, source: source || undefined });
  return (
    <Page title={t('readingsPortal.verification.title')} wide>
      <p className="lead">{t('readingsPortal.verification.lead')}</p>
      <div className="field inline-field">
        <label htmlFor="vq-source">{t('readingsPortal.verification.source')}</label>
        <select
          id="vq-source"
          value={source}
          onChange={(e) => {
            setSource(e.target.value);
            setPage(1);
          }}
        >
          <option value="">{t('readingsPortal.verification.allSources')}</option>
          {['customer', 'remote', 'reader'].map((s) => (
            <option key={s} value={s}>
              {t(`reading.sources.${s}`)}
            </option>
          ))}
        </select>
      </div>
      {done && <Notice kind="success">{done}</Notice>}
      <DataState loaded={queue}>
        {(q) => (
          <>
            <p role="status">{t('readingsPortal.verification.count', { count: q.total })}</p>
            {q.items.length > 0 && (
              <TableWrap label={t('readingsPortal.verification.caption')}>
                <table>
                  <caption className="visually-hidden">{t('readingsPortal.verification.caption')}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('reading.readAt')}</th>
                      <th scope="col">{t('readingsPortal.verification.meter')}</th>
                      <th scope="col">{t('readingsPortal.verification.customer')}</th>
                      <th scope="col" className="num">
                        {t('reading.value')}
                      </th>
                      <th scope="col" className="num">
                        {t('readingsPortal.verification.previous')}
                      </th>
                      <th scope="col">{t('reading.source')}</th>
                      <th scope="col">{t('readingsPortal.verification.why')}</th>
                      <th scope="col">
                        <span className="visually-hidden">{t('meter.actions')}</span>
                      </th>
                    </tr>
                  </thead>
                  <tbody>
                    {q.items.map((i) => (
                      <tr key={i.id} className={openId === i.id ? 'row-current' : undefined}>
                        <th scope="row" data-label={t('reading.readAt')}>
                          {formatDateTime(i.readAt, lang)}
                        </th>
                        <td data-label={t('readingsPortal.verification.meter')}>
                          {i.serialNumber}
                          <span className="muted"> · {i.address}</span>
                        </td>
                        <td data-label={t('readingsPortal.verification.customer')}>
                          {i.customer ? <Link to={`/staff/customers/${i.customer.id}`}>{i.customer.name}</Link> : '—'}
                        </td>
                        <td className="num" data-label={t('reading.value')}>
                          {formatVolume(i.valueM3, lang)}
                        </td>
                        <td className="num" data-label={t('readingsPortal.verification.previous')}>
                          {i.previous ? formatVolume(i.previous.valueM3, lang) : '—'}
                        </td>
                        <td data-label={t('reading.source')}>
                          {t(`reading.sources.${i.source}`, i.source)}
                          {i.photoType && <span className="badge">{t('readingsPortal.verification.photo')}</span>}
                          {i.openAlarms.map((a) => (
                            <span key={a} className="badge badge-danger">
                              {t(`readingsPortal.alarms.${a}`, a)}
                            </span>
                          ))}
                        </td>
                        <td data-label={t('readingsPortal.verification.why')}>{i.statusReason ?? '—'}</td>
                        <td>
                          <button
                            type="button"
                            className="button button-secondary"
                            aria-expanded={openId === i.id}
                            onClick={() => {
                              setDone(null);
                              setOpenId(openId === i.id ? null : i.id);
                            }}
                          >
                            {t('readingsPortal.verification.open')}
                            <span className="visually-hidden"> {formatDateTime(i.readAt, lang)} {i.serialNumber}</span>
                          </button>
                        </td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </TableWrap>
            )}
            <Pager page={page} pages={Math.max(1, Math.ceil(q.total / LIMIT))} onPage={setPage} />
            {q.items
              .filter((i) => i.id === openId)
              .map((i) => (
                <Detail
                  key={i.id}
                  item={i}
                  onDecided={(msg) => {
                    setOpenId(null);
                    setDone(msg);
                    queue.reload();
                  }}
                />
              ))}
          </>
        )}
      </DataState>
    </Page>
  );
}

function Detail({ item, onDecided }: { item: QueueItem; onDecided(message: string): void }) {
  const { t, lang } = useLang();
  const { user } = useSession();
  const mayDecide = mayAccess('staff:customer_service,billing', user);
  const history = useApi<{ items: Reading[] }>(`/api/staff/meters/${item.meterId}/readings`, { limit: 60 });
  const chart = useMemo(() => {
    const rows = [...(history.data?.items ?? [])].sort((a, b) => a.readAt.localeCompare(b.readAt));
    const x = rows.map((r) => Date.parse(r.readAt) / 1000);
    const pick = (ok: (r: Reading) => boolean) => rows.map((r) => (ok(r) ? Number(r.valueM3) : null));
    return {
      x,
      series: [
        { label: t('readingsPortal.verification.accepted'), values: pick((r) => r.status === 'accepted'), color: '#1d4ed8', kind: 'line' as const },
        { label: t('readingsPortal.verification.held'), values: pick((r) => r.status !== 'accepted'), color: '#b91c1c', kind: 'line' as const },
      ],
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [history.data, lang]);
  const fmtY = useMemo(() => (v: number) => formatNumber(v, lang), [lang]);
  const fmtX = useMemo(() => (v: number) => formatDateTime(new Date(v * 1000), lang), [lang]);
  return (
    <section className="card verification-detail" aria-labelledby={`vd-${item.id}`}>
      <h2 id={`vd-${item.id}`} tabIndex={-1}>
        {t('readingsPortal.verification.detailTitle', { serial: item.serialNumber, at: formatDateTime(item.readAt, lang) })}
      </h2>
      <dl className="facts">
        <div>
          <dt>{t('reading.value')}</dt>
          <dd>{formatVolume(item.valueM3, lang)}</dd>
        </div>
        <div>
          <dt>{t('readingsPortal.verification.previous')}</dt>
          <dd>{item.previous ? `${formatVolume(item.previous.valueM3, lang)} · ${formatDateTime(item.previous.readAt, lang)}` : '—'}</dd>
        </div>
        <div>
          <dt>{t('readingsPortal.verification.why')}</dt>
          <dd>{item.statusReason ?? '—'}</dd>
        </div>
      </dl>
      {item.photoType &&
        (item.photoType === 'image/heic' ? (
          <p>
            <a href={api.url(`/api/staff/readings/${item.id}/photo`)}>{t('readingsPortal.verification.photoDownload')}</a>
          </p>
        ) : (
          <figure className="reading-photo">
            <img src={api.url(`/api/staff/readings/${item.id}/photo`)} alt={t('readingsPortal.verification.photoAlt', { serial: item.serialNumber })} />
          </figure>
        ))}
      <h3>{t('readingsPortal.verification.history')}</h3>
      <DataState loaded={history}>
        {(h) => (
          <>
            <Suspense fallback={<p className="loading">{t('common.loading')}</p>}>
              <Chart x={chart.x} series={chart.series} yLabel="m³" xLabel={t('reading.readAt')} formatY={fmtY} formatX={fmtX} height={220} />
            </Suspense>
            <details>
              <summary>{t('readingsPortal.verification.historyTable')}</summary>
              <ReadingsTable items={h.items} caption={t('readingsPortal.verification.historyCaption', { serial: item.serialNumber })} />
            </details>
          </>
        )}
      </DataState>
      {mayDecide ? <DecisionForm item={item} onDecided={onDecided} /> : <p className="muted">{t('readingsPortal.verification.readOnly')}</p>}
    </section>
  );
}

function DecisionForm({ item, onDecided }: { item: QueueItem; onDecided(message: string): void }) {
  const { t, lang } = useLang();
  const [decision, setDecision] = useState<'accept' | 'correct' | 'reject'>('accept');
  const [reason, setReason] = useState('');
  const [value, setValue] = useState('');
  const [errors, setErrors] = useState<{ reason?: string; value?: string }>({});
  const { busy, failure, call } = useApiCall();
  const form = useRef<HTMLFormElement>(null);
  async function submit(e: FormEvent) {
    e.preventDefault();
    const next: typeof errors = {};
    if (!reason.trim()) next.reason = t('readingsPortal.verification.reasonRequired');
    if (decision === 'correct' && parseRegister(value) === null) next.value = lang === 'en' ? messages.valueInvalid.en : messages.valueInvalid.pl;
    setErrors(next);
    if (Object.keys(next).length) return focusFirstInvalid(form.current);
    await call(async () => {
      await api.post(`/api/staff/readings/${item.id}/verification`, { decision, reason: reason.trim(), valueM3: decision === 'correct' ? value.trim() : undefined });
      onDecided(t(`readingsPortal.verification.done.${decision}`, { serial: item.serialNumber }));
    });
  }
  return (
    <form ref={form} className="form" onSubmit={submit} noValidate>
      <FormAlert error={failure} />
      <fieldset>
        <legend>{t('readingsPortal.verification.decision')}</legend>
        {(['accept', 'correct', 'reject'] as const).map((d) => (
          <div key={d} className="field field-check">
            <input type="radio" id={`vd-${item.id}-${d}`} name="decision" value={d} checked={decision === d} onChange={() => setDecision(d)} />
            <label htmlFor={`vd-${item.id}-${d}`}>{t(`readingsPortal.verification.decisions.${d}`)}</label>
          </div>
        ))}
      </fieldset>
      {decision === 'correct' && (
        <TextField label={t('readingsPortal.verification.correctValue')} name="valueM3" inputMode="decimal" value={value} onChange={setValue} error={errors.value} required />
      )}
      <TextField
        label={t('readingsPortal.verification.reason')}
        hint={t('readingsPortal.verification.reasonHint')}
        name="reason"
        value={reason}
        onChange={setReason}
        error={errors.reason}
        maxLength={500}
        required
      />
      <div className="button-row">
        <button type="submit" className="button" disabled={busy}>
          {t('readingsPortal.verification.save')}
        </button>
      </div>
    </form>
  );
}
