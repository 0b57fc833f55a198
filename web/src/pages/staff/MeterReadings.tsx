/** A meter's readings history for staff (GET /api/staff/meters/:meterId/readings). */
import type { Reading } from '../../api/types.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import type { PageProps } from '../../routes.tsx';
import { ReadingsTable } from '../shared/ReadingsTable.tsx';

export default function MeterReadings({ params }: PageProps) {
  const { t } = useLang();
  const readings = useApi<{ items: Reading[] }>(`/api/staff/meters/${encodeURIComponent(params.meterId)}/readings`);
  const serial = readings.data?.items[0]?.serialNumber;
  return (
    <Page title={serial ? t('readings.titleFor', { serial }) : t('readings.title')}>
      <p>
        <button type="button" className="button-link" onClick={() => window.history.back()}>
          ← {t('common.back')}
        </button>
      </p>
      <DataState loaded={readings}>{(r) => <ReadingsTable items={r.items} caption={t('readings.caption', { count: r.items.length })} />}</DataState>
    </Page>
  );
}
