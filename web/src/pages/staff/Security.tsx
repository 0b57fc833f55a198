/**
 * Two-factor login for staff: set up an authenticator app by scanning the
 * QR code (or typing the secret), then confirm with a first code.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { FormAlert, Notice, TotpCodeField, focusFirstInvalid } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { totpCode } from '../../lib/password.ts';
import { useSession } from '../../session.tsx';

interface Setup {
  otpauthUrl: string;
  qrSvg: string;
}

/** The base32 secret inside an otpauth:// URL, grouped by four for typing. */
function secretOf(url: string): string {
  try {
    return (new URL(url).searchParams.get('secret') ?? '').replace(/(.{4})/g, '$1 ').trim();
  } catch {
    return '';
  }
}

export default function Security() {
  const { t } = useLang();
  const { user, refresh } = useSession();
  const form = useRef<HTMLFormElement>(null);
  const [setup, setSetup] = useState<Setup>();
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const { busy, failure, setFailure, call } = useApiCall();
  const [enabled, setEnabled] = useState(false);

  const start = async () => {
    setFailure(null);
    await call(async () => {
      setSetup(await api.post<Setup>('/api/auth/totp/setup'));
    });
  };

  const confirm = async (e: FormEvent) => {
    e.preventDefault();
    const c = totpCode(code);
    setFailure(null);
    if (!c) {
      setError(t('errors.totpCode'));
      return focusFirstInvalid(form.current);
    }
    setError(undefined);
    await call(async () => {
      await api.post('/api/auth/totp/enable', { code: c });
      setEnabled(true);
      setSetup(undefined);
      await refresh();
    });
  };

  return (
    <Page title={t('security.title')}>
      {enabled && <Notice kind="success">{t('security.enabledNow')}</Notice>}
      {user?.totpEnabled && !enabled && <Notice kind="success">{t('security.enabled')}</Notice>}
      {!user?.totpEnabled && !setup && (
        <>
          <p>{t('security.intro')}</p>
          <FormAlert error={failure} />
          <button type="button" className="button" onClick={start} disabled={busy}>
            {t('security.start')}
          </button>
        </>
      )}
      {setup && (
        <>
          <ol className="steps">
            <li>{t('security.step1')}</li>
            <li>
              {t('security.step2')}
              <div className="qr">
                <img src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(setup.qrSvg)}`} alt={t('security.qrAlt')} width={200} height={200} />
              </div>
              <p>
                {t('security.manual')} <code className="secret">{secretOf(setup.otpauthUrl)}</code>
              </p>
            </li>
            <li>{t('security.step3')}</li>
          </ol>
          <form ref={form} onSubmit={confirm} noValidate className="form narrow">
            <FormAlert error={failure} />
            <TotpCodeField value={code} onChange={setCode} error={error} />
            <button type="submit" className="button" disabled={busy}>
              {t('security.enable')}
            </button>
          </form>
        </>
      )}
    </Page>
  );
}
