/**
 * The staff customer view's portal section: the customer's portal users
 * (with password reset by e-mail, lock and unlock), adding a portal user,
 * printing an activation letter, the data-change requests and the consents.
 * Buttons only for customer service and admin; others read.
 */
import { useState, type FormEvent } from 'react';
import { api, basePrefix, readCookie, ApiError } from '../../../api/client.ts';
import { useApiCall } from '../../../api/useApiCall.ts';
import { mayAccess } from '../../../access.ts';
import { DataState, DataTable, useApi } from '../../../components/data.tsx';
import { FormAlert, Notice, TextField } from '../../../components/forms.tsx';
import { useLang } from '../../../i18n/index.ts';
import { formatDate, formatDateTime } from '../../../lib/format.ts';
import { useSession } from '../../../session.tsx';
import { RequestTable, type ChangeRequest } from '../../customer/Account.tsx';

interface StaffAccount {
  portalUsers: Array<{ id: number; email: string; name: string; verified: boolean; locked: boolean; mustChangePassword: boolean; lastLoginAt: string | null; createdAt: string; customerCount: number }>;
  termsAcceptances: Array<{ kind: string; version: string; acceptedAt: string; userId: number | null }>;
  einvoiceConsents: Array<{ email: string | null; grantedAt: string; effectiveFrom: string; withdrawnAt: string | null }>;
}

/** The activation letter is a PDF answer to a POST: fetched as a file and handed to the browser to save. */
async function downloadLetter(customerId: string): Promise<void> {
  const res = await fetch(`${basePrefix()}/api/staff/customers/${encodeURIComponent(customerId)}/activation-letter`, {
    method: 'POST',
    credentials: 'same-origin',
    headers: { 'content-type': 'application/json', 'x-csrf-token': readCookie('wodnik_csrf') ?? '' },
    body: '{}',
  });
  if (!res.ok) {
    const e = (await res.json().catch(() => undefined))?.error;
    throw new ApiError(res.status, e?.code ?? `http.${res.status}`, e?.messages ?? { pl: `Błąd serwera (${res.status}).`, en: `Server error (${res.status}).` });
  }
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? 'kod-aktywacyjny.pdf';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function CustomerAccountSection({ customerId }: { customerId: string }) {
  const { t, lang } = useLang();
  const { user } = useSession();
  const canAct = !!user && mayAccess('staff:admin,customer_service', user);
  const account = useApi<StaffAccount>(`/api/staff/customers/${encodeURIComponent(customerId)}/account`);
  const requests = useApi<{ items: ChangeRequest[] }>('/api/staff/change-requests', { customerId, limit: 100 });
  const [done, setDone] = useState<string | null>(null);
  const { busy, failure, call } = useApiCall();
  const act = (path: string, msg: string) =>
    call(async () => {
      setDone(null);
      await api.post(`/api/staff/customers/${encodeURIComponent(customerId)}/portal-users/${path}`);
      setDone(msg);
      account.reload();
    });

  return (
    <section className="card" aria-labelledby="cd-portal">
      <h2 id="cd-portal">{t('custdata.staff.title')}</h2>
      {done && <Notice kind="success">{done}</Notice>}
      <FormAlert error={failure} />
      {canAct && (
        <p className="button-row">
          <button type="button" className="button button-secondary" disabled={busy} onClick={() => call(async () => { setDone(null); await downloadLetter(customerId); setDone(t('custdata.staff.letterDone')); })}>
            {t('custdata.staff.letter')}
          </button>
        </p>
      )}
      <h3>{t('custdata.staff.users')}</h3>
      <DataState loaded={account}>
        {(a) => (
          <>
            <DataTable
              caption={t('custdata.staff.users')}
              columns={[t('custdata.fields.email'), t('custdata.staff.state'), t('custdata.staff.lastLogin'), t('custdata.queue.actions')]}
              items={a.portalUsers}
              ifEmpty={<p className="muted">{t('custdata.staff.noUsers')}</p>}
              row={(u) => (
                <tr key={u.id}>
                  <td data-label={t('custdata.fields.email')}>
                    {u.email}
                    {u.customerCount > 1 && <div className="muted">{t('custdata.staff.customers', { count: u.customerCount })}</div>}
                  </td>
                  <td data-label={t('custdata.staff.state')}>
                    <span className={`badge ${u.locked ? 'badge-danger' : 'badge-active'}`}>{u.locked ? t('custdata.staff.locked') : t('custdata.staff.active')}</span>
                    {!u.verified && <div className="muted">{t('custdata.staff.unverified')}</div>}
                  </td>
                  <td data-label={t('custdata.staff.lastLogin')}>{formatDateTime(u.lastLoginAt, lang)}</td>
                  <td data-label={t('custdata.queue.actions')}>
                    {canAct ? (
                      <div className="button-row">
                        {!u.locked && (
                          <button type="button" className="button button-secondary" disabled={busy} onClick={() => act(`${u.id}/password-reset`, t('custdata.staff.resetDone', { email: u.email }))}>
                            {t('custdata.staff.reset')}
                          </button>
                        )}{' '}
                        {u.locked ? (
                          <button type="button" className="button button-secondary" disabled={busy} onClick={() => act(`${u.id}/unlock`, t('custdata.staff.unlockDone', { email: u.email }))}>
                            {t('custdata.staff.unlock')}
                          </button>
                        ) : (
                          <button type="button" className="button button-secondary" disabled={busy} onClick={() => act(`${u.id}/lock`, t('custdata.staff.lockDone', { email: u.email }))}>
                            {t('custdata.staff.lock')}
                          </button>
                        )}
                      </div>
                    ) : (
                      '—'
                    )}
                  </td>
                </tr>
              )}
            />
            {canAct && <AddPortalUser customerId={customerId} onDone={(m) => { setDone(m); account.reload(); }} />}
            <h3 style={{ marginTop: '1.5rem' }}>{t('custdata.staff.consents')}</h3>
            {a.termsAcceptances.length === 0 && a.einvoiceConsents.length === 0 ? (
              <p className="muted">{t('custdata.staff.noConsents')}</p>
            ) : (
              <ul>
                {a.termsAcceptances.map((x, i) => (
                  <li key={`t${i}`}>{t('custdata.staff.termsAccepted', { kind: t(`custdata.terms.${x.kind}`, x.kind), version: x.version, at: formatDateTime(x.acceptedAt, lang) })}</li>
                ))}
                {a.einvoiceConsents.map((x, i) => (
                  <li key={`e${i}`}>
                    {t('custdata.staff.einvoice', { email: x.email ?? '—', from: formatDate(x.effectiveFrom, lang) })}
                    {x.withdrawnAt && ` ${t('custdata.staff.withdrawn', { at: formatDateTime(x.withdrawnAt, lang) })}`}
                  </li>
                ))}
              </ul>
            )}
          </>
        )}
      </DataState>
      <h3 style={{ marginTop: '1.5rem' }}>{t('custdata.requests.title')}</h3>
      <DataState loaded={requests}>{(r) => <RequestTable items={r.items} />}</DataState>
    </section>
  );
}

function AddPortalUser({ customerId, onDone }: { customerId: string; onDone(msg: string): void }) {
  const { t } = useLang();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const { busy, failure, call } = useApiCall();
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    await call(async () => {
      const r = await api.post<{ created: boolean }>(`/api/staff/customers/${encodeURIComponent(customerId)}/portal-users`, { email, password: password || undefined });
      setEmail('');
      setPassword('');
      onDone(r.created ? t('custdata.staff.userCreated') : t('custdata.staff.userLinked'));
    });
  };
  return (
    <form className="form" onSubmit={submit} noValidate aria-labelledby="cd-add-user">
      <h3 id="cd-add-user" style={{ marginTop: '1.5rem' }}>{t('custdata.staff.addUser')}</h3>
      <FormAlert error={failure} />
      <TextField label={t('custdata.fields.email')} name="email" type="email" autoComplete="off" value={email} onChange={setEmail} required />
      <TextField label={t('custdata.staff.firstPassword')} name="password" type="password" autoComplete="new-password" value={password} onChange={setPassword} hint={t('custdata.staff.firstPasswordHint')} />
      <button type="submit" className="button" disabled={busy}>
        {t('custdata.staff.addUserSubmit')}
      </button>
    </form>
  );
}
