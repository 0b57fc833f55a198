/**
 * The e-invoice section of the staff customer view: status, the saving, the
 * consent history (with the scans of paper forms), and, for the customer
 * service desk, recording the consent of a signed paper form (a customer who
 * is not registered in the portal) or a withdrawal.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { mayAccess } from '../../access.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { CheckboxField, FormAlert, Notice, TextField } from '../../components/forms.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatDateTime } from '../../lib/format.ts';
import { useSession } from '../../session.tsx';
import { ConsentStatus, SavingTable, todayInPoland } from './parts.tsx';
import type { StaffEinvoiceStatus } from './types.ts';

/** The file as base64 (without the data: prefix). */
function readBase64(file: File): Promise<string> {
  return new Promise((resolve, reject) => {
    const r = new FileReader();
    r.onload = () => resolve(String(r.result).replace(/^data:[^,]*,/, ''));
    r.onerror = () => reject(r.error);
    r.readAsDataURL(file);
  });
}

/** `onChange` lets the customer view reload what it shows (the customer's invoice delivery). */
export default function StaffEinvoiceSection({ customerId, onChange }: { customerId: number; onChange?: () => void }) {
  const { t, lang } = useLang();
  const { user } = useSession();
  const path = `/api/staff/customers/${customerId}/einvoice`;
  const data = useApi<StaffEinvoiceStatus>(path);
  const desk = mayAccess('staff:admin,customer_service', user);
  const s = (k: string, o?: Record<string, unknown>) => t(`einvoice.staffSection.${k}`, o);
  const today = todayInPoland();
  const [signedOn, setSignedOn] = useState(today);
  const [byEmail, setByEmail] = useState(true);
  const [email, setEmail] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [errors, setErrors] = useState<{ file?: string; confirm?: string }>({});
  const [done, setDone] = useState<string | null>(null);
  const { busy, failure, call } = useApiCall();

  const record = (termsId: number) => (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    const errs = { file: file ? undefined : s('scanRequired'), confirm: confirm ? undefined : t('einvoice.acceptRequired') };
    setErrors(errs);
    if (errs.file || errs.confirm) return;
    void call(async () => {
      await api.post(path, { termsVersionId: termsId, byEmail, ...(email.trim() ? { email: email.trim() } : {}), signedOn, scan: await readBase64(file!) });
      setDone(s('saved'));
      setFile(null);
      setConfirm(false);
      data.reload();
      onChange?.();
    });
  };
  const withdraw = () =>
    call(async () => {
      await api.post(`${path}/withdraw`);
      setDone(s('withdrawn'));
      data.reload();
      onChange?.();
    });

  return (
    <section className="card einvoice-section" aria-labelledby="einvoice-section">
      <h2 id="einvoice-section">{s('title')}</h2>
      {done && <Notice kind="success">{done}</Notice>}
      <FormAlert error={failure} />
      <DataState loaded={data}>
        {({ status, history }) => (
          <>
            <ConsentStatus status={status} />
            <SavingTable savings={status.savings} />
            <h3>{s('history')}</h3>
            <DataTable
              caption={s('historyCaption')}
              columns={[s('granted'), s('source'), t('einvoice.delivery'), s('effective'), s('withdrawnCol'), s('form')]}
              items={history}
              ifEmpty={<p className="muted">—</p>}
              row={(c) => (
                <tr key={c.id}>
                  <th scope="row" data-label={s('granted')}>
                    {formatDateTime(c.grantedAt, lang)}
                    {c.acceptedFromIp && <div className="muted">IP {c.acceptedFromIp}</div>}
                  </th>
                  <td data-label={s('source')}>{s(`sources.${c.source}`)}</td>
                  <td data-label={t('einvoice.delivery')}>{c.byEmail ? `${t('einvoice.byEmailStaff')}${c.email ? ` (${c.email})` : ''}` : t('einvoice.portalOnly')}</td>
                  <td data-label={s('effective')}>{formatDate(c.effectiveFrom, lang)}</td>
                  <td data-label={s('withdrawnCol')}>{c.withdrawnAt ? `${formatDateTime(c.withdrawnAt, lang)} (${formatDate(c.withdrawnEffectiveFrom, lang)})` : '—'}</td>
                  <td data-label={s('form')}>
                    {c.hasForm ? (
                      <a href={api.url(`/api/staff/einvoice-consents/${c.id}/form`)} target="_blank" rel="noopener">
                        {s('showForm')}
                      </a>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              )}
            />
            {desk && status.consent && (
              <div className="button-row">
                <button type="button" className="button button-secondary" onClick={() => void withdraw()} disabled={busy}>
                  {s('withdraw')}
                </button>
              </div>
            )}
            {desk && !status.consent && status.terms && (
              <form onSubmit={record(status.terms.id)} noValidate aria-labelledby="einvoice-record">
                <h3 id="einvoice-record">{s('record')}</h3>
                <TextField label={s('signedOn')} name="signedOn" type="date" value={signedOn} max={today} onChange={setSignedOn} required />
                <fieldset className="field">
                  <legend>{t('einvoice.delivery')}</legend>
                  <div className="field-check">
                    <input type="radio" id="paper-portal" name="paper-delivery" checked={!byEmail} onChange={() => setByEmail(false)} />
                    <label htmlFor="paper-portal">{t('einvoice.portalOnly')}</label>
                  </div>
                  <div className="field-check">
                    <input type="radio" id="paper-email" name="paper-delivery" checked={byEmail} onChange={() => setByEmail(true)} />
                    <label htmlFor="paper-email">{t('einvoice.byEmailStaff')}</label>
                  </div>
                </fieldset>
                {byEmail && <TextField label={s('email')} name="email" type="email" value={email} onChange={setEmail} hint={s('emailHint')} />}
                <div className={`field${errors.file ? ' field-invalid' : ''}`}>
                  <label htmlFor="einvoice-scan">{s('scan')}</label>
                  <input
                    id="einvoice-scan"
                    type="file"
                    accept="application/pdf,image/jpeg,image/png"
                    onChange={(e) => setFile(e.target.files?.[0] ?? null)}
                    aria-invalid={errors.file ? true : undefined}
                    aria-describedby={errors.file ? 'einvoice-scan-error' : undefined}
                  />
                  {errors.file && (
                    <p id="einvoice-scan-error" className="error-text">
                      {errors.file}
                    </p>
                  )}
                </div>
                <CheckboxField name="confirm" label={s('confirmTerms', { version: status.terms.version })} checked={confirm} onChange={setConfirm} error={errors.confirm} />
                <div className="button-row">
                  <button type="submit" className="button" disabled={busy}>
                    {s('save')}
                  </button>
                </div>
              </form>
            )}
          </>
        )}
      </DataState>
    </section>
  );
}
