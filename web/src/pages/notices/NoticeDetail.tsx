/** `/staff/notices/:noticeId`: one notice, whom it concerns, and the buttons to publish (and e-mail) or end it. */
import { useState } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { mayAccess } from '../../access.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { FormAlert, Notice } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import type { PageProps } from '../../routes.tsx';
import { Link } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { AffectedList } from './AffectedList.tsx';
import { NoticeCard } from './NoticeCard.tsx';
import type { Affected, StaffNoticeItem } from './types.ts';

export default function NoticeDetail({ params }: PageProps) {
  const { t } = useLang();
  const { user } = useSession();
  const notice = useApi<StaffNoticeItem & { affected: Affected }>(`/api/staff/notices/${params.noticeId}`);
  const { busy, failure, call } = useApiCall();
  const [done, setDone] = useState<string>();
  const mayWrite = mayAccess('staff:customer_service', user);

  const publish = () =>
    call(async () => {
      const r = await api.post<{ emailed: number; withoutEmail: number }>(`/api/staff/notices/${params.noticeId}/publish`);
      setDone(t('notices.publishedResult', { sent: r.emailed, skipped: r.withoutEmail }));
      notice.reload();
    });
  const end = () =>
    call(async () => {
      await api.post(`/api/staff/notices/${params.noticeId}/end`);
      setDone(t('notices.endedResult'));
      notice.reload();
    });

  return (
    <Page title={notice.data?.title ?? t('notices.staffTitle')} wide>
      <p>
        <Link to="/staff/notices">{t('notices.backToList')}</Link>
      </p>
      {done && <Notice kind="success">{done}</Notice>}
      <FormAlert error={failure} />
      <DataState loaded={notice}>
        {(n) => (
          <>
            <p>
              {t('notices.statusLabel')}: <strong>{t(`notices.status.${n.status}`)}</strong>
              {n.emailedCount !== null && <> · {t('notices.emailedCounts', { sent: n.emailedCount, skipped: n.noEmailCount ?? 0 })}</>}
            </p>
            <NoticeCard notice={n} />
            {mayWrite && (
              <div className="button-row">
                {n.status === 'draft' && (
                  <button type="button" className="button" onClick={publish} disabled={busy}>
                    {t('notices.publish', { count: n.affected.customers - n.affected.customersWithoutEmail })}
                  </button>
                )}
                {(n.status === 'current' || n.status === 'planned') && (
                  <button type="button" className="button button-secondary" onClick={end} disabled={busy}>
                    {t('notices.endNow')}
                  </button>
                )}
              </div>
            )}
            <section aria-labelledby="affected-title">
              <h2 id="affected-title">{t('notices.previewTitle')}</h2>
              <AffectedList affected={n.affected} />
            </section>
          </>
        )}
      </DataState>
    </Page>
  );
}
