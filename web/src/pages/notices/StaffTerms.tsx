/**
 * `/staff/terms`: the versions of the terms with how many users accepted
 * each; the administrator publishes a new version of the portal terms,
 * which every existing portal user accepts at the next sign-in.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { mayAccess } from '../../access.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { FormAlert, Notice, TextAreaField, TextField, fieldOfError, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useSession } from '../../session.tsx';
import './notices.css';

interface Version {
  id: number;
  kind: string;
  version: string;
  title: string;
  publishedAt: string;
  acceptedBy: number;
}
type Field = 'version' | 'title' | 'body';

export default function StaffTerms() {
  const { t, lang } = useLang();
  const { user } = useSession();
  const versions = useApi<{ items: Version[] }>('/api/staff/terms');
  const isAdmin = mayAccess('staff:admin', user);
  const form = useRef<HTMLFormElement>(null);
  const [v, setV] = useState({ version: '', title: '', body: '' });
  const [errors, setErrors] = useState<Errors<Field>>({});
  const [done, setDone] = useState<string>();
  const { busy, failure, setFailure, call } = useApiCall();
  const set = (k: Field) => (value: string) => setV((s) => ({ ...s, [k]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<Field> = {};
    if (!v.version.trim()) errs.version = t('errors.required');
    if (!v.title.trim()) errs.title = t('errors.required');
    if (v.body.trim().length < 20) errs.body = t('notices.err.termsBody');
    setErrors(errs);
    setFailure(null);
    setDone(undefined);
    if (Object.keys(errs).length) return focusFirstInvalid(form.current);
    await call(
      async () => {
        await api.post('/api/staff/terms', { version: v.version.trim(), title: v.title.trim(), body: v.body.trim() });
        setDone(t('notices.termsPublished', { version: v.version.trim() }));
        setV({ version: '', title: '', body: '' });
        versions.reload();
      },
      (err) => {
        const f = fieldOfError(err, { version: /version/, title: /title/, body: /body/ } as Record<Field, RegExp>);
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
    <Page title={t('notices.staffTermsTitle')} wide>
      {done && <Notice kind="success">{done}</Notice>}
      <DataState loaded={versions}>
        {(d) => (
          <DataTable
            caption={t('notices.staffTermsTitle')}
            columns={[t('notices.termsKind'), t('notices.termsVersion'), t('notices.title'), t('notices.published'), { label: t('notices.acceptedBy'), className: 'num' }]}
            items={d.items}
            row={(r) => (
              <tr key={r.id}>
                <td data-label={t('notices.termsKind')}>{t(`notices.termsKinds.${r.kind}`)}</td>
                <th scope="row" data-label={t('notices.termsVersion')}>
                  {r.version}
                </th>
                <td data-label={t('notices.title')}>{r.title}</td>
                <td data-label={t('notices.published')}>{formatDateTime(r.publishedAt, lang)}</td>
                <td data-label={t('notices.acceptedBy')} className="num">
                  {r.acceptedBy.toLocaleString('pl-PL')}
                </td>
              </tr>
            )}
          />
        )}
      </DataState>
      {isAdmin && (
        <section className="card notices-card" aria-labelledby="new-terms">
          <h2 id="new-terms">{t('notices.newTerms')}</h2>
          <p>{t('notices.newTermsHint')}</p>
          <form ref={form} onSubmit={submit} noValidate className="form">
            <FormAlert error={failure} />
            <TextField label={t('notices.termsVersion')} name="version" value={v.version} onChange={set('version')} error={errors.version} hint={t('notices.versionHint')} maxLength={40} required />
            <TextField label={t('notices.title')} name="title" value={v.title} onChange={set('title')} error={errors.title} maxLength={200} required />
            <TextAreaField label={t('notices.termsBody')} name="body" value={v.body} onChange={set('body')} error={errors.body} rows={12} />
            <button type="submit" className="button" disabled={busy}>
              {t('notices.publishTerms')}
            </button>
          </form>
        </section>
      )}
    </Page>
  );
}
