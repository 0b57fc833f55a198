/**
 * The utility's KSeF page (/staff/ksef): the configuration (the admin edits
 * it and runs the check; a token or key once saved is never shown again; the
 * offline certificate that signs KOD II of invoices issued offline),
 * invoices by state, the recent sessions, the invoices waiting, rejected
 * or offline, with KSeF's code and text for the rejected ones, and the
 * accepted invoices whose UPO did not validate (code ksef.upo_invalid).
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { mayAccess } from '../../access.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { CheckboxField, FormAlert, Notice, TextField } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';

interface Settings {
  configured: boolean;
  environment: 'test' | 'demo' | 'production' | null;
  sellerNip: string | null;
  authMethod: 'token' | 'certificate' | null;
  hasToken: boolean;
  certificate: { subject: string; validTo: string } | null;
  offlineCertificate: { subject: string; validTo: string; serialNumber: string } | null;
  includeConsumers: boolean;
  offline24: boolean;
  lastCheck: { at: string; code: string; text: string | null } | null;
}

interface Overview {
  counts: Record<string, number>;
  offlineWithoutCode: number;
  sessions: { id: number; kind: string; referenceNumber: string | null; state: string; statusCode: number | null; statusText: string | null; invoiceCount: number; createdAt: string }[];
  invoices: { invoiceId: number; invoiceNumber: string; state: string; offline: boolean; statusCode: number | null; statusText: string | null; updatedAt: string }[];
  upoInvalid: number;
  upoInvalidInvoices: { invoiceId: number; invoiceNumber: string; ksefNumber: string; issue: { code: string; pl: string; en: string; detail: string | null }; attempts: number }[];
}

function SettingsForm({ s, onSaved }: { s: Settings; onSaved(): void }) {
  const { t } = useLang();
  const [environment, setEnvironment] = useState(s.environment ?? 'test');
  const [sellerNip, setSellerNip] = useState(s.sellerNip ?? '');
  const [authMethod, setAuthMethod] = useState(s.authMethod ?? 'certificate');
  const [token, setToken] = useState('');
  const [certificatePem, setCert] = useState('');
  const [privateKeyPem, setKey] = useState('');
  const [offlineCertificatePem, setOfflineCert] = useState('');
  const [offlinePrivateKeyPem, setOfflineKey] = useState('');
  const [removeOffline, setRemoveOffline] = useState(false);
  const [includeConsumers, setConsumers] = useState(s.includeConsumers);
  const [offline24, setOffline24] = useState(s.offline24);
  const [error, setError] = useState<ApiError | null>(null);
  const [saved, setSaved] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    setSaved(false);
    try {
      await api.put('/api/staff/ksef/settings', {
        environment,
        sellerNip: sellerNip.replace(/\D/g, ''),
        authMethod,
        ...(authMethod === 'token' && token ? { token } : {}),
        ...(authMethod === 'certificate' && certificatePem ? { certificatePem, privateKeyPem } : {}),
        ...(offlineCertificatePem || offlinePrivateKeyPem ? { offlineCertificatePem, offlinePrivateKeyPem } : {}),
        ...(removeOffline ? { removeOfflineCertificate: true } : {}),
        includeConsumers,
        offline24,
      });
      setToken('');
      setKey('');
      setOfflineKey('');
      setOfflineCert('');
      setRemoveOffline(false);
      setSaved(true);
      onSaved();
    } catch (err) {
      setError(err instanceof ApiError ? err : null);
    }
  };
  return (
    <form onSubmit={submit} noValidate>
      <FormAlert error={error} />
      {saved && <Notice kind="success">{t('ksef.settings.saved')}</Notice>}
      <div className="field">
        <label htmlFor="ksef-env">{t('ksef.settings.environment')}</label>
        <select id="ksef-env" value={environment} onChange={(e) => setEnvironment(e.target.value as 'test')}>
          {(['test', 'demo', 'production'] as const).map((e) => (
            <option key={e} value={e}>
              {t(`ksef.environments.${e}`)}
            </option>
          ))}
        </select>
      </div>
      <TextField label={t('ksef.settings.sellerNip')} name="sellerNip" value={sellerNip} onChange={setSellerNip} inputMode="numeric" />
      <div className="field">
        <label htmlFor="ksef-auth">{t('ksef.settings.authMethod')}</label>
        <select id="ksef-auth" value={authMethod} onChange={(e) => setAuthMethod(e.target.value as 'token')}>
          <option value="certificate">{t('ksef.settings.certificate')}</option>
          <option value="token">{t('ksef.settings.token')}</option>
        </select>
      </div>
      {authMethod === 'token' ? (
        <TextField label={t('ksef.settings.tokenValue')} name="token" value={token} onChange={setToken} type="password" autoComplete="off" hint={s.hasToken ? t('ksef.settings.keepSecret') : undefined} />
      ) : (
        <>
          <div className="field">
            <label htmlFor="ksef-cert">{t('ksef.settings.certificatePem')}</label>
            {s.certificate && <div className="hint">{t('ksef.settings.currentCertificate', { subject: s.certificate.subject, until: s.certificate.validTo.slice(0, 10) })}</div>}
            <textarea id="ksef-cert" rows={4} value={certificatePem} onChange={(e) => setCert(e.target.value)} />
          </div>
          <div className="field">
            <label htmlFor="ksef-key">{t('ksef.settings.privateKeyPem')}</label>
            <div className="hint">{t('ksef.settings.keepSecret')}</div>
            <textarea id="ksef-key" rows={4} value={privateKeyPem} onChange={(e) => setKey(e.target.value)} autoComplete="off" />
          </div>
        </>
      )}
      <fieldset className="field">
        <legend>{t('ksef.settings.offlineHeading')}</legend>
        <p className="hint">{t('ksef.settings.offlineHelp')}</p>
        {s.offlineCertificate ? (
          <p>{t('ksef.settings.currentOfflineCertificate', { subject: s.offlineCertificate.subject, serial: s.offlineCertificate.serialNumber, until: s.offlineCertificate.validTo.slice(0, 10) })}</p>
        ) : (
          <Notice kind="warning">{t('ksef.settings.noOfflineCertificate')}</Notice>
        )}
        <div className="field">
          <label htmlFor="ksef-offline-cert">{t('ksef.settings.offlineCertificatePem')}</label>
          <textarea id="ksef-offline-cert" rows={4} value={offlineCertificatePem} onChange={(e) => setOfflineCert(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor="ksef-offline-key">{t('ksef.settings.offlinePrivateKeyPem')}</label>
          <div className="hint">{t('ksef.settings.keepSecret')}</div>
          <textarea id="ksef-offline-key" rows={4} value={offlinePrivateKeyPem} onChange={(e) => setOfflineKey(e.target.value)} autoComplete="off" />
        </div>
        {s.offlineCertificate && <CheckboxField label={t('ksef.settings.removeOfflineCertificate')} name="removeOfflineCertificate" checked={removeOffline} onChange={setRemoveOffline} />}
      </fieldset>
      <CheckboxField label={t('ksef.settings.includeConsumers')} name="includeConsumers" checked={includeConsumers} onChange={setConsumers} />
      <CheckboxField label={t('ksef.settings.offline24')} name="offline24" checked={offline24} onChange={setOffline24} />
      <button type="submit" className="button">
        {t('ksef.settings.save')}
      </button>
    </form>
  );
}

export default function KsefPage() {
  const { t, lang } = useLang();
  const { user } = useSession();
  const isAdmin = mayAccess('staff:admin', user);
  const settings = useApi<Settings>('/api/staff/ksef/settings');
  const overview = useApi<Overview>('/api/staff/ksef/overview');
  const [check, setCheck] = useState<{ ok: boolean; code: string; text: string } | null>(null);
  const [error, setError] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const runCheck = async () => {
    setBusy(true);
    setError(null);
    try {
      setCheck(await api.post('/api/staff/ksef/check'));
      settings.reload();
    } catch (err) {
      setError(err instanceof ApiError ? err : null);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Page title={t('ksef.title')} wide>
      <section className="card" aria-labelledby="ksef-settings">
        <h2 id="ksef-settings">{t('ksef.settings.heading')}</h2>
        <DataState loaded={settings}>
          {(s) => (
            <>
              {!s.configured && <Notice kind="warning">{t('ksef.settings.off')}</Notice>}
              {s.lastCheck && (
                <p>
                  {t('ksef.settings.lastCheck', { at: formatDateTime(s.lastCheck.at, lang) })} <code>{s.lastCheck.code}</code> {s.lastCheck.text}
                </p>
              )}
              <FormAlert error={error} />
              {check && <Notice kind={check.ok ? 'success' : 'warning'}>{check.ok ? t('ksef.check.ok') : t('ksef.check.failed', { code: check.code, text: check.text })}</Notice>}
              {isAdmin && s.configured && (
                <p>
                  <button type="button" className="button button-secondary" onClick={runCheck} disabled={busy}>
                    {t('ksef.check.button')}
                  </button>
                </p>
              )}
              {isAdmin && <SettingsForm s={s} onSaved={settings.reload} />}
            </>
          )}
        </DataState>
      </section>
      <DataState loaded={overview}>
        {(o) => (
          <>
            <section className="card" aria-labelledby="ksef-counts">
              <h2 id="ksef-counts">{t('ksef.counts.heading')}</h2>
              {o.offlineWithoutCode > 0 && <Notice kind="warning">{t('ksef.counts.offlineWithoutCode', { count: o.offlineWithoutCode })}</Notice>}
              <dl className="facts">
                {(['queued', 'sending', 'accepted', 'rejected', 'offline'] as const).map((k) => (
                  <div key={k}>
                    <dt>{t(`ksef.states.${k}`)}</dt>
                    <dd>{o.counts[k] ?? 0}</dd>
                  </div>
                ))}
                <div>
                  <dt>{t('ksef.counts.upoInvalid')}</dt>
                  <dd>{o.upoInvalid}</dd>
                </div>
              </dl>
            </section>
            <section className="card" aria-labelledby="ksef-waiting">
              <h2 id="ksef-waiting">{t('ksef.waiting.heading')}</h2>
              <DataTable
                caption={t('ksef.waiting.heading')}
                columns={[t('ksef.waiting.invoice'), t('ksef.waiting.state'), t('ksef.waiting.reason'), t('ksef.waiting.updated')]}
                items={o.invoices}
                ifEmpty={<p>{t('ksef.waiting.none')}</p>}
                row={(i) => (
                  <tr key={i.invoiceId}>
                    <th scope="row" data-label={t('ksef.waiting.invoice')}>
                      <Link to={`/staff/invoices/${i.invoiceId}`}>{i.invoiceNumber}</Link>
                    </th>
                    <td data-label={t('ksef.waiting.state')}>{t(`ksef.states.${i.state}`)}</td>
                    <td data-label={t('ksef.waiting.reason')}>{i.statusCode !== null || i.statusText ? `${i.statusCode ?? ''} ${i.statusText ?? ''}` : '—'}</td>
                    <td data-label={t('ksef.waiting.updated')}>{formatDateTime(i.updatedAt, lang)}</td>
                  </tr>
                )}
              />
            </section>
            <section className="card" aria-labelledby="ksef-upo-invalid">
              <h2 id="ksef-upo-invalid">{t('ksef.upoInvalid.heading')}</h2>
              {o.upoInvalidInvoices.length > 0 && <p className="hint">{t('ksef.upoInvalid.help')}</p>}
              <DataTable
                caption={t('ksef.upoInvalid.heading')}
                columns={[t('ksef.waiting.invoice'), t('ksef.upoInvalid.ksefNumber'), t('ksef.upoInvalid.problem'), t('ksef.upoInvalid.attempts')]}
                items={o.upoInvalidInvoices}
                ifEmpty={<p>{t('ksef.upoInvalid.none')}</p>}
                row={(i) => (
                  <tr key={i.invoiceId}>
                    <th scope="row" data-label={t('ksef.waiting.invoice')}>
                      <Link to={`/staff/invoices/${i.invoiceId}`}>{i.invoiceNumber}</Link>
                    </th>
                    <td data-label={t('ksef.upoInvalid.ksefNumber')} className="break">
                      {i.ksefNumber}
                    </td>
                    <td data-label={t('ksef.upoInvalid.problem')} className="break">
                      <code>{i.issue.code}</code> {lang === 'pl' ? i.issue.pl : i.issue.en}
                      {i.issue.detail && <div className="muted small">{t('ksef.upoInvalid.validator', { message: i.issue.detail })}</div>}
                    </td>
                    <td data-label={t('ksef.upoInvalid.attempts')}>{i.attempts}</td>
                  </tr>
                )}
              />
            </section>
            <section className="card" aria-labelledby="ksef-sessions">
              <h2 id="ksef-sessions">{t('ksef.sessions.heading')}</h2>
              <DataTable
                caption={t('ksef.sessions.heading')}
                columns={[t('ksef.sessions.reference'), t('ksef.sessions.kind'), t('ksef.sessions.state'), t('ksef.sessions.invoices'), t('ksef.sessions.created')]}
                items={o.sessions}
                ifEmpty={<p>{t('ksef.sessions.none')}</p>}
                row={(s) => (
                  <tr key={s.id}>
                    <th scope="row" data-label={t('ksef.sessions.reference')}>
                      {s.referenceNumber ?? '—'}
                    </th>
                    <td data-label={t('ksef.sessions.kind')}>{t(`ksef.sessions.kinds.${s.kind}`)}</td>
                    <td data-label={t('ksef.sessions.state')}>
                      {t(`ksef.sessions.states.${s.state}`)}
                      {s.statusCode !== null && <div className="muted small">{`${s.statusCode} ${s.statusText ?? ''}`}</div>}
                    </td>
                    <td data-label={t('ksef.sessions.invoices')}>{s.invoiceCount}</td>
                    <td data-label={t('ksef.sessions.created')}>{formatDateTime(s.createdAt, lang)}</td>
                  </tr>
                )}
              />
            </section>
          </>
        )}
      </DataState>
    </Page>
  );
}
