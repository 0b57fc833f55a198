/**
 * "Umowy": the customer's contracts with their service points and meters
 * (serial, role, diameter, installation, radio, legal verification), the
 * latest reading, the readings waiting for verification, a link to each
 * meter's history and the form to submit a reading.
 */
import './readings.css';
import { useState } from 'react';
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { daysUntil, formatDate, formatDateTime, formatVolume } from '../../lib/format.ts';
import { Link } from '../../router.tsx';
import { SubmitReadingForm } from './SubmitReadingForm.tsx';
import type { PortalContract, PortalContracts, PortalMeter } from './types.ts';

export default function Contracts() {
  const { t } = useLang();
  const data = useApi<PortalContracts>('/api/portal/contracts');
  return (
    <Page title={t('readingsPortal.contracts.title')}>
      <DataState loaded={data}>
        {(d) => (
          <>
            {d.customers.map((c) => (
              <section key={c.id} className="customer-block" aria-labelledby={`rc-customer-${c.id}`}>
                {d.customers.length > 1 && <h2 id={`rc-customer-${c.id}`}>{c.name}</h2>}
                {c.contracts.length === 0 && <p className="muted">{t('contract.none')}</p>}
                {c.contracts.map((k) => (
                  <ContractBlock key={k.id} customerId={c.id} contract={k} onSaved={data.reload} />
                ))}
              </section>
            ))}
          </>
        )}
      </DataState>
    </Page>
  );
}

function ContractBlock({ customerId, contract: k, onSaved }: { customerId: number; contract: PortalContract; onSaved(): void }) {
  const { t, lang } = useLang();
  return (
    <section className="card contract" aria-labelledby={`rc-contract-${k.id}`}>
      <h2 id={`rc-contract-${k.id}`}>
        {t('contract.number', { number: k.contractNumber })}{' '}
        <span className={`badge badge-${k.open ? 'active' : 'ended'}`}>{k.open ? t('readingsPortal.contracts.open') : t('readingsPortal.contracts.closed')}</span>
      </h2>
      <dl className="facts">
        <div>
          <dt>{t('contract.kind')}</dt>
          <dd>{t(`contract.kinds.${k.kind}`, k.kind)}</dd>
        </div>
        <div>
          <dt>{t('contract.servicePoint')}</dt>
          <dd>
            {k.servicePoint.address} <span className="muted">({k.servicePoint.code})</span>
          </dd>
        </div>
        <div>
          <dt>{t('readingsPortal.contracts.period')}</dt>
          <dd>
            {formatDate(k.validFrom, lang)} – {k.validTo ? formatDate(k.validTo, lang) : t('readingsPortal.contracts.indefinite')}
          </dd>
        </div>
        <div>
          <dt>{t('readingsPortal.contracts.tariffGroup')}</dt>
          <dd>{k.tariffGroup}</dd>
        </div>
      </dl>
      <p>
        <Link to={`/portal/consumption?contract=${k.id}`}>{t('readingsPortal.contracts.analyse')}</Link>
      </p>
      {k.meters.length === 0 ? (
        <p className="muted">{t('meter.none')}</p>
      ) : (
        k.meters.map((m) => <MeterBlock key={m.id} customerId={customerId} meter={m} contractOpen={k.open} onSaved={onSaved} />)
      )}
    </section>
  );
}

function MeterBlock({ customerId, meter: m, contractOpen, onSaved }: { customerId: number; meter: PortalMeter; contractOpen: boolean; onSaved(): void }) {
  const { t, lang } = useLang();
  const [open, setOpen] = useState(false);
  const days = m.legalizationValidUntil ? daysUntil(m.legalizationValidUntil) : undefined;
  return (
    <section className="meter-block" aria-labelledby={`rc-meter-${m.id}`}>
      <h3 id={`rc-meter-${m.id}`}>
        {t('readingsPortal.meter.title', { serial: m.serialNumber })} <span className="muted">· {t(`meter.roles.${m.role}`, m.role)}</span>
        {m.removedOn && <span className="badge badge-ended">{t('readingsPortal.meter.removed', { date: formatDate(m.removedOn, lang) })}</span>}
      </h3>
      {m.openAlarms.length > 0 && (
        <div className="alert alert-error" role="note">
          {t('readingsPortal.meter.leak')}
        </div>
      )}
      <dl className="facts meter-facts">
        <div>
          <dt>{t('readingsPortal.meter.diameter')}</dt>
          <dd>{m.diameterMm ? `DN${m.diameterMm}` : '—'}</dd>
        </div>
        <div>
          <dt>{t('readingsPortal.meter.installedOn')}</dt>
          <dd>{formatDate(m.installedOn, lang)}</dd>
        </div>
        <div>
          <dt>{t('readingsPortal.meter.radio')}</dt>
          <dd>{m.radio ? t('readingsPortal.meter.radioYes') : t('readingsPortal.meter.radioNo')}</dd>
        </div>
        <div>
          <dt>{t('meter.legalization')}</dt>
          <dd>
            {formatDate(m.legalizationValidUntil, lang)}
            {days !== undefined && days < 0 && <span className="badge badge-danger">{t('meter.legalizationExpired')}</span>}
            {days !== undefined && days >= 0 && days <= 90 && <span className="badge badge-warning">{t('meter.legalizationSoon')}</span>}
          </dd>
        </div>
        <div>
          <dt>{t('meter.lastReading')}</dt>
          <dd>
            {m.lastReading ? (
              <>
                {formatVolume(m.lastReading.valueM3, lang)}{' '}
                <span className="muted">
                  · {formatDateTime(m.lastReading.readAt, lang)} · {t(`reading.sources.${m.lastReading.source}`, m.lastReading.source)}
                </span>
              </>
            ) : (
              t('meter.noReading')
            )}
          </dd>
        </div>
        {m.pendingReadings > 0 && (
          <div>
            <dt>{t('readingsPortal.meter.pending')}</dt>
            <dd>{t('readingsPortal.meter.pendingCount', { count: m.pendingReadings })}</dd>
          </div>
        )}
      </dl>
      <div className="button-row">
        <Link to={`/portal/customers/${customerId}/meters/${m.id}/readings`}>
          {t('meter.history')}
          <span className="visually-hidden"> {m.serialNumber}</span>
        </Link>
        {m.inService && (
          <button type="button" className="button button-secondary" aria-expanded={open} aria-controls={`rc-form-${m.id}`} onClick={() => setOpen((o) => !o)}>
            {t('readingsPortal.submit.open')}
            <span className="visually-hidden"> {m.serialNumber}</span>
          </button>
        )}
      </div>
      {!m.inService && contractOpen === false && <p className="muted">{t('readingsPortal.meter.noSubmitClosed')}</p>}
      {open && m.inService && (
        <div id={`rc-form-${m.id}`}>
          <SubmitReadingForm customerId={customerId} meter={m} onSaved={onSaved} />
        </div>
      )}
    </section>
  );
}
