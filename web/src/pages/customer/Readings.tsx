/** The readings history of one of the customer's meters. */
import { useState } from 'react';
import type { PortalOverview, Reading } from '../../api/types.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { Link } from '../../router.tsx';
import type { PageProps } from '../../routes.tsx';
import { ReadingsTable } from '../shared/ReadingsTable.tsx';

const PAGE = 100;

export default function Readings({ params }: PageProps) {
  const { t } = useLang();
  const { customerId, meterId } = params;
  const [limit, setLimit] = useState(PAGE);
  const readings = useApi<{ items: Reading[] }>(`/api/customers/${encodeURIComponent(customerId)}/readings`, { meterId, limit });
  // The overview names the meter and its address (already cached by the browser after the dashboard).
  const overview = useApi<PortalOverview>('/api/portal/overview');
  const meter = overview.data?.customers
    .find((c) => String(c.id) === customerId)
    ?.contracts.flatMap((k) => k.meters.map((m) => ({ m, k })))
    .find(({ m }) => String(m.id) === meterId);
  const title = meter ? t('readings.titleFor', { serial: meter.m.serialNumber }) : t('readings.title');

  return (
    <Page title={title}>
      <p>
        <Link to="/portal">← {t('readings.back')}</Link>
      </p>
      {meter && <p className="lead">{meter.k.servicePoint.address}</p>}
      <DataState loaded={readings}>
        {(r) => (
          <>
            <ReadingsTable items={r.items} caption={t('readings.caption', { count: r.items.length })} />
            {r.items.length >= limit && (
              <button type="button" className="button button-secondary" onClick={() => setLimit((l) => l + PAGE)}>
                {t('common.showMore')}
              </button>
            )}
          </>
        )}
      </DataState>
    </Page>
  );
}
