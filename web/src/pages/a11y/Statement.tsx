/**
 * `/dostepnosc`, without signing in: the accessibility statement (deklaracja
 * dostępności) in the structure of the Minister's template under the Act of
 * 4 April 2019 (the element ids `a11y-…` are the template's, so that tools
 * which read statements find each part). Its facts come from the tests' axe
 * results (GET /api/accessibility-statement, made by
 * scripts/accessibility-statement.ts); the utility's name and contacts from
 * /api/utility. Linked from the footer of every page, as the law requires.
 */
import type { StatementData } from '../../../../src/modules/accessibility/statement.ts';
import { useUtility } from '../../branding.tsx';
import { DataState, useApi } from '../../components/data.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate } from '../../lib/format.ts';
import { Link } from '../../router.tsx';

export default function Statement() {
  const { t, lang } = useLang();
  const utility = useUtility();
  const loaded = useApi<StatementData>('/api/accessibility-statement');
  const name = utility?.name ?? '';
  const portal = typeof window === 'undefined' ? '' : `${window.location.origin}${window.location.pathname.replace(/\/dostepnosc$/, '/')}`;
  const phone = utility?.phone ?? '';
  const email = utility?.email ?? '';
  return (
    <Page title={t('a11y.title')}>
      <DataState loaded={loaded}>
        {(s) => (
          <div className="a11y-statement">
            <p id="a11y-wstep">
              <span id="a11y-podmiot">{name}</span> {t('a11y.intro')}{' '}
              <a id="a11y-url" href={portal}>
                {t('a11y.portalName', { name: utility?.shortName ?? name })}
              </a>
              .
            </p>
            <ul>
              <li>
                {t('a11y.publishedOn')}: <span id="a11y-data-publikacja">{formatDate(s.publishedOn, lang)}</span>
              </li>
              <li>
                {t('a11y.updatedOn')}: <span id="a11y-data-aktualizacja">{formatDate(s.updatedOn, lang)}</span>
              </li>
            </ul>

            <section aria-labelledby="a11y-h-status">
              <h2 id="a11y-h-status">{t('a11y.statusTitle')}</h2>
              <p id="a11y-status">{t(`a11y.status.${s.status}`)}</p>

              <h3>{t('a11y.inaccessibleTitle')}</h3>
              {s.issues.length === 0 && s.knownIssues.length === 0 ? (
                <p>{t('a11y.noIssues')}</p>
              ) : (
                <ul>
                  {s.issues.map((i) => (
                    <li key={i.ruleId}>
                      {i.help[lang]} ({t(`a11y.impact.${i.impact}`)}; {t('a11y.where')}:{' '}
                      {i.pages.map((p) => `${p.title || p.page} (${p.widths.map((w) => `${w} px`).join(', ')})`).join('; ')})
                    </li>
                  ))}
                  {s.knownIssues.map((k) => (
                    <li key={k.pl}>{k[lang]}</li>
                  ))}
                </ul>
              )}
              {s.exclusions.length > 0 && (
                <>
                  <h3>{t('a11y.exclusionsTitle')}</h3>
                  <ul>
                    {s.exclusions.map((k) => (
                      <li key={k.pl}>{k[lang]}</li>
                    ))}
                  </ul>
                </>
              )}
            </section>

            <section aria-labelledby="a11y-h-prep">
              <h2 id="a11y-h-prep">{t('a11y.preparationTitle')}</h2>
              <p>
                {t('a11y.preparedOn')}: <span id="a11y-data-sporzadzenie">{formatDate(s.preparedOn, lang)}</span>. {t('a11y.reviewedOn')}:{' '}
                {formatDate(s.reviewedOn, lang)}.
              </p>
              <p id="a11y-ocena">
                {t('a11y.method', { tool: s.method.tool, pages: s.method.pages, widths: s.method.widths.map((w) => `${w} px`).join(t('a11y.and')), runs: s.method.runs })}
              </p>
              {s.method.manualChecks.length > 0 && (
                <ul>
                  {s.method.manualChecks.map((m) => (
                    <li key={m.pl}>{m[lang]}</li>
                  ))}
                </ul>
              )}
              <details>
                <summary>{t('a11y.pagesChecked', { count: s.pages.length })}</summary>
                <table>
                  <caption className="visually-hidden">{t('a11y.pagesChecked', { count: s.pages.length })}</caption>
                  <thead>
                    <tr>
                      <th scope="col">{t('a11y.page')}</th>
                      <th scope="col">{t('a11y.widths')}</th>
                      <th scope="col">{t('a11y.result')}</th>
                    </tr>
                  </thead>
                  <tbody>
                    {s.pages.map((p) => (
                      <tr key={p.page}>
                        <td>
                          {p.title || p.page} <span className="muted">({p.page})</span>
                        </td>
                        <td>{p.widths.map((w) => `${w} px`).join(', ')}</td>
                        <td>{p.clean ? t('a11y.clean') : t('a11y.notClean')}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
              </details>
            </section>

            <section aria-labelledby="a11y-h-contact">
              <h2 id="a11y-h-contact">{t('a11y.contactTitle')}</h2>
              <p id="a11y-kontakt">
                {t('a11y.contactIntro')} <span id="a11y-osoba">{t('a11y.contactPerson', { name })}</span>. {t('a11y.contactEmail')}:{' '}
                <a id="a11y-email" href={`mailto:${email}`}>
                  {email}
                </a>
                , {t('a11y.contactPhone')}:{' '}
                <a id="a11y-telefon" href={`tel:${phone.replace(/\s/g, '')}`}>
                  {phone}
                </a>
                . {t('a11y.contactAlso')}
              </p>
            </section>

            <section aria-labelledby="a11y-h-procedure" id="a11y-procedura">
              <h2 id="a11y-h-procedure">{t('a11y.procedureTitle')}</h2>
              <p>{t('a11y.procedureRight')}</p>
              <p>{t('a11y.procedureContent')}</p>
              <p>{t('a11y.procedureDeadline')}</p>
              <p>{t('a11y.procedureComplaint')}</p>
              <p>
                {t('a11y.procedureRpo')}{' '}
                <a href="https://bip.brpo.gov.pl/">{t('a11y.rpo')}</a>.
              </p>
            </section>

            <section aria-labelledby="a11y-h-architecture" id="a11y-architektura">
              <h2 id="a11y-h-architecture">{t('a11y.architectureTitle')}</h2>
              <p>
                {t('a11y.architectureOffice', { name })}: {utility ? `${utility.street}, ${utility.postalCode} ${utility.city}` : ''}.
              </p>
              <p>{t('a11y.architectureInfo', { phone })}</p>
            </section>

            <section aria-labelledby="a11y-h-apps" id="a11y-aplikacje">
              <h2 id="a11y-h-apps">{t('a11y.appsTitle')}</h2>
              <p>{t('a11y.apps')}</p>
            </section>

            <p>
              <Link to="/">{t('a11y.back')}</Link>
            </p>
          </div>
        )}
      </DataState>
    </Page>
  );
}
