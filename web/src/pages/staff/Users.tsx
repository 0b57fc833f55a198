/**
 * Staff users (administrators only): the list and a form to create one. The
 * new user gets a temporary password and must change it at first login.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import type { StaffRole, StaffUser } from '../../api/types.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { CheckboxField, FormAlert, Notice, TextField, fieldOfError, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { EMAIL, passwordProblem } from '../../lib/password.ts';

const ROLES: StaffRole[] = ['admin', 'customer_service', 'billing', 'meter_reader', 'auditor'];

type Field = 'email' | 'name' | 'roles' | 'password';

export default function Users() {
  const { t, lang } = useLang();
  const users = useApi<{ items: StaffUser[] } | StaffUser[]>('/api/staff/users');
  const form = useRef<HTMLFormElement>(null);
  const [v, setV] = useState({ email: '', name: '', password: '' });
  const [roles, setRoles] = useState<StaffRole[]>([]);
  const [errors, setErrors] = useState<Errors<Field>>({});
  const { busy, failure, setFailure, call } = useApiCall();
  const [created, setCreated] = useState<string>();
  const set = (k: keyof typeof v) => (value: string) => setV((s) => ({ ...s, [k]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<Field> = {};
    if (!EMAIL.test(v.email.trim())) errs.email = t('errors.email');
    if (!v.name.trim()) errs.name = t('errors.required');
    if (roles.length === 0) errs.roles = t('users.pickRole');
    const p = passwordProblem(v.password, v.email.trim());
    if (p) errs.password = t(p);
    setErrors(errs);
    setFailure(null);
    setCreated(undefined);
    if (Object.keys(errs).length) return focusFirstInvalid(form.current);
    await call(
      async () => {
        await api.post('/api/staff/users', { email: v.email.trim(), name: v.name.trim(), roles, password: v.password });
        setCreated(v.email.trim());
        setV({ email: '', name: '', password: '' });
        setRoles([]);
        users.reload();
      },
      (err) => {
        const f = fieldOfError(err, { email: /email/, name: /name/, roles: /role/, password: /password/ } as Record<Field, RegExp>);
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
    <Page title={t('users.title')} wide>
      <DataState loaded={users}>
        {(d) => (
          <DataTable
            caption={t('users.title')}
            columns={[t('fields.name'), t('fields.email'), t('users.roles'), t('users.totp'), t('users.lastLogin')]}
            items={Array.isArray(d) ? d : d.items}
            row={(u) => (
              <tr key={u.id}>
                <th scope="row" data-label={t('fields.name')}>
                  {u.name}
                </th>
                <td data-label={t('fields.email')}>{u.email}</td>
                <td data-label={t('users.roles')}>{u.roles.map((r) => t(`roles.${r}`)).join(', ')}</td>
                <td data-label={t('users.totp')}>{u.totpEnabled ? t('common.yes') : t('common.no')}</td>
                <td data-label={t('users.lastLogin')}>{formatDateTime(u.lastLoginAt, lang)}</td>
              </tr>
            )}
          />
        )}
      </DataState>

      <section className="card" aria-labelledby="new-user">
        <h2 id="new-user">{t('users.create')}</h2>
        {created && <Notice kind="success">{t('users.created', { email: created })}</Notice>}
        <form ref={form} onSubmit={submit} noValidate className="form">
          <FormAlert error={failure} />
          <TextField label={t('fields.name')} name="name" autoComplete="off" value={v.name} onChange={set('name')} error={errors.name} required />
          <TextField label={t('fields.email')} name="email" type="email" autoComplete="off" value={v.email} onChange={set('email')} error={errors.email} required />
          <fieldset className={errors.roles ? 'field-invalid' : undefined} aria-describedby={errors.roles ? 'roles-error' : undefined}>
            <legend>{t('users.roles')}</legend>
            {ROLES.map((r) => (
              <CheckboxField
                key={r}
                name={`role-${r}`}
                label={t(`roles.${r}`)}
                checked={roles.includes(r)}
                onChange={(on) => setRoles((rs) => (on ? [...rs, r] : rs.filter((x) => x !== r)))}
              />
            ))}
            {errors.roles && (
              <p id="roles-error" className="error-text">
                {errors.roles}
              </p>
            )}
          </fieldset>
          <TextField
            label={t('users.tempPassword')}
            name="password"
            type="text"
            autoComplete="off"
            value={v.password}
            onChange={set('password')}
            hint={`${t('password.policy')} ${t('users.tempPasswordHint')}`}
            error={errors.password}
            required
          />
          <button type="submit" className="button" disabled={busy}>
            {t('users.submit')}
          </button>
        </form>
      </section>
    </Page>
  );
}
