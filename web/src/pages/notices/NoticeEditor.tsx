/**
 * `/staff/notices/new`: kind, title, text, time window and the area
 * (localities, streets, house-number ranges, any number of rows); "show
 * whom it concerns" previews the service points and customers before the
 * notice is saved as a draft (publishing is a separate step on its page).
 * The checks are the server's: an empty area, a row without locality, a
 * range without street or the wrong way round.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api, type ApiError } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { FormAlert, SelectField, TextAreaField, TextField, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { navigate } from '../../router.tsx';
import { AffectedList } from './AffectedList.tsx';
import type { Affected } from './types.ts';
import './notices.css';

interface Row {
  locality: string;
  street: string;
  from: string;
  to: string;
}
type Field = 'title' | 'startsAt' | 'endsAt' | 'areas';
const KINDS = ['outage', 'planned_interruption', 'works', 'info'] as const;
const emptyRow = (): Row => ({ locality: '', street: '', from: '', to: '' });

/** A datetime-local value ("2026-12-07T14:00") as the browser's (Warsaw) time, in ISO. */
const toIso = (v: string) => new Date(v).toISOString();
const localNow = (plusHours = 0) => {
  const d = new Date(Date.now() + plusHours * 3_600_000);
  d.setMinutes(0, 0, 0);
  return new Date(d.getTime() - d.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
};

export default function NoticeEditor() {
  const { t, lang } = useLang();
  const form = useRef<HTMLFormElement>(null);
  const [kind, setKind] = useState<string>('outage');
  const [title, setTitle] = useState('');
  const [body, setBody] = useState('');
  const [startsAt, setStartsAt] = useState(localNow());
  const [endsAt, setEndsAt] = useState(localNow(6));
  const [rows, setRows] = useState<Row[]>([emptyRow()]);
  const [errors, setErrors] = useState<Errors<Field>>({});
  const [rowErrors, setRowErrors] = useState<Record<number, string>>({});
  const [preview, setPreview] = useState<Affected>();
  const { busy, failure, setFailure, call } = useApiCall();

  const setRow = (i: number, k: keyof Row) => (v: string) => setRows((rs) => rs.map((r, j) => (j === i ? { ...r, [k]: v } : r)));
  const num = (s: string) => (s.trim() === '' ? null : Number(s));

  /** The same rules as the server, so the message comes at once. */
  const checkRows = (): boolean => {
    const errs: Record<number, string> = {};
    const filled = rows.filter((r) => r.locality.trim() || r.street.trim() || r.from.trim() || r.to.trim());
    rows.forEach((r, i) => {
      if (!(r.locality.trim() || r.street.trim() || r.from.trim() || r.to.trim())) return;
      const from = num(r.from);
      const to = num(r.to);
      if (!r.locality.trim()) errs[i] = t('notices.err.locality');
      else if ((from !== null && !Number.isInteger(from)) || (to !== null && !Number.isInteger(to)) || (from ?? 0) < 0 || (to ?? 0) < 0) errs[i] = t('notices.err.number');
      else if ((from !== null || to !== null) && !r.street.trim()) errs[i] = t('notices.err.rangeStreet');
      else if (from !== null && to !== null && from > to) errs[i] = t('notices.err.range');
    });
    setRowErrors(errs);
    const ok = Object.keys(errs).length === 0 && filled.length > 0;
    setErrors((e) => ({ ...e, areas: filled.length === 0 ? t('notices.err.areaEmpty') : undefined }));
    return ok;
  };

  const areas = () =>
    rows
      .filter((r) => r.locality.trim() || r.street.trim() || r.from.trim() || r.to.trim())
      .map((r) => ({ locality: r.locality.trim(), street: r.street.trim() || null, fromNumber: num(r.from), toNumber: num(r.to) }));

  const serverRefusal = (err: ApiError) => {
    if (err.code.startsWith('notices.area')) {
      setErrors((e) => ({ ...e, areas: err.text(lang) }));
      focusFirstInvalid(form.current);
      return true;
    }
    return false;
  };

  const showPreview = async () => {
    setFailure(null);
    if (!checkRows()) return focusFirstInvalid(form.current);
    await call(async () => setPreview(await api.post<Affected>('/api/staff/notices/preview', { areas: areas() })), serverRefusal);
  };

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<Field> = {};
    if (!title.trim()) errs.title = t('errors.required');
    if (!startsAt) errs.startsAt = t('errors.required');
    if (endsAt && startsAt && Date.parse(toIso(endsAt)) <= Date.parse(toIso(startsAt))) errs.endsAt = t('notices.err.endsBeforeStart');
    const areaOk = checkRows();
    setErrors((prev) => ({ ...errs, areas: prev.areas }));
    setFailure(null);
    if (Object.keys(errs).length || !areaOk) return focusFirstInvalid(form.current);
    await call(async () => {
      const r = await api.post<{ id: number }>('/api/staff/notices', {
        kind,
        title: title.trim(),
        body: body.trim(),
        startsAt: toIso(startsAt),
        endsAt: endsAt ? toIso(endsAt) : null,
        areas: areas(),
      });
      navigate(`/staff/notices/${r.id}`);
    }, serverRefusal);
  };

  return (
    <Page title={t('notices.new')} wide>
      <form ref={form} onSubmit={submit} noValidate className="form">
        <FormAlert error={failure} />
        <SelectField label={t('notices.kindLabel')} name="kind" value={kind} onChange={setKind} options={KINDS.map((k) => ({ value: k, label: t(`notices.kind.${k}`) }))} />
        <TextField label={t('notices.title')} name="title" value={title} onChange={setTitle} error={errors.title} maxLength={200} required />
        <TextAreaField label={t('notices.body')} name="body" value={body} onChange={setBody} hint={t('notices.bodyHint')} />
        <TextField label={t('notices.startsAt')} name="startsAt" type="datetime-local" value={startsAt} onChange={setStartsAt} error={errors.startsAt} required />
        <TextField label={t('notices.endsAt')} name="endsAt" type="datetime-local" value={endsAt} onChange={setEndsAt} error={errors.endsAt} hint={t('notices.endsAtHint')} />
        <fieldset className={errors.areas ? 'field-invalid' : undefined} aria-describedby={errors.areas ? 'areas-error' : 'areas-hint'}>
          <legend>{t('notices.area')}</legend>
          <p id="areas-hint" className="hint">
            {t('notices.areaHint')}
          </p>
          {rows.map((r, i) => (
            <fieldset key={i} className="area-row">
              <legend>{t('notices.areaRow', { n: i + 1 })}</legend>
              <TextField label={t('notices.locality')} name={`locality-${i}`} value={r.locality} onChange={setRow(i, 'locality')} error={rowErrors[i]} />
              <TextField label={t('notices.streetOptional')} name={`street-${i}`} value={r.street} onChange={setRow(i, 'street')} />
              <TextField label={t('notices.fromNumber')} name={`from-${i}`} inputMode="numeric" value={r.from} onChange={setRow(i, 'from')} />
              <TextField label={t('notices.toNumber')} name={`to-${i}`} inputMode="numeric" value={r.to} onChange={setRow(i, 'to')} />
              {rows.length > 1 && (
                <button type="button" className="button button-secondary" onClick={() => setRows((rs) => rs.filter((_, j) => j !== i))}>
                  {t('notices.removeRow', { n: i + 1 })}
                </button>
              )}
            </fieldset>
          ))}
          {errors.areas && (
            <p id="areas-error" className="error-text">
              {errors.areas}
            </p>
          )}
          <div className="button-row">
            <button type="button" className="button button-secondary" onClick={() => setRows((rs) => [...rs, emptyRow()])}>
              {t('notices.addRow')}
            </button>
            <button type="button" className="button button-secondary" onClick={showPreview} disabled={busy}>
              {t('notices.preview')}
            </button>
          </div>
        </fieldset>
        {preview && (
          <section aria-labelledby="preview-title">
            <h2 id="preview-title">{t('notices.previewTitle')}</h2>
            <AffectedList affected={preview} />
          </section>
        )}
        <button type="submit" className="button" disabled={busy}>
          {t('notices.saveDraft')}
        </button>
      </form>
    </Page>
  );
}
