/** The landing page of the e-mail verification link (`/verify-email?token=…`). */
import { useEffect, useState } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { FormAlert, Notice } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { Link, useLocation } from '../../router.tsx';

export default function VerifyEmail() {
  const { t } = useLang();
  const token = useLocation().search.get('token') ?? '';
  const [state, setState] = useState<'working' | 'done' | ApiError>('working');
  useEffect(() => {
    if (!token) {
      setState(new ApiError(400, 'token.missing', { pl: 'W odnośniku brakuje kodu weryfikacyjnego.', en: 'The link has no verification code.' }));
      return;
    }
    let live = true;
    api
      .post('/api/auth/verify-email', { token })
      .then(() => live && setState('done'))
      .catch((e: unknown) => live && setState(e instanceof ApiError ? e : new ApiError(0, 'unknown', { pl: String(e), en: String(e) })));
    return () => {
      live = false;
    };
  }, [token]);

  return (
    <Page title={t('verify.title')}>
      {state === 'working' && (
        <p className="loading" role="status">
          {t('verify.working')}
        </p>
      )}
      {state === 'done' && <Notice kind="success">{t('verify.done')}</Notice>}
      {state instanceof ApiError && <FormAlert error={state} />}
      {state !== 'working' && (
        <p>
          <Link to="/login">{t('register.toLogin')}</Link>
        </p>
      )}
    </Page>
  );
}
