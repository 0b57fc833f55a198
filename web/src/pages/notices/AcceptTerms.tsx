/**
 * `/accept-terms`: a portal user who owes the acceptance of a new version of
 * the portal terms sees it here before anything else (the shell sends every
 * other page here); accepting records it and goes on to the page asked for.
 */
import { useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import type { Terms } from '../../api/types.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { CheckboxField, FormAlert } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { Redirect, navigate, useLocation } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import './notices.css';

export default function AcceptTerms() {
  const { t } = useLang();
  const { refresh } = useSession();
  const { search } = useLocation();
  const raw = search.get('next');
  const next = raw && raw.startsWith('/') && !raw.startsWith('//') && !raw.startsWith('/accept-terms') ? raw : '/portal';
  const pending = useApi<{ terms: Terms | null }>('/api/portal/terms/pending');
  const [checked, setChecked] = useState(false);
  const [error, setError] = useState<string>();
  const { busy, failure, call } = useApiCall();

  const submit = (terms: Terms) => async (e: FormEvent) => {
    e.preventDefault();
    if (!checked) {
      setError(t('notices.termsMustAccept'));
      document.querySelector<HTMLInputElement>('input[name="accept"]')?.focus();
      return;
    }
    setError(undefined);
    await call(async () => {
      await api.post('/api/portal/terms/accept', { termsVersionId: terms.id, accept: true });
      await refresh();
      navigate(next, { replace: true });
    });
  };

  return (
    <Page title={t('notices.termsNewTitle')}>
      <DataState loaded={pending}>
        {(d) =>
          !d.terms ? (
            <Redirect to={next} />
          ) : (
            <>
              <p className="lead">{t('notices.termsNewLead')}</p>
              <section aria-labelledby="terms-title">
                <h2 id="terms-title">
                  {d.terms.title} ({t('notices.termsVersion')} {d.terms.version})
                </h2>
                <div className="terms-text" tabIndex={0} role="document" aria-labelledby="terms-title">
                  {d.terms.body}
                </div>
              </section>
              <form onSubmit={submit(d.terms)} noValidate className="form">
                <FormAlert error={failure} />
                <CheckboxField name="accept" label={t('notices.termsAcceptLabel')} checked={checked} onChange={setChecked} error={error} />
                <button type="submit" className="button" disabled={busy}>
                  {t('notices.termsAcceptButton')}
                </button>
              </form>
            </>
          )
        }
      </DataState>
    </Page>
  );
}
