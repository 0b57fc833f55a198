/**
 * A meter for staff: what it is and where (GET /api/staff/meters/:meterId),
 * its exchange for those who may do one (MeterExchange.tsx) and its readings
 * history (GET /api/staff/meters/:meterId/readings).
 */
import type { Reading } from '../../api/types.ts';
import { mayAccess } from '../../access.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { Notice } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatNumber } from '../../lib/format.ts';
import { Link, navigate } from '../../router.tsx';
import type { PageProps } from '../../routes.tsx';
import { useSession } from '../../session.tsx';
import { ReadingsTable } from '../shared/ReadingsTable.tsx';
import { MeterExchange } from './MeterExchange.tsx';

interface MeterFile {
  id: number;
  serialNumber: string;
  role: string;
  installedOn: string;
  removedOn: string | null;
  finalReading: string | null;
  legalizationValidUntil: string | null;
  diameterMm: number | null;
  radio: boolean;
  servicePoint: { code: string; address: string };
  lastReading: { day: string; valueM3: string } | null;
  replacedBy: { id: number; serialNumber: string } | null;
}

export default function MeterReadings({ params }: PageProps) {
  const { t, lang } = useLang();
  const mayExchange = mayAccess('staff:customer_service,meter_reader', useSession().user);
  const meter = useApi<MeterFile>(`/api/staff/meters/${encodeURIComponent(params.meterId)}`);
  const readings = useApi<{ items: Reading[] }>(`/api/staff/meters/${encodeURIComponent(params.meterId)}/readings`);
  const m3 = (v: string) => `${formatNumber(Number(v), lang, 3)} m³`;
  const serial = meter.data?.serialNumber;
  return (
    <Page title={serial ? t('readings.titleFor', { serial }) : t('readings.title')}>
      <p>
        <button type="button" className="button-link" onClick={() => window.history.back()}>
          ← {t('common.back')}
        </button>
      </p>
      <DataState loaded={meter}>
        {(m) => (
          <>
            <section className="card" aria-labelledby="meter-facts">
              <h2 id="meter-facts">{t('meterPage.facts')}</h2>
              <dl className="facts">
                <div>
                  <dt>{t('meter.role')}</dt>
                  <dd>{t(`meter.roles.${m.role}`, { defaultValue: m.role })}{m.radio ? ` · ${t('meter.radio')}` : ''}</dd>
                </div>
                <div>
                  <dt>{t('meterPage.servicePoint')}</dt>
                  <dd>
                    {m.servicePoint.address} <span className="muted">({m.servicePoint.code})</span>
                  </dd>
                </div>
                <div>
                  <dt>{t('meterPage.installedOn')}</dt>
                  <dd>{formatDate(m.installedOn, lang)}</dd>
                </div>
                <div>
                  <dt>{t('meter.legalization')}</dt>
                  <dd>{formatDate(m.legalizationValidUntil, lang)}</dd>
                </div>
                <div>
                  <dt>{t('meter.lastReading')}</dt>
                  <dd>{m.lastReading ? `${m3(m.lastReading.valueM3)} · ${formatDate(m.lastReading.day, lang)}` : t('meter.noReading')}</dd>
                </div>
              </dl>
              {m.removedOn && (
                <Notice>
                  {t('meterPage.removed', { date: formatDate(m.removedOn, lang), value: m.finalReading ? m3(m.finalReading) : '—' })}{' '}
                  {m.replacedBy && <Link to={`/staff/meters/${m.replacedBy.id}/readings`}>{t('meterPage.replacedBy', { serial: m.replacedBy.serialNumber })}</Link>}
                </Notice>
              )}
            </section>
            {mayExchange && !m.removedOn && (
              <MeterExchange meterId={params.meterId} radio={m.radio} onDone={(id) => navigate(`/staff/meters/${id}/readings`)} />
            )}
          </>
        )}
      </DataState>
      <DataState loaded={readings}>{(r) => <ReadingsTable items={r.items} caption={t('readings.caption', { count: r.items.length })} />}</DataState>
    </Page>
  );
}
