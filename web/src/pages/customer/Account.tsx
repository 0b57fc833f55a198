/**
 * Dane kontrahenta: everything the utility holds about the chosen customer,
 * a request to change it (checked here by the same rules the server uses),
 * the requests with their outcome, the password change, the download of all
 * personal data (JSON and PDF) and closing the portal account.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { CheckboxField, FormAlert, Notice, TextField, focusFirstInvalid } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { useActiveCustomer } from '../../lib/active-customer.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Link, navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { AppError } from '../../../../src/lib/errors.ts';
import { CHANGEABLE_FIELDS, MAX_ATTACHMENT_BYTES, validateChange } from '../../../../src/modules/change-requests/rules.ts';

export interface AccountData {
  id: number;
  customerNumber: string;
  kind: string;
  name: string;
  address: string;
  correspondenceAddress: string | null;
  email: string | null;
  phone: string | null;
  nip: string | null;
  pesel: string | null;
  regon: string | null;
  invoiceDelivery: string;
  einvoiceEmail: string | null;
  paymentAccount: string | null;
}

export interface ChangeRequest {
  id: number;
  customerId: number;
  field: string;
  oldValue: string;
  newValue: string;
  note: string;
  hasAttachment: boolean;
  status: 'pending' | 'approved' | 'rejected';
  reason: string | null;
  createdAt: string;
  decidedAt: string | null;
}

export default function Account() {
  const { t } = useLang();
  const { customerId } = useActiveCustomer();
  const base = customerId ? `/api/portal/customers/${customerId}` : null;
  const data = useApi<AccountData>(base && `${base}/account`);
  const requests = useApi<{ items: ChangeRequest[] }>(base && `${base}/change-requests`);
  return (
    <Page title={t('custdata.account.title')}>
      <DataState loaded={data}>{(c) => <Facts c={c} />}</DataState>
      {customerId && (
        <ChangeForm
          customerId={customerId}
          onSent={() => {
            requests.reload();
          }}
        />
      )}
      <section className="card" aria-labelledby="cd-requests">
        <h2 id="cd-requests">{t('custdata.requests.title')}</h2>
        <DataState loaded={requests}>{(r) => <RequestTable items={r.items} />}</DataState>
      </section>
      <section className="card" aria-labelledby="cd-password">
        <h2 id="cd-password">{t('custdata.password.title')}</h2>
        <p>{t('custdata.password.text')}</p>
        <p>
          <Link to="/change-password" className="button button-secondary">
            {t('custdata.password.link')}
          </Link>
        </p>
      </section>
      <section className="card" aria-labelledby="cd-gdpr">
        <h2 id="cd-gdpr">{t('custdata.gdpr.title')}</h2>
        <p>{t('custdata.gdpr.text')}</p>
        <p className="button-row">
          <a className="button button-secondary" href={api.url('/api/portal/personal-data/pdf')} download>
            {t('custdata.gdpr.pdf')}
          </a>{' '}
          <a className="button button-secondary" href={api.url('/api/portal/personal-data')} download>
            {t('custdata.gdpr.json')}
          </a>
        </p>
      </section>
      <CloseAccount />
    </Page>
  );
}

function Facts({ c }: { c: AccountData }) {
  const { t } = useLang();
  const rows: Array<[string, string | null]> = [
    [t('custdata.fields.customer_number'), c.customerNumber],
    [t('custdata.fields.name'), c.name],
    [t('custdata.fields.kind'), t(`custdata.kinds.${c.kind}`, c.kind)],
    [t('custdata.fields.address'), c.address],
    [t('custdata.fields.correspondence_address'), c.correspondenceAddress ?? t('custdata.account.sameAddress')],
    [t('custdata.fields.email'), c.email],
    [t('custdata.fields.phone'), c.phone],
    ['NIP', c.nip],
    ['PESEL', c.pesel],
    ['REGON', c.regon],
    [t('custdata.fields.invoice_delivery'), c.invoiceDelivery === 'einvoice' ? t('custdata.account.einvoice', { email: c.einvoiceEmail ?? '—' }) : t('custdata.account.paper')],
    [t('custdata.fields.payment_account'), c.paymentAccount],
  ];
  return (
    <section className="card" aria-labelledby="cd-data">
      <h2 id="cd-data">{t('custdata.account.held')}</h2>
      <dl className="facts">
        {rows.map(([label, value]) => (
          <div key={label}>
            <dt>{label}</dt>
            <dd>{value || '—'}</dd>
          </div>
        ))}
      </dl>
      <p className="muted">{t('custdata.account.fixedHint')}</p>
    </section>
  );
}

type AddressKey = 'street' | 'building' | 'apartment' | 'postalCode' | 'city';

function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

function ChangeForm({ customerId, onSent }: { customerId: number; onSent(): void }) {
  const { t, lang } = useLang();
  const form = useRef<HTMLFormElement>(null);
  const [field, setField] = useState<string>('email');
  const [value, setValue] = useState('');
  const [address, setAddress] = useState<Record<AddressKey, string>>({ street: '', building: '', apartment: '', postalCode: '', city: '' });
  const [note, setNote] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [problem, setProblem] = useState<{ field: string; text: string } | null>(null);
  const [sent, setSent] = useState(false);
  const { busy, failure, call } = useApiCall();
  const isAddress = field === 'address' || field === 'correspondence_address';
  const setA = (k: AddressKey) => (v: string) => setAddress((a) => ({ ...a, [k]: v }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setSent(false);
    setProblem(null);
    const input = isAddress ? { field, address } : { field, value };
    try {
      validateChange(input);
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      setProblem({ field: String(err.details?.field ?? 'value'), text: err.messages[lang] });
      focusFirstInvalid(form.current);
      return;
    }
    if (file && (file.size > MAX_ATTACHMENT_BYTES || !['application/pdf', 'image/jpeg', 'image/png'].includes(file.type))) {
      setProblem({ field: 'attachment', text: t('custdata.form.attachmentProblem') });
      focusFirstInvalid(form.current);
      return;
    }
    await call(
      async () => {
        const attachment = file ? { name: file.name, data: await readBase64(file) } : undefined;
        await api.post(`/api/portal/customers/${customerId}/change-requests`, { ...input, note: note || undefined, attachment });
        setSent(true);
        setValue('');
        setNote('');
        setFile(null);
        setAddress({ street: '', building: '', apartment: '', postalCode: '', city: '' });
        onSent();
      },
      (err: ApiError) => {
        const f = err.field;
        if (f === 'value' || f === 'address' || f === 'attachment') {
          setProblem({ field: f, text: err.text(lang) });
          focusFirstInvalid(form.current);
          return true;
        }
        return false;
      },
    );
  };
  const err = (f: string) => (problem?.field === f ? problem.text : undefined);

  return (
    <section className="card" aria-labelledby="cd-new">
      <h2 id="cd-new">{t('custdata.form.title')}</h2>
      <p className="muted">{t('custdata.form.intro')}</p>
      {sent && <Notice kind="success">{t('custdata.form.sent')}</Notice>}
      <FormAlert error={failure} />
      <form ref={form} className="form" onSubmit={submit} noValidate>
        <div className="field">
          <label htmlFor="cd-field">{t('custdata.form.field')}</label>
          <select id="cd-field" name="field" value={field} onChange={(e) => { setField(e.target.value); setProblem(null); }}>
            {CHANGEABLE_FIELDS.map((f) => (
              <option key={f} value={f}>
                {t(`custdata.fields.${f}`)}
              </option>
            ))}
          </select>
        </div>
        {isAddress ? (
          <fieldset className={err('address') ? 'field-invalid' : undefined}>
            <legend>{t('custdata.form.newAddress')}</legend>
            <TextField label={t('custdata.form.street')} name="street" value={address.street} onChange={setA('street')} autoComplete="address-line1" />
            <TextField label={t('custdata.form.building')} name="building" value={address.building} onChange={setA('building')} required aria-invalid={err('address') ? true : undefined} />
            <TextField label={t('custdata.form.apartment')} name="apartment" value={address.apartment} onChange={setA('apartment')} />
            <TextField label={t('custdata.form.postalCode')} name="postalCode" value={address.postalCode} onChange={setA('postalCode')} inputMode="numeric" autoComplete="postal-code" hint="00-000" required />
            <TextField label={t('custdata.form.city')} name="city" value={address.city} onChange={setA('city')} autoComplete="address-level2" required error={err('address')} />
          </fieldset>
        ) : (
          <TextField
            label={t('custdata.form.newValue')}
            name="value"
            value={value}
            onChange={setValue}
            type={field === 'email' ? 'email' : 'text'}
            inputMode={field === 'phone' ? 'tel' : undefined}
            autoComplete={field === 'email' ? 'email' : field === 'phone' ? 'tel' : 'name'}
            error={err('value')}
            required
          />
        )}
        <div className="field">
          <label htmlFor="cd-note">{t('custdata.form.note')}</label>
          <textarea id="cd-note" name="note" rows={3} maxLength={1000} value={note} onChange={(e) => setNote(e.target.value)} />
        </div>
        <div className={`field${err('attachment') ? ' field-invalid' : ''}`}>
          <label htmlFor="cd-file">{t('custdata.form.attachment')}</label>
          <div id="cd-file-hint" className="hint">
            {t('custdata.form.attachmentHint')}
          </div>
          <input
            id="cd-file"
            name="attachment"
            type="file"
            accept="application/pdf,image/jpeg,image/png"
            aria-describedby={err('attachment') ? 'cd-file-hint cd-file-error' : 'cd-file-hint'}
            aria-invalid={err('attachment') ? true : undefined}
            onChange={(e) => setFile(e.target.files?.[0] ?? null)}
          />
          {err('attachment') && (
            <p id="cd-file-error" className="error-text">
              {err('attachment')}
            </p>
          )}
        </div>
        <button type="submit" className="button" disabled={busy}>
          {t('custdata.form.submit')}
        </button>
      </form>
    </section>
  );
}

export function RequestTable({ items, extra }: { items: ChangeRequest[]; extra?: (r: ChangeRequest) => React.ReactNode }) {
  const { t, lang } = useLang();
  return (
    <DataTable
      caption={t('custdata.requests.title')}
      columns={[t('custdata.requests.date'), t('custdata.requests.field'), t('custdata.requests.newValue'), t('custdata.requests.status'), t('custdata.requests.decision')]}
      items={items}
      ifEmpty={<p className="muted">{t('custdata.requests.none')}</p>}
      row={(r) => (
        <tr key={r.id}>
          <td data-label={t('custdata.requests.date')}>{formatDateTime(r.createdAt, lang)}</td>
          <td data-label={t('custdata.requests.field')}>{t(`custdata.fields.${r.field}`, r.field)}</td>
          <td data-label={t('custdata.requests.newValue')}>{r.newValue}</td>
          <td data-label={t('custdata.requests.status')}>
            <span className={`badge ${r.status === 'approved' ? 'badge-active' : r.status === 'rejected' ? 'badge-danger' : 'badge-warning'}`}>{t(`custdata.status.${r.status}`)}</span>
          </td>
          <td data-label={t('custdata.requests.decision')}>
            {r.decidedAt ? formatDateTime(r.decidedAt, lang) : '—'}
            {r.reason && <div>{t('custdata.requests.reason', { reason: r.reason })}</div>}
            {extra?.(r)}
          </td>
        </tr>
      )}
    />
  );
}

function CloseAccount() {
  const { t } = useLang();
  const { refresh } = useSession();
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState('');
  const [sure, setSure] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const { busy, failure, call } = useApiCall();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!sure || !password) {
      setProblem(t('custdata.close.confirmNeeded'));
      return;
    }
    setProblem(undefined);
    await call(async () => {
      await api.post('/api/portal/account/close', { password });
      await refresh();
      navigate('/login?closed=1');
    });
  };
  return (
    <section className="card" aria-labelledby="cd-close">
      <h2 id="cd-close">{t('custdata.close.title')}</h2>
      <p>{t('custdata.close.text')}</p>
      {!open ? (
        <button type="button" className="button button-secondary" onClick={() => setOpen(true)}>
          {t('custdata.close.start')}
        </button>
      ) : (
        <form className="form" onSubmit={submit} noValidate>
          <FormAlert error={failure}>{problem}</FormAlert>
          <TextField label={t('custdata.close.password')} name="password" type="password" autoComplete="current-password" value={password} onChange={setPassword} required />
          <CheckboxField label={t('custdata.close.sure')} name="sure" checked={sure} onChange={setSure} />
          <div className="button-row">
            <button type="submit" className="button" disabled={busy}>
              {t('custdata.close.submit')}
            </button>{' '}
            <button type="button" className="button button-secondary" onClick={() => setOpen(false)}>
              {t('custdata.close.cancel')}
            </button>
          </div>
        </form>
      )}
    </section>
  );
}
