/**
 * A customer's contracts, service points and meters: the same block on the
 * customer's dashboard and in the staff customer view. `readingsLink` says
 * where a meter's readings history is (portal or back office), if anywhere.
 */
import type { Contract, CustomerOverview, Meter } from '../../api/types.ts';
import { useLang } from '../../i18n/index.ts';
import { daysUntil, formatDate, formatVolume } from '../../lib/format.ts';
import { Link } from '../../router.tsx';
import { TableWrap } from '../../components/TableWrap.tsx';

export function ContractCard({
  contract,
  readingsLink,
  headingLevel = 3,
}: {
  contract: Contract;
  readingsLink?: (m: Meter) => string;
  headingLevel?: 2 | 3;
}) {
  const { t, lang } = useLang();
  const H = headingLevel === 2 ? 'h2' : 'h3';
  return (
    <section className="card contract" aria-labelledby={`contract-${contract.id}`}>
      <H id={`contract-${contract.id}`}>
        {t('contract.number', { number: contract.contractNumber })}{' '}
        <span className={`badge badge-${contract.status}`}>{t(`contract.status.${contract.status}`, contract.status)}</span>
      </H>
      <dl className="facts">
        <div>
          <dt>{t('contract.kind')}</dt>
          <dd>{t(`contract.kinds.${contract.kind}`, contract.kind)}</dd>
        </div>
        <div>
          <dt>{t('contract.servicePoint')}</dt>
          <dd>
            {contract.servicePoint.address} <span className="muted">({contract.servicePoint.code})</span>
          </dd>
        </div>
        <div>
          <dt>{t('contract.validFrom')}</dt>
          <dd>{formatDate(contract.validFrom, lang)}</dd>
        </div>
      </dl>
      {contract.meters.length === 0 ? (
        <p className="muted">{t('meter.none')}</p>
      ) : (
        <TableWrap label={t('meter.caption', { number: contract.contractNumber })}>
          <table>
            <caption className="visually-hidden">{t('meter.caption', { number: contract.contractNumber })}</caption>
            <thead>
              <tr>
                <th scope="col">{t('meter.serialNumber')}</th>
                <th scope="col">{t('meter.role')}</th>
                <th scope="col">{t('meter.legalization')}</th>
                <th scope="col">{t('meter.lastReading')}</th>
                {readingsLink && (
                  <th scope="col">
                    <span className="visually-hidden">{t('meter.actions')}</span>
                  </th>
                )}
              </tr>
            </thead>
            <tbody>
              {contract.meters.map((m) => (
                <MeterRow key={m.id} meter={m} readingsLink={readingsLink} />
              ))}
            </tbody>
          </table>
        </TableWrap>
      )}
    </section>
  );
}

function MeterRow({ meter: m, readingsLink }: { meter: Meter; readingsLink?: (m: Meter) => string }) {
  const { t, lang } = useLang();
  const days = m.legalizationValidUntil ? daysUntil(m.legalizationValidUntil) : undefined;
  return (
    <tr>
      <th scope="row" data-label={t('meter.serialNumber')}>
        {m.serialNumber}
        {m.radio && <span className="badge badge-radio">{t('meter.radio')}</span>}
      </th>
      <td data-label={t('meter.role')}>
        {t(`meter.roles.${m.role}`, m.role)}
        {m.diameterMm ? <span className="muted"> · DN{m.diameterMm}</span> : null}
      </td>
      <td data-label={t('meter.legalization')}>
        {formatDate(m.legalizationValidUntil, lang)}
        {days !== undefined && days < 0 && <span className="badge badge-danger">{t('meter.legalizationExpired')}</span>}
        {days !== undefined && days >= 0 && days <= 90 && <span className="badge badge-warning">{t('meter.legalizationSoon')}</span>}
      </td>
      <td data-label={t('meter.lastReading')}>
        {m.lastReading ? (
          <>
            {formatVolume(m.lastReading.valueM3, lang)}
            <span className="muted">
              {' '}
              · {formatDate(m.lastReading.readAt, lang)} · {t(`reading.sources.${m.lastReading.source}`, m.lastReading.source)}
            </span>
          </>
        ) : (
          <span className="muted">{t('meter.noReading')}</span>
        )}
      </td>
      {readingsLink && (
        <td>
          <Link to={readingsLink(m)}>
            {t('meter.history')}
            <span className="visually-hidden"> {m.serialNumber}</span>
          </Link>
        </td>
      )}
    </tr>
  );
}

export function CustomerFacts({ customer, extra }: { customer: CustomerOverview; extra?: { label: string; value: string | null }[] }) {
  const { t } = useLang();
  return (
    <dl className="facts">
      <div>
        <dt>{t('customer.number')}</dt>
        <dd>{customer.customerNumber}</dd>
      </div>
      <div>
        <dt>{t('customer.address')}</dt>
        <dd>{customer.address}</dd>
      </div>
      <div>
        <dt>{t('customer.kind')}</dt>
        <dd>{t(`customer.kinds.${customer.kind}`, customer.kind)}</dd>
      </div>
      <div>
        <dt>{t('customer.invoiceDelivery')}</dt>
        <dd>{t(`customer.delivery.${customer.invoiceDelivery}`, customer.invoiceDelivery)}</dd>
      </div>
      {extra?.map((e) => (
        <div key={e.label}>
          <dt>{e.label}</dt>
          <dd>{e.value || '—'}</dd>
        </div>
      ))}
    </dl>
  );
}
