/**
 * The administrator's online payment settings (/staff/online-payments):
 * provider (off, Przelewy24, PayU), environment, identifiers and the
 * secrets, which the server seals and never shows again (a field left empty
 * keeps the stored value); below it, the providers' last notifications,
 * accepted or refused with the reason.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert, Notice, TextField } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { ConfigView, NotificationEntry } from './types.ts';

const SECRETS = { p24: ['apiKey', 'crc'], payu: ['clientSecret', 'secondKey'] } as const;
type Form = Omit<ConfigView, 'secretsSet' | 'updatedAt' | 'simulatorAllowed' | 'baseUrl'> & { baseUrl: string; secrets: Record<string, string> };

export default function StaffConfig() {
  const { t } = useLang();
  const config = useApi<ConfigView>('/api/staff/online-payments/config');
  const log = useApi<{ items: NotificationEntry[] }>('/api/staff/online-payments/notifications');
  return (
    <Page title={t('onlinePay.staff.title')} wide>
      <DataState loaded={config}>{(c) => <ConfigForm current={c} onSaved={config.reload} />}</DataState>
      <h2>{t('onlinePay.staff.logTitle')}</h2>
      <DataState loaded={log}>{(l) => <NotificationLog items={l.items} />}</DataState>
    </Page>
  );
}

function ConfigForm({ current, onSaved }: { current: ConfigView; onSaved(): void }) {
  const { t } = useLang();
  const { busy, failure, call } = useApiCall();
  const [saved, setSaved] = useState(false);
  const initial = (): Form => ({ provider: current.provider, environment: current.environment, baseUrl: current.baseUrl ?? '', merchantId: current.merchantId, posId: current.posId, clientId: current.clientId, secrets: {} });
  const [f, setF] = useState<Form>(initial);
  useEffect(() => setF(initial()), [current]); // eslint-disable-line react-hooks/exhaustive-deps
  const set = (patch: Partial<Form>) => {
    setSaved(false);
    setF((x) => ({ ...x, ...patch }));
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    void call(async () => {
      await api.put('/api/staff/online-payments/config', {
        provider: f.provider,
        environment: f.environment,
        baseUrl: f.environment === 'simulator' ? f.baseUrl : null,
        merchantId: f.merchantId,
        posId: f.posId,
        clientId: f.clientId,
        secrets: f.secrets,
      });
      setSaved(true);
      onSaved();
    });
  };
  return (
    <form onSubmit={submit} noValidate>
      <p>{current.provider === 'off' ? t('onlinePay.staff.isOff') : t('onlinePay.staff.isOn', { provider: t(`onlinePay.provider.${current.provider}`) })}</p>
      <div className="field">
        <label htmlFor="op-provider">{t('onlinePay.staff.provider')}</label>
        <select id="op-provider" value={f.provider} onChange={(e) => set({ provider: e.target.value as Form['provider'], secrets: {} })}>
          {(['off', 'p24', 'payu'] as const).map((p) => (
            <option key={p} value={p}>
              {t(`onlinePay.provider.${p}`)}
            </option>
          ))}
        </select>
      </div>
      {f.provider !== 'off' && (
        <>
          <div className="field">
            <label htmlFor="op-env">{t('onlinePay.staff.environment')}</label>
            <select id="op-env" value={f.environment} onChange={(e) => set({ environment: e.target.value as Form['environment'] })}>
              <option value="sandbox">{t('onlinePay.staff.env.sandbox')}</option>
              <option value="production">{t('onlinePay.staff.env.production')}</option>
              {(current.simulatorAllowed || f.environment === 'simulator') && <option value="simulator">{t('onlinePay.staff.env.simulator')}</option>}
            </select>
          </div>
          {f.environment === 'simulator' && <TextField label={t('onlinePay.staff.baseUrl')} name="baseUrl" value={f.baseUrl} onChange={(v) => set({ baseUrl: v })} hint={t('onlinePay.staff.baseUrlHint')} />}
          {f.provider === 'p24' && <TextField label={t('onlinePay.staff.merchantId')} name="merchantId" value={f.merchantId} onChange={(v) => set({ merchantId: v })} inputMode="numeric" />}
          <TextField label={t(`onlinePay.staff.posId.${f.provider}`)} name="posId" value={f.posId} onChange={(v) => set({ posId: v })} inputMode="numeric" />
          {f.provider === 'payu' && <TextField label={t('onlinePay.staff.clientId')} name="clientId" value={f.clientId} onChange={(v) => set({ clientId: v })} />}
          {SECRETS[f.provider].map((name) => (
            <TextField
              key={name}
              type="password"
              autoComplete="off"
              label={t(`onlinePay.staff.secret.${name}`)}
              name={name}
              value={f.secrets[name] ?? ''}
              onChange={(v) => set({ secrets: { ...f.secrets, [name]: v } })}
              hint={current.provider === f.provider && current.secretsSet.includes(name) ? t('onlinePay.staff.secretKept') : undefined}
            />
          ))}
        </>
      )}
      <FormAlert error={failure} />
      {saved && <Notice kind="success">{t('onlinePay.staff.saved')}</Notice>}
      <button type="submit" className="button" disabled={busy}>
        {t('onlinePay.staff.save')}
      </button>
    </form>
  );
}

function NotificationLog({ items }: { items: NotificationEntry[] }) {
  const { t, lang } = useLang();
  if (items.length === 0) return <p className="muted">{t('onlinePay.staff.logEmpty')}</p>;
  return (
    <DataTable
      caption={t('onlinePay.staff.logCaption')}
      columns={[t('onlinePay.staff.logAt'), t('onlinePay.staff.logProvider'), t('onlinePay.staff.logSession'), t('onlinePay.staff.logResult'), t('onlinePay.staff.logReason')]}
      items={items}
      row={(n) => (
        <tr key={n.id}>
          <td data-label={t('onlinePay.staff.logAt')}>{formatDateTime(n.receivedAt, lang)}</td>
          <td data-label={t('onlinePay.staff.logProvider')}>{t(`onlinePay.provider.${n.provider}`)}</td>
          <td data-label={t('onlinePay.staff.logSession')}>{n.sessionId ?? '—'}</td>
          <td data-label={t('onlinePay.staff.logResult')}>
            {n.accepted ? t('onlinePay.staff.accepted') : t('onlinePay.staff.refused')} <span className="muted">({n.code})</span>
          </td>
          <td data-label={t('onlinePay.staff.logReason')}>{n.reason}</td>
        </tr>
      )}
    />
  );
}
