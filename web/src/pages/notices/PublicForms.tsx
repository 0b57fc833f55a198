/** `/forms`, without signing in: the utility's published forms by category, each a download. */
import { api } from '../../api/client.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { FORM_CATEGORIES, fileLabel, type FormItem } from './types.ts';
import './notices.css';

export default function PublicForms() {
  const { t } = useLang();
  const forms = useApi<{ items: FormItem[] }>('/api/forms');
  return (
    <Page title={t('notices.formsTitle')}>
      <p className="lead">{t('notices.formsLead')}</p>
      <DataState loaded={forms}>
        {(d) =>
          d.items.length === 0 ? (
            <p>{t('notices.formsNone')}</p>
          ) : (
            FORM_CATEGORIES.filter((c) => d.items.some((f) => f.category === c)).map((c) => (
              <section key={c} aria-labelledby={`forms-${c}`}>
                <h2 id={`forms-${c}`}>{t(`notices.category.${c}`)}</h2>
                <ul className="form-list">
                  {d.items
                    .filter((f) => f.category === c)
                    .map((f) => (
                      <li key={f.id}>
                        <a href={api.url(`/api/forms/${f.id}/file`)} download={f.fileName}>
                          {f.title}
                        </a>{' '}
                        <span className="muted-inline">({fileLabel(f)})</span>
                        {f.description && <span className="muted">{f.description}</span>}
                      </li>
                    ))}
                </ul>
              </section>
            ))
          )
        }
      </DataState>
    </Page>
  );
}
