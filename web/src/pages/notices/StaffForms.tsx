/**
 * `/staff/forms`: the forms to download, published or not, with publish and
 * withdraw; a form to upload a new one (PDF, DOCX or ODT up to 10 MB).
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { mayAccess } from '../../access.ts';
import { DataState, DataTable, useApi } from '../../components/data.tsx';
import { CheckboxField, FormAlert, Notice, SelectField, TextField, fieldOfError, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useSession } from '../../session.tsx';
import { FORM_CATEGORIES, fileLabel, type FormItem } from './types.ts';
import './notices.css';

type Field = 'title' | 'file' | 'category';
const MAX_BYTES = 10 * 1024 * 1024;
const ALLOWED = /\.(pdf|docx|odt)$/i;

export default function StaffForms() {
  const { t, lang } = useLang();
  const { user } = useSession();
  const forms = useApi<{ items: FormItem[] }>('/api/staff/forms');
  const mayWrite = mayAccess('staff:customer_service', user);
  const form = useRef<HTMLFormElement>(null);
  const fileInput = useRef<HTMLInputElement>(null);
  const [category, setCategory] = useState('billing');
  const [title, setTitle] = useState('');
  const [description, setDescription] = useState('');
  const [publish, setPublish] = useState(true);
  const [errors, setErrors] = useState<Errors<Field>>({});
  const [done, setDone] = useState<string>();
  const { busy, failure, setFailure, call } = useApiCall();

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const file = fileInput.current?.files?.[0];
    const errs: Errors<Field> = {};
    if (!title.trim()) errs.title = t('errors.required');
    if (!file) errs.file = t('notices.err.fileMissing');
    else if (!ALLOWED.test(file.name)) errs.file = t('notices.err.fileType');
    else if (file.size > MAX_BYTES) errs.file = t('notices.err.fileSize');
    setErrors(errs);
    setFailure(null);
    setDone(undefined);
    if (Object.keys(errs).length || !file) return focusFirstInvalid(form.current);
    const fd = new FormData();
    fd.set('category', category);
    fd.set('title', title.trim());
    fd.set('description', description.trim());
    fd.set('publish', String(publish));
    fd.set('file', file);
    await call(
      async () => {
        await api.post('/api/staff/forms', fd);
        setDone(t('notices.formUploaded', { title: title.trim() }));
        setTitle('');
        setDescription('');
        if (fileInput.current) fileInput.current.value = '';
        forms.reload();
      },
      (err) => {
        const f = fieldOfError(err, { title: /title/, file: /file|too_large/, category: /category/ } as Record<Field, RegExp>);
        if (f) {
          setErrors({ [f]: err.text(lang) });
          focusFirstInvalid(form.current);
          return true;
        }
        return false;
      },
    );
  };

  const toggle = (f: FormItem) =>
    call(async () => {
      await api.post(`/api/staff/forms/${f.id}/${f.publishedAt ? 'withdraw' : 'publish'}`);
      forms.reload();
    });

  return (
    <Page title={t('notices.staffFormsTitle')} wide>
      {done && <Notice kind="success">{done}</Notice>}
      <DataState loaded={forms}>
        {(d) => (
          <DataTable
            caption={t('notices.staffFormsTitle')}
            columns={[t('notices.title'), t('notices.categoryLabel'), t('notices.file'), t('notices.published'), ...(mayWrite ? [t('notices.actions')] : [])]}
            items={d.items}
            ifEmpty={<p>{t('notices.formsNone')}</p>}
            row={(f) => (
              <tr key={f.id}>
                <th scope="row" data-label={t('notices.title')}>
                  {f.title}
                </th>
                <td data-label={t('notices.categoryLabel')}>{t(`notices.category.${f.category}`)}</td>
                <td data-label={t('notices.file')}>
                  <a href={api.url(`/api/staff/forms/${f.id}/file`)} download={f.fileName}>
                    {f.fileName}
                  </a>{' '}
                  ({fileLabel(f)})
                </td>
                <td data-label={t('notices.published')}>{f.publishedAt ? formatDateTime(f.publishedAt, lang) : t('notices.notPublished')}</td>
                {mayWrite && (
                  <td data-label={t('notices.actions')}>
                    <button type="button" className="button button-secondary" disabled={busy} onClick={() => void toggle(f)} aria-label={`${f.publishedAt ? t('notices.withdraw') : t('notices.publishForm')}: ${f.title}`}>
                      {f.publishedAt ? t('notices.withdraw') : t('notices.publishForm')}
                    </button>
                  </td>
                )}
              </tr>
            )}
          />
        )}
      </DataState>
      {mayWrite && (
        <section className="card notices-card" aria-labelledby="new-form">
          <h2 id="new-form">{t('notices.uploadForm')}</h2>
          <form ref={form} onSubmit={submit} noValidate className="form">
            <FormAlert error={failure} />
            <SelectField label={t('notices.categoryLabel')} name="category" value={category} onChange={setCategory} error={errors.category} options={FORM_CATEGORIES.map((c) => ({ value: c, label: t(`notices.category.${c}`) }))} />
            <TextField label={t('notices.title')} name="title" value={title} onChange={setTitle} error={errors.title} maxLength={200} required />
            <TextField label={t('notices.description')} name="description" value={description} onChange={setDescription} maxLength={2000} />
            <div className={`field${errors.file ? ' field-invalid' : ''}`}>
              <label htmlFor="form-file">{t('notices.file')}</label>
              <div id="form-file-hint" className="hint">
                {t('notices.fileHint')}
              </div>
              <input
                id="form-file"
                ref={fileInput}
                type="file"
                name="file"
                accept=".pdf,.docx,.odt,application/pdf,application/vnd.openxmlformats-officedocument.wordprocessingml.document,application/vnd.oasis.opendocument.text"
                aria-invalid={errors.file ? true : undefined}
                aria-describedby={errors.file ? 'form-file-hint form-file-error' : 'form-file-hint'}
              />
              {errors.file && (
                <p id="form-file-error" className="error-text">
                  {errors.file}
                </p>
              )}
            </div>
            <CheckboxField name="publish" label={t('notices.publishNow')} checked={publish} onChange={setPublish} />
            <button type="submit" className="button" disabled={busy}>
              {t('notices.upload')}
            </button>
          </form>
        </section>
      )}
    </Page>
  );
}
