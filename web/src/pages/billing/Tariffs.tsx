/**
 * Tariffs (staff): every tariff, current and past, with its groups' net
 * prices and fees; billing and administrators add a tariff here. The server
 * refuses a tariff that overlaps another for one of its groups and says so
 * (tariff.overlap); the message is shown by the form.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert, Notice, TextField, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatMoney } from '../../lib/format.ts';
import { mayAccess } from '../../access.ts';
import { useSession } from '../../session.tsx';

interface Group {
  code: string;
  name: string;
  water: string;
  sewage: string;
  feePaper: string;
  feeEinvoice: string;
}
interface Tariff {
  id: number;
  name: string;
  decisionNumber: string;
  decisionDate: string;
  validFrom: string;
  validTo: string | null;
  vatRate: number;
  groups: Group[];
  billedTo: string | null;
}

const PRICE = /^\d{1,6}([.,]\d{1,2})?$/;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** "5.40" → 540 grosze, digit by digit (no floating point). */
const grosze = (s: string) => {
  const [a, b = ''] = s.split(/[.,]/);
  return Number(a) * 100 + Number(b.padEnd(2, '0'));
};
const PRICES = ['water', 'sewage', 'feePaper', 'feeEinvoice'] as const;
type Field = 'name' | 'decisionNumber' | 'decisionDate' | 'validFrom' | 'validTo' | 'code' | 'groupName' | (typeof PRICES)[number];

export default function Tariffs() {
  const { t, lang } = useLang();
  const tariffs = useApi<{ items: Tariff[] }>('/api/staff/tariffs');
  // Billing and administrators add tariffs; everyone else on the staff reads them.
  const mayWrite = mayAccess('staff:billing', useSession().user);
  const form = useRef<HTMLFormElement>(null);
  const empty = { name: '', decisionNumber: '', decisionDate: '', validFrom: '', validTo: '', code: 'G1', groupName: '', water: '', sewage: '', feePaper: '', feeEinvoice: '' };
  const [v, setV] = useState(empty);
  const [errors, setErrors] = useState<Errors<Field>>({});
  const [created, setCreated] = useState<string>();
  const { busy, failure, setFailure, call } = useApiCall();
  const set = (k: Field) => (value: string) => setV((s) => ({ ...s, [k]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<Field> = {};
    for (const k of ['name', 'decisionNumber', 'code', 'groupName'] as const) if (!v[k].trim()) errs[k] = t('errors.required');
    for (const k of ['decisionDate', 'validFrom'] as const) if (!DATE.test(v[k])) errs[k] = t('runs.tariffs.dateHint');
    if (v.validTo && !DATE.test(v.validTo)) errs.validTo = t('runs.tariffs.dateHint');
    for (const k of PRICES) if (!PRICE.test(v[k].trim())) errs[k] = t('runs.tariffs.priceHint');
    setErrors(errs);
    setFailure(null);
    setCreated(undefined);
    if (Object.keys(errs).length) return focusFirstInvalid(form.current);
    await call(async () => {
      await api.post('/api/staff/tariffs', {
        name: v.name.trim(),
        decisionNumber: v.decisionNumber.trim(),
        decisionDate: v.decisionDate,
        validFrom: v.validFrom,
        validTo: v.validTo || null,
        groups: [{ code: v.code.trim(), name: v.groupName.trim(), water: v.water.trim(), sewage: v.sewage.trim(), feePaper: v.feePaper.trim(), feeEinvoice: v.feeEinvoice.trim() }],
      });
      setCreated(v.decisionNumber.trim());
      setV(empty);
      tariffs.reload();
    });
  };

  const money = (s: string) => formatMoney(grosze(s), lang);
  return (
    <Page title={t('runs.tariffs.title')} wide>
      <DataState loaded={tariffs}>
        {(d) => (
          <DataTable
            caption={t('runs.tariffs.caption')}
            columns={[t('runs.tariffs.decision'), t('runs.tariffs.validity'), t('runs.tariffs.group'), t('runs.tariffs.water'), t('runs.tariffs.sewage'), t('runs.tariffs.feePaper'), t('runs.tariffs.feeEinvoice'), t('runs.tariffs.billedTo')]}
            items={d.items.flatMap((x) => x.groups.map((g) => ({ x, g })))}
            row={({ x, g }) => (
              <tr key={`${x.id}-${g.code}`}>
                <th scope="row" data-label={t('runs.tariffs.decision')}>
                  {x.decisionNumber}
                  <div className="hint">{formatDate(x.decisionDate, lang)}</div>
                </th>
                <td data-label={t('runs.tariffs.validity')}>
                  {formatDate(x.validFrom, lang)} – {x.validTo ? formatDate(x.validTo, lang) : t('runs.tariffs.openEnded')}
                </td>
                <td data-label={t('runs.tariffs.group')}>
                  {g.code} {g.name}
                </td>
                <td data-label={t('runs.tariffs.water')}>{money(g.water)}</td>
                <td data-label={t('runs.tariffs.sewage')}>{money(g.sewage)}</td>
                <td data-label={t('runs.tariffs.feePaper')}>{money(g.feePaper)}</td>
                <td data-label={t('runs.tariffs.feeEinvoice')}>{money(g.feeEinvoice)}</td>
                <td data-label={t('runs.tariffs.billedTo')}>{x.billedTo ? formatDate(x.billedTo, lang) : t('runs.tariffs.notBilled')}</td>
              </tr>
            )}
          />
        )}
      </DataState>

      {mayWrite && (
      <section className="card" aria-labelledby="new-tariff">
        <h2 id="new-tariff">{t('runs.tariffs.create')}</h2>
        <p className="hint">{t('runs.tariffs.createHint')}</p>
        {created && <Notice kind="success">{t('runs.tariffs.created', { number: created })}</Notice>}
        <form ref={form} onSubmit={submit} noValidate className="form">
          <FormAlert error={failure} />
          <TextField label={t('runs.tariffs.name')} name="name" value={v.name} onChange={set('name')} error={errors.name} required />
          <TextField label={t('runs.tariffs.decisionNumber')} name="decisionNumber" value={v.decisionNumber} onChange={set('decisionNumber')} error={errors.decisionNumber} required />
          <TextField label={t('runs.tariffs.decisionDate')} name="decisionDate" type="date" value={v.decisionDate} onChange={set('decisionDate')} error={errors.decisionDate} required />
          <TextField label={t('runs.tariffs.validFrom')} name="validFrom" type="date" value={v.validFrom} onChange={set('validFrom')} error={errors.validFrom} required />
          <TextField label={t('runs.tariffs.validTo')} name="validTo" type="date" value={v.validTo} onChange={set('validTo')} hint={t('runs.tariffs.validToHint')} error={errors.validTo} />
          <TextField label={t('runs.tariffs.groupCode')} name="code" value={v.code} onChange={set('code')} error={errors.code} required />
          <TextField label={t('runs.tariffs.groupName')} name="groupName" value={v.groupName} onChange={set('groupName')} error={errors.groupName} required />
          {PRICES.map((k) => (
            <TextField key={k} label={t(`runs.tariffs.${k}Net`)} name={k} inputMode="decimal" value={v[k]} onChange={set(k)} hint={t('runs.tariffs.priceHint')} error={errors[k]} required />
          ))}
          <button type="submit" className="button" disabled={busy}>
            {t('runs.tariffs.submit')}
          </button>
        </form>
      </section>
      )}
    </Page>
  );
}
