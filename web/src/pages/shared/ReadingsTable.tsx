/** A meter's readings, newest first, with the consumption since the reading before. */
import type { Reading } from '../../api/types.ts';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime, formatVolume } from '../../lib/format.ts';
import { TableWrap } from '../../components/TableWrap.tsx';

/** Consumption between consecutive accepted readings (exact to the litre: values have three decimals). */
export function withConsumption(items: Reading[]): (Reading & { usedM3?: string })[] {
  const sorted = [...items].sort((a, b) => b.readAt.localeCompare(a.readAt));
  return sorted.map((r, i) => {
    const prev = sorted.slice(i + 1).find((p) => p.status === 'accepted');
    if (!prev || r.status !== 'accepted') return r;
    const litres = Math.round(Number(r.valueM3) * 1000) - Math.round(Number(prev.valueM3) * 1000);
    return { ...r, usedM3: (litres / 1000).toFixed(3) };
  });
}

export function ReadingsTable({ items, caption }: { items: Reading[]; caption: string }) {
  const { t, lang } = useLang();
  if (items.length === 0) return <p>{t('reading.none')}</p>;
  return (
    <TableWrap label={caption}>
      <table className="readings">
        <caption>{caption}</caption>
        <thead>
          <tr>
            <th scope="col">{t('reading.readAt')}</th>
            <th scope="col" className="num">
              {t('reading.value')}
            </th>
            <th scope="col" className="num">
              {t('reading.used')}
            </th>
            <th scope="col">{t('reading.source')}</th>
            <th scope="col">{t('reading.status')}</th>
          </tr>
        </thead>
        <tbody>
          {withConsumption(items).map((r) => (
            <tr key={r.id}>
              <th scope="row" data-label={t('reading.readAt')}>
                {formatDateTime(r.readAt, lang)}
              </th>
              <td className="num" data-label={t('reading.value')}>
                {formatVolume(r.valueM3, lang)}
              </td>
              <td className="num" data-label={t('reading.used')}>
                {r.usedM3 !== undefined ? formatVolume(r.usedM3, lang) : '—'}
              </td>
              <td data-label={t('reading.source')}>{t(`reading.sources.${r.source}`, r.source)}</td>
              <td data-label={t('reading.status')}>
                {t(`reading.statuses.${r.status}`, r.status)}
                {r.statusReason && (
                  <>
                    <br />
                    <span className="muted">{r.statusReason}</span>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableWrap>
  );
}
