/** The Pulpit's open cases: each with its last reply from customer service (or that it awaits one). */
import { DataState, useApi } from '../../../components/data.tsx';
import { useLang } from '../../../i18n/index.ts';
import { formatDateTime } from '../../../lib/format.ts';
import { Link } from '../../../router.tsx';
import { StatusBadge, type CaseListItem } from '../../cases/common.tsx';

export default function CasesPanel() {
  const { t, lang } = useLang();
  const open = useApi<{ items: CaseListItem[]; total: number }>('/api/portal/cases', { status: 'open', limit: 5 });
  return (
    <section className="card" aria-labelledby="cases-panel-title">
      <h2 id="cases-panel-title">{t('cases.panel.title')}</h2>
      <DataState loaded={open}>
        {(d) =>
          d.items.length === 0 ? (
            <p>{t('cases.panel.none')}</p>
          ) : (
            <ul className="case-panel-list">
              {d.items.map((c) => (
                <li key={c.id}>
                  <Link to={`/portal/cases/${c.id}`}>
                    {c.caseNumber}: {c.subject}
                  </Link>
                  <StatusBadge status={c.status} />
                  {c.lastReply ? (
                    <p className="case-excerpt">
                      <span className="muted">{t('cases.panel.reply', { date: formatDateTime(c.lastReply.at, lang) })}</span> {c.lastReply.body}
                    </p>
                  ) : (
                    <p className="case-excerpt muted">{t('cases.panel.noReply')}</p>
                  )}
                </li>
              ))}
            </ul>
          )
        }
      </DataState>
      <p>
        <Link to="/portal/cases">{t('cases.panel.all')}</Link> · <Link to="/portal/cases/new">{t('cases.newCase')}</Link>
      </p>
    </section>
  );
}
