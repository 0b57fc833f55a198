/**
 * The Pulpit's notices: those whose area takes one of the customer's service
 * points first (with the addresses concerned), then the general ones.
 * Nothing is shown when there is no current or planned notice.
 */
import { useApi } from '../../../components/data.tsx';
import { useLang } from '../../../i18n/index.ts';
import { Link } from '../../../router.tsx';
import { NoticeCard } from '../../notices/NoticeCard.tsx';
import type { PortalNotice } from '../../notices/types.ts';

export default function NoticesPanel() {
  const { t } = useLang();
  const notices = useApi<{ items: PortalNotice[] }>('/api/portal/notices');
  const items = notices.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <section className="notices-panel" aria-labelledby="notices-panel-title">
      <h2 id="notices-panel-title">{t('notices.panelTitle')}</h2>
      {items.map((n) => (
        <NoticeCard key={n.id} notice={n} addresses={n.mine ? n.addresses : undefined} headingLevel={3} />
      ))}
      <p>
        <Link to="/notices">{t('notices.allNotices')}</Link>
      </p>
    </section>
  );
}
