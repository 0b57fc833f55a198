/**
 * The customer's e-invoice page (/portal/einvoice): for each of their
 * customers, the saving at the current tariff, the e-invoice terms to
 * accept, the choice of delivery (portal only or also e-mail), and the
 * withdrawal. The server decides from which day each change applies (the
 * start of the next billing period) and says so in its answer.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import type { PortalOverview } from '../../api/types.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { CheckboxField, FormAlert, Notice } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate } from '../../lib/format.ts';
import { useSession } from '../../session.tsx';
import type { EinvoiceStatus } from './types.ts';
import { ConsentStatus, SavingTable } from './parts.tsx';

export default function CustomerEinvoice() {
  const { t } = useLang();
  const overview = useApi<PortalOverview>('/api/portal/overview');
  return (
    <Page title={t('einvoice.title')}>
      <p className="lead">{t('einvoice.intro')}</p>
      <DataState loaded={overview}>
        {(o) =>
          o.customers.map((c) => (
            <section key={c.id} className="customer-block" aria-labelledby={`einvoice-${c.id}`}>
              {o.customers.length > 1 && <h2 id={`einvoice-${c.id}`}>{c.name}</h2>}
              <EinvoiceCard customerId={c.id} labelledBy={o.customers.length > 1 ? `einvoice-${c.id}` : undefined} />
            </section>
          ))
        }
      </DataState>
    </Page>
  );
}

function EinvoiceCard({ customerId }: { customerId: number; labelledBy?: string }) {
  const { t, lang } = useLang();
  const { user } = useSession();
  const path = `/api/portal/customers/${customerId}/einvoice`;
  const status = useApi<EinvoiceStatus>(path);
  const [accept, setAccept] = useState(false);
  const [byEmail, setByEmail] = useState(true);
  const [acceptError, setAcceptError] = useState<string | undefined>();
  const [done, setDone] = useState<string | null>(null);
  const { busy, failure, call } = useApiCall();

  const grant = (s: EinvoiceStatus) => (e: FormEvent) => {
    e.preventDefault();
    setDone(null);
    if (!accept) {
      setAcceptError(t('einvoice.acceptRequired'));
      document.getElementById(`accept-${customerId}`)?.querySelector('input')?.focus();
      return;
    }
    setAcceptError(undefined);
    void call(async () => {
      const r = await api.post<EinvoiceStatus>(path, { termsVersionId: s.terms!.id, accept: true, byEmail });
      setDone(t('einvoice.activated', { date: formatDate(r.consent!.effectiveFrom, lang) }));
      status.reload();
    });
  };
  const saveDelivery = (value: boolean) =>
    call(async () => {
      await api.patch<EinvoiceStatus>(path, { byEmail: value });
      setDone(t('einvoice.deliverySaved'));
      status.reload();
    });
  const withdraw = (s: EinvoiceStatus) => {
    if (!window.confirm(t('einvoice.withdrawConfirm', { date: formatDate(s.wouldEnd, lang) }))) return;
    void call(async () => {
      const r = await api.post<EinvoiceStatus>(`${path}/withdraw`);
      setDone(t('einvoice.withdrawn', { date: formatDate(r.lastWithdrawn?.withdrawnEffectiveFrom ?? s.wouldEnd, lang) }));
      status.reload();
    });
  };

  return (
    <DataState loaded={status}>
      {(s) => (
        <>
          {done && <Notice kind="success">{done}</Notice>}
          <FormAlert error={failure} />
          <section className="card" aria-labelledby={`status-${customerId}`}>
            <h2 id={`status-${customerId}`}>{t('einvoice.title')}</h2>
            <ConsentStatus status={s} />
          </section>
          <section className="card" aria-labelledby={`saving-${customerId}`}>
            <h2 id={`saving-${customerId}`}>{t('einvoice.saving')}</h2>
            <SavingTable savings={s.savings} />
          </section>
          {s.consent ? (
            <section className="card" aria-labelledby={`manage-${customerId}`}>
              <h2 id={`manage-${customerId}`}>{t('einvoice.delivery')}</h2>
              <fieldset className="field">
                <legend className="visually-hidden">{t('einvoice.delivery')}</legend>
                <DeliveryChoice name={`delivery-${customerId}`} byEmail={s.consent.byEmail} email={user?.email ?? ''} onChange={(v) => void saveDelivery(v)} disabled={busy} />
              </fieldset>
              <div className="button-row">
                <button type="button" className="button button-secondary" onClick={() => withdraw(s)} disabled={busy}>
                  {t('einvoice.withdraw')}
                </button>
              </div>
            </section>
          ) : s.terms ? (
            <form className="card" onSubmit={grant(s)} noValidate aria-labelledby={`terms-${customerId}`}>
              <h2 id={`terms-${customerId}`}>{t('einvoice.terms', { version: s.terms.version })}</h2>
              <h3>{s.terms.title}</h3>
              <div className="terms-text" tabIndex={0} role="region" aria-label={s.terms.title}>
                {s.terms.body.split('\n\n').map((p, i) => (
                  <p key={i}>{p}</p>
                ))}
              </div>
              <fieldset className="field">
                <legend>{t('einvoice.delivery')}</legend>
                <DeliveryChoice name={`delivery-${customerId}`} byEmail={byEmail} email={user?.email ?? ''} onChange={setByEmail} />
              </fieldset>
              <div id={`accept-${customerId}`}>
                <CheckboxField name="accept" label={t('einvoice.accept')} checked={accept} onChange={setAccept} error={acceptError} />
              </div>
              <p className="muted">{t('einvoice.startsOn', { date: formatDate(s.wouldTakeEffect, lang) })}</p>
              <div className="button-row">
                <button type="submit" className="button" disabled={busy}>
                  {t('einvoice.activate')}
                </button>
              </div>
            </form>
          ) : (
            <p className="muted">{t('einvoice.noTerms')}</p>
          )}
        </>
      )}
    </DataState>
  );
}

function DeliveryChoice({ name, byEmail, email, onChange, disabled }: { name: string; byEmail: boolean; email: string; onChange(v: boolean): void; disabled?: boolean }) {
  const { t } = useLang();
  return (
    <>
      <div className="field-check">
        <input type="radio" id={`${name}-portal`} name={name} checked={!byEmail} onChange={() => onChange(false)} disabled={disabled} />
        <label htmlFor={`${name}-portal`}>{t('einvoice.portalOnly')}</label>
      </div>
      <div className="field-check">
        <input type="radio" id={`${name}-email`} name={name} checked={byEmail} onChange={() => onChange(true)} disabled={disabled} />
        <label htmlFor={`${name}-email`}>{email ? t('einvoice.byEmail', { email }) : t('einvoice.byEmailStaff')}</label>
      </div>
    </>
  );
}
