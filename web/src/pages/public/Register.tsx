/**
 * Registration with the customer number and the activation code from an
 * invoice or an activation letter, an e-mail address, a password within the
 * policy and acceptance of the current portal terms. The server then sends
 * a verification link to the address.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import type { Terms } from '../../api/types.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { CheckboxField, FormAlert, NewPasswordFields, Notice, TextField, fieldOfError, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { EMAIL, newPasswordProblems } from '../../lib/password.ts';
import { Link } from '../../router.tsx';

type Field = 'customerNumber' | 'activationCode' | 'email' | 'password' | 'password2' | 'acceptTerms';

const SERVER_FIELDS: Record<Exclude<Field, 'password2'>, RegExp> = {
  customerNumber: /customer_number|customer\.not_found/,
  activationCode: /activation/,
  email: /email/,
  password: /password/,
  acceptTerms: /terms/,
};

export default function Register() {
  const { t, lang } = useLang();
  const terms = useApi<Terms>('/api/terms/current', { kind: 'portal' });
  const form = useRef<HTMLFormElement>(null);
  const [v, setV] = useState({ customerNumber: '', activationCode: '', email: '', password: '', password2: '' });
  const [accept, setAccept] = useState(false);
  const [errors, setErrors] = useState<Errors<Field>>({});
  const { busy, failure, setFailure, call } = useApiCall();
  const [sentTo, setSentTo] = useState<string>();
  const set = (k: keyof typeof v) => (value: string) => setV((s) => ({ ...s, [k]: value }));

  const validate = (): Errors<Field> => {
    const e: Errors<Field> = {};
    if (!v.customerNumber.trim()) e.customerNumber = t('errors.required');
    if (!v.activationCode.trim()) e.activationCode = t('errors.required');
    if (!EMAIL.test(v.email.trim())) e.email = t('errors.email');
    const np = newPasswordProblems(v.password, v.password2, { email: v.email.trim(), requiredWhenEmpty: true });
    if (np.password) e.password = t(np.password);
    if (np.repeat) e.password2 = t(np.repeat);
    if (!accept) e.acceptTerms = t('register.mustAccept');
    return e;
  };

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    const e = validate();
    setErrors(e);
    setFailure(null);
    if (Object.keys(e).length || !terms.data) return focusFirstInvalid(form.current);
    const termsVersionId = terms.data.id;
    await call(
      async () => {
        await api.post('/api/auth/register', {
          customerNumber: v.customerNumber.trim(),
          activationCode: v.activationCode.trim(),
          email: v.email.trim(),
          password: v.password,
          acceptTerms: true,
          termsVersionId,
        });
        setSentTo(v.email.trim());
      },
      (err) => {
        const f = fieldOfError(err, SERVER_FIELDS);
        if (f) {
          setErrors({ [f]: err.text(lang) });
          focusFirstInvalid(form.current);
          return true;
        }
        return false;
      },
    );
  };

  if (sentTo)
    return (
      <Page title={t('register.title')}>
        <Notice kind="success">{t('register.sent', { email: sentTo })}</Notice>
        <p>
          <Link to="/login">{t('register.toLogin')}</Link>
        </p>
      </Page>
    );

  const count = Object.keys(errors).length;
  return (
    <Page title={t('register.title')}>
      <p>{t('register.intro')}</p>
      <form ref={form} onSubmit={submit} noValidate className="form">
        <FormAlert error={failure}>{count > 0 && !failure ? t('errors.summary', { count }) : undefined}</FormAlert>
        <fieldset>
          <legend>{t('register.customerData')}</legend>
          <TextField
            label={t('fields.customerNumber')}
            name="customerNumber"
            autoComplete="off"
            value={v.customerNumber}
            onChange={set('customerNumber')}
            hint={t('register.customerNumberHint')}
            error={errors.customerNumber}
            required
          />
          <TextField
            label={t('fields.activationCode')}
            name="activationCode"
            autoComplete="off"
            value={v.activationCode}
            onChange={set('activationCode')}
            hint={t('register.activationCodeHint')}
            error={errors.activationCode}
            required
          />
        </fieldset>
        <fieldset>
          <legend>{t('register.account')}</legend>
          <TextField label={t('fields.email')} name="email" type="email" autoComplete="email" value={v.email} onChange={set('email')} error={errors.email} required />
          <NewPasswordFields
            label={t('fields.password')}
            name="password"
            value={v.password}
            repeat={v.password2}
            onChange={set('password')}
            onRepeatChange={set('password2')}
            error={errors.password}
            repeatError={errors.password2}
          />
        </fieldset>
        <fieldset>
          <legend>{t('register.terms')}</legend>
          <DataState loaded={terms}>
            {(tm) => (
              <>
                <section className="terms" tabIndex={0} aria-label={`${tm.title} (${t('register.version')} ${tm.version})`}>
                  <h2>{tm.title}</h2>
                  <p className="hint">
                    {t('register.version')} {tm.version}
                  </p>
                  {tm.body.split(/\n{2,}/).map((para, i) => (
                    <p key={i}>{para}</p>
                  ))}
                </section>
                <CheckboxField
                  name="acceptTerms"
                  label={t('register.accept', { title: tm.title })}
                  checked={accept}
                  onChange={setAccept}
                  error={errors.acceptTerms}
                />
              </>
            )}
          </DataState>
        </fieldset>
        <button type="submit" className="button" disabled={busy}>
          {t('register.submit')}
        </button>
      </form>
      <p>
        {t('register.haveAccount')} <Link to="/login">{t('login.title')}</Link>
      </p>
    </Page>
  );
}
