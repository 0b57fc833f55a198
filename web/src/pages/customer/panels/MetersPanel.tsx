/**
 * The Pulpit's meters panel: the latest reading of every meter in service,
 * and a warning first when a meter's legal verification ends within 90 days
 * (or has ended) or a leak alarm is open. Links to the contracts page, where
 * a reading can be submitted.
 */
import '../../readings/readings.css';
import { DataState, useApi } from '../../../components/data.tsx';
import { useLang } from '../../../i18n/index.ts';
import { daysUntil, formatDate, formatDateTime, formatVolume } from '../../../lib/format.ts';
import { Link } from '../../../router.tsx';
import type { PortalContracts } from '../../readings/types.ts';

export function MetersPanel() {
  const { t, lang } = useLang();
  const data = useApi<PortalContracts>('/api/portal/contracts');
  return (
    <section className="card meters-panel" aria-labelledby="meters-panel-title">
      <h2 id="meters-panel-title">{t('readingsPortal.panel.title')}</h2>
      <DataState loaded={data}>
        {(d) => {
          const meters = d.customers.flatMap((c) => c.contracts.filter((k) => k.open).flatMap((k) => k.meters.filter((m) => m.inService).map((m) => ({ m, k }))));
          if (meters.length === 0) return <p className="muted">{t('meter.none')}</p>;
          const warnings = meters.flatMap(({ m, k }) => {
            const out: { key: string; text: string; danger: boolean }[] = [];
            if (m.openAlarms.length) out.push({ key: `a${m.id}`, text: t('readingsPortal.panel.leak', { serial: m.serialNumber, address: k.servicePoint.address }), danger: true });
            const days = m.legalizationValidUntil ? daysUntil(m.legalizationValidUntil) : undefined;
            if (days !== undefined && days < 0) out.push({ key: `l${m.id}`, text: t('readingsPortal.panel.legalizationExpired', { serial: m.serialNumber, date: formatDate(m.legalizationValidUntil, lang) }), danger: true });
            else if (days !== undefined && days <= 90)
              out.push({ key: `l${m.id}`, text: t('readingsPortal.panel.legalizationSoon', { serial: m.serialNumber, date: formatDate(m.legalizationValidUntil, lang), count: days }), danger: false });
            return out;
          });
          return (
            <>
              {warnings.map((w) => (
                <div key={w.key} className={`alert ${w.danger ? 'alert-error' : 'alert-warning'}`} role="note">
                  {w.text}
                </div>
              ))}
              <ul className="meter-list">
                {meters.map(({ m, k }) => (
                  <li key={m.id}>
                    <strong>{m.serialNumber}</strong> <span className="muted">· {t(`meter.roles.${m.role}`, m.role)} · {k.servicePoint.address}</span>
                    <br />
                    {m.lastReading ? (
                      <>
                        {formatVolume(m.lastReading.valueM3, lang)}{' '}
                        <span className="muted">
                          · {formatDateTime(m.lastReading.readAt, lang)} · {t(`reading.sources.${m.lastReading.source}`, m.lastReading.source)}
                        </span>
                      </>
                    ) : (
                      <span className="muted">{t('meter.noReading')}</span>
                    )}
                    {m.pendingReadings > 0 && <span className="badge badge-warning">{t('readingsPortal.meter.pendingCount', { count: m.pendingReadings })}</span>}
                  </li>
                ))}
              </ul>
              <p>
                <Link to="/portal/contracts">{t('readingsPortal.panel.submit')}</Link> · <Link to="/portal/consumption">{t('readingsPortal.panel.analyse')}</Link>
              </p>
            </>
          );
        }}
      </DataState>
    </section>
  );
}
