/**
 * Password change: at any time, and forced at the first login of an account
 * whose password staff assigned (the session allows nothing else until then).
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { homeOf } from '../../access.ts';
import { FormAlert, NewPasswordFields, Notice, TextField, fieldOfError, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { newPasswordProblems } from '../../lib/password.ts';
import { navigate } from '../../router.tsx';
import { useSession } from '../../session.tsx';

type Field = 'currentPassword' | 'newPassword' | 'password2';

export default function ChangePassword() {
  const { t, lang } = useLang();
  const { user, refresh } = useSession();
  const form = useRef<HTMLFormElement>(null);
  const [v, setV] = useState({ currentPassword: '', newPassword: '', password2: '' });
  const [errors, setErrors] = useState<Errors<Field>>({});
  const { busy, failure, setFailure, call } = useApiCall();
  const forced = !!user?.mustChangePassword;
  const set = (k: Field) => (value: string) => setV((s) => ({ ...s, [k]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<Field> = {};
    if (!v.currentPassword) errs.currentPassword = t('errors.required');
    const np = newPasswordProblems(v.newPassword, v.password2, { email: user?.email, current: v.currentPassword });
    if (np.password) errs.newPassword = t(np.password);
    if (np.repeat) errs.password2 = t(np.repeat);
    setErrors(errs);
    setFailure(null);
    if (Object.keys(errs).length) return focusFirstInvalid(form.current);
    await call(
      async () => {
        await api.post('/api/auth/password', { currentPassword: v.currentPassword, newPassword: v.newPassword });
        const u = await refresh();
        navigate(`${homeOf(u)}`);
      },
      (err) => {
        const f = fieldOfError(err, { currentPassword: /invalid_credentials|current/, newPassword: /^password\./ } as Record<Field, RegExp>);
        if (f) {
          setErrors({ [f]: err.text(lang) });
          focusFirstInvalid(form.current);
          return true;
        }
        return false;
      },
    );
  };

  return (
    <Page title={t('changePassword.title')}>
      {forced && <Notice kind="warning">{t('changePassword.forced')}</Notice>}
      <form ref={form} onSubmit={submit} noValidate className="form narrow">
        <FormAlert error={failure} />
        <TextField
          label={t('fields.currentPassword')}
          name="currentPassword"
          type="password"
          autoComplete="current-password"
          value={v.currentPassword}
          onChange={set('currentPassword')}
          error={errors.currentPassword}
          required
        />
        <NewPasswordFields
          label={t('fields.newPassword')}
          name="newPassword"
          value={v.newPassword}
          repeat={v.password2}
          onChange={set('newPassword')}
          onRepeatChange={set('password2')}
          error={errors.newPassword}
          repeatError={errors.password2}
        />
        <button type="submit" className="button" disabled={busy}>
          {t('changePassword.submit')}
        </button>
      </form>
    </Page>
  );
}
