/**
 * Password reset: without a token, the request form (the server answers the
 * same whether or not the address is known); with `?token=` from the e-mail,
 * the form for the new password.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { FormAlert, NewPasswordFields, Notice, TextField, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { EMAIL, newPasswordProblems } from '../../lib/password.ts';
import { Link, useLocation } from '../../router.tsx';

export default function ResetPassword() {
  const token = useLocation().search.get('token');
  return token ? <ConfirmReset token={token} /> : <RequestReset />;
}

function RequestReset() {
  const { t } = useLang();
  const form = useRef<HTMLFormElement>(null);
  const [email, setEmail] = useState('');
  const [error, setError] = useState<string>();
  const { busy, failure, setFailure, call } = useApiCall();
  const [sent, setSent] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    if (!EMAIL.test(email.trim())) {
      setError(t('errors.email'));
      return focusFirstInvalid(form.current);
    }
    setError(undefined);
    await call(async () => {
      await api.post('/api/auth/password-reset/request', { email: email.trim() });
      setSent(true);
    });
  };

  return (
    <Page title={t('reset.title')}>
      {sent ? (
        <Notice kind="success">{t('reset.sent')}</Notice>
      ) : (
        <>
          <p>{t('reset.intro')}</p>
          <form ref={form} onSubmit={submit} noValidate className="form narrow">
            <FormAlert error={failure} />
            <TextField label={t('fields.email')} name="email" type="email" autoComplete="email" value={email} onChange={setEmail} error={error} required />
            <button type="submit" className="button" disabled={busy}>
              {t('reset.submit')}
            </button>
          </form>
        </>
      )}
      <p>
        <Link to="/login">{t('register.toLogin')}</Link>
      </p>
    </Page>
  );
}

function ConfirmReset({ token }: { token: string }) {
  const { t } = useLang();
  const form = useRef<HTMLFormElement>(null);
  const [password, setPassword] = useState('');
  const [password2, setPassword2] = useState('');
  const [errors, setErrors] = useState<Errors<'password' | 'password2'>>({});
  const { busy, failure, setFailure, call } = useApiCall();
  const [done, setDone] = useState(false);

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<'password' | 'password2'> = {};
    const np = newPasswordProblems(password, password2);
    if (np.password) errs.password = t(np.password);
    if (np.repeat) errs.password2 = t(np.repeat);
    setErrors(errs);
    setFailure(null);
    if (Object.keys(errs).length) return focusFirstInvalid(form.current);
    await call(async () => {
      await api.post('/api/auth/password-reset/confirm', { token, password });
      setDone(true);
    });
  };

  return (
    <Page title={t('reset.newTitle')}>
      {done ? (
        <Notice kind="success">{t('reset.done')}</Notice>
      ) : (
        <form ref={form} onSubmit={submit} noValidate className="form narrow">
          <FormAlert error={failure} />
          <NewPasswordFields
            label={t('fields.newPassword')}
            name="password"
            value={password}
            repeat={password2}
            onChange={setPassword}
            onRepeatChange={setPassword2}
            error={errors.password}
            repeatError={errors.password2}
          />
          <button type="submit" className="button" disabled={busy}>
            {t('reset.save')}
          </button>
        </form>
      )}
      <p>
        <Link to="/login">{t('register.toLogin')}</Link>
      </p>
    </Page>
  );
}
