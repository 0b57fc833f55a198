/** Fixed-network gateways (administrators): the list, and registering one — its token is shown once. */
import { useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert, TextField, focusFirstInvalid } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import type { Gateway } from './types.ts';
import './metering.css';

export default function Gateways() {
  const { t, lang } = useLang();
  const list = useApi<{ items: Gateway[] }>('/api/staff/gateways');
  const form = useRef<HTMLFormElement>(null);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [created, setCreated] = useState<{ name: string; token: string }>();
  const [copied, setCopied] = useState(false);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    if (name.trim().length < 2) {
      setNameError(t('gateways.nameTooShort'));
      return focusFirstInvalid(form.current);
    }
    setNameError(undefined);
    setBusy(true);
    try {
      const g = await api.post<{ id: number; name: string; token: string }>('/api/staff/gateways', { name: name.trim() });
      setCreated({ name: g.name, token: g.token });
      setCopied(false);
      setName('');
      list.reload();
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const copy = async () => {
    if (!created) return;
    try {
      await navigator.clipboard.writeText(created.token);
      setCopied(true);
    } catch {
      // Without clipboard access (plain http) the token stays selectable on screen.
      const el = document.getElementById('gateway-token');
      if (el) window.getSelection()?.selectAllChildren(el);
    }
  };

  return (
    <Page title={t('gateways.title')} wide>
      <DataState loaded={list}>
        {(d) => (
          <DataTable
            caption={t('gateways.title')}
            columns={[t('gateways.name'), t('gateways.created'), t('gateways.lastSeen'), t('gateways.state')]}
            items={d.items}
            ifEmpty={<p>{t('gateways.none')}</p>}
            row={(g) => (
              <tr key={g.id}>
                <th scope="row" data-label={t('gateways.name')}>{g.name}</th>
                <td data-label={t('gateways.created')}>{formatDateTime(g.createdAt, lang)}</td>
                <td data-label={t('gateways.lastSeen')}>{formatDateTime(g.lastSeenAt, lang)}</td>
                <td data-label={t('gateways.state')}>
                  <span className={`badge ${g.active ? 'badge-active' : ''}`}>{g.active ? t('gateways.active') : t('gateways.inactive')}</span>
                </td>
              </tr>
            )}
          />
        )}
      </DataState>
      <section className="card route-assign" aria-labelledby="gw-new">
        <h2 id="gw-new">{t('gateways.create')}</h2>
        {created && (
          <div className="alert alert-success" role="status">
            <p>{t('gateways.createdOnce', { name: created.name })}</p>
            <p>
              <code id="gateway-token" className="secret" data-testid="gateway-token">
                {created.token}
              </code>
            </p>
            <button type="button" className="button button-secondary" onClick={() => void copy()}>
              {copied ? t('gateways.copied') : t('gateways.copy')}
            </button>
          </div>
        )}
        <form ref={form} onSubmit={submit} noValidate className="form">
          <FormAlert error={failure} />
          <TextField label={t('gateways.name')} name="name" value={name} onChange={setName} error={nameError} maxLength={100} hint={t('gateways.nameHint')} required />
          <button type="submit" className="button" disabled={busy}>
            {t('gateways.submit')}
          </button>
        </form>
      </section>
    </Page>
  );
}
