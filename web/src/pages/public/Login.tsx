/**
 * Login in up to three steps, as the server answers `next`: e-mail and
 * password; for staff with two-factor login the TOTP code; for an account
 * whose password was set by staff, the forced change (a page of its own).
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import type { LoginResult } from '../../api/types.ts';
import { homeOf } from '../../access.ts';
import { FormAlert, Notice, TextField, TotpCodeField, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { EMAIL, totpCode } from '../../lib/password.ts';
import { Link, Redirect, navigate, useLocation } from '../../router.tsx';
import { useSession } from '../../session.tsx';

/** Only paths inside the app may be a `next` target (no open redirect). */
function safeNext(next: string | null): string | undefined {
  return next && next.startsWith('/') && !next.startsWith('//') ? next : undefined;
}

export default function Login() {
  const { t } = useLang();
  const { user, setUser } = useSession();
  const { search } = useLocation();
  const next = safeNext(search.get('next'));

  const done = (r: LoginResult) => {
    setUser(r.user);
    if (r.next === 'change_password') navigate('/change-password');
    else if (r.next === 'done') navigate(next ?? homeOf(r.user));
  };

  if (user && !user.mfaPending) return <Redirect to={user.mustChangePassword ? '/change-password' : (next ?? homeOf(user))} />;
  if (user?.mfaPending) return <TotpStep onDone={done} />;

  return (
    <Page title={t('login.title')}>
      {search.get('loggedOut') && <Notice kind="success">{t('login.loggedOut')}</Notice>}
      <PasswordStep onDone={done} />
      <ul className="link-list">
        <li>
          <Link to="/reset-password">{t('login.forgot')}</Link>
        </li>
        <li>
          <Link to="/register">{t('login.register')}</Link>
        </li>
        <li>
          <Link to="/notices">{t('notices.nav.notices')}</Link>
        </li>
        <li>
          <Link to="/forms">{t('notices.nav.forms')}</Link>
        </li>
      </ul>
    </Page>
  );
}

function PasswordStep({ onDone }: { onDone(r: LoginResult): void }) {
  const { t } = useLang();
  const form = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [errors, setErrors] = useState<Errors<'email' | 'password'>>({});
  const { busy, failure, setFailure, call } = useApiCall();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<'email' | 'password'> = {};
    if (!EMAIL.test(email.trim())) errs.email = t('errors.email');
    if (!password) errs.password = t('errors.required');
    setErrors(errs);
    setFailure(null);
    if (Object.keys(errs).length) return focusFirstInvalid(form.current);
    await call(async () => {
      onDone(await api.post<LoginResult>('/api/auth/login', { email: email.trim(), password }));
    });
  };

  return (
    <form ref={form} onSubmit={submit} noValidate className="form narrow">
      <FormAlert error={failure} />
      <TextField label={t('fields.email')} name="email" type="email" autoComplete="username" value={email} onChange={setEmail} error={errors.email} required />
      <TextField
        label={t('fields.password')}
        name="password"
        type="password"
        autoComplete="current-password"
        value={password}
        onChange={setPassword}
        error={errors.password}
        required
      />
      <button type="submit" className="button" disabled={busy}>
        {t('login.submit')}
      </button>
    </form>
  );
}

function TotpStep({ onDone }: { onDone(r: LoginResult): void }) {
  const { t } = useLang();
  const { logout } = useSession();
  const form = useRef<HTMLFormElement>(null);
  const [code, setCode] = useState('');
  const [error, setError] = useState<string>();
  const { busy, failure, setFailure, call } = useApiCall();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const c = totpCode(code);
    setFailure(null);
    if (!c) {
      setError(t('errors.totpCode'));
      return focusFirstInvalid(form.current);
    }
    setError(undefined);
    await call(async () => {
      onDone(await api.post<LoginResult>('/api/auth/totp', { code: c }));
    });
  };

  return (
    <Page title={t('login.totpTitle')}>
      <p>{t('login.totpText')}</p>
      <form ref={form} onSubmit={submit} noValidate className="form narrow">
        <FormAlert error={failure} />
        <TotpCodeField value={code} onChange={setCode} error={error} />
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            {t('login.verify')}
          </button>
          <button type="button" className="button button-secondary" onClick={() => void logout()}>
            {t('common.cancel')}
          </button>
        </div>
      </form>
    </Page>
  );
}
