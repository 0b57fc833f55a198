/**
 * The customer's reading of one meter, with an optional photo of the
 * register. Judged at once by the same rules the server applies
 * (src/modules/readings/rules.ts), so the messages are the same; a jump far
 * above the usual is confirmed by the customer and then waits for staff.
 */
import { useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { CheckboxField, focusFirstInvalid, FormAlert, Notice, TextField } from '../../components/forms.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatVolume } from '../../lib/format.ts';
import { checkPhotoFile, judgeSubmission, type RuleMessage } from '../../../../src/modules/readings/rules.ts';
import type { PortalMeter } from './types.ts';

interface Saved {
  id: number;
  valueM3: string;
  status: string;
  statusReason: string | null;
}

export function SubmitReadingForm({ customerId, meter, onSaved }: { customerId: number; meter: PortalMeter; onSaved(): void }) {
  const { t, lang } = useLang();
  const [value, setValue] = useState('');
  const [photo, setPhoto] = useState<File | null>(null);
  const [confirm, setConfirm] = useState(false);
  const [needsConfirm, setNeedsConfirm] = useState(false);
  const [valueError, setValueError] = useState<string>();
  const [photoError, setPhotoError] = useState<string>();
  const [saved, setSaved] = useState<Saved | null>(null);
  const { busy, failure, call } = useApiCall();
  const text = (m: RuleMessage) => (lang === 'en' ? m.en : m.pl);
  const id = `reading-${meter.id}`;

  function check(v: string, confirmed: boolean): boolean {
    const verdict = judgeSubmission(v, { last: meter.judgeBasis, avgDailyM3: meter.avgDailyM3 }, Date.now(), confirmed);
    if (verdict.ok) {
      setValueError(undefined);
      return true;
    }
    setNeedsConfirm(!!verdict.needsConfirmation);
    setValueError(text(verdict.error));
    return false;
  }

  async function submit(e: FormEvent<HTMLFormElement>) {
    e.preventDefault();
    const form = e.currentTarget;
    setSaved(null);
    const photoProblem = photo ? checkPhotoFile(photo.size, photo.type, photo.name) : null;
    setPhotoError(photoProblem ? text(photoProblem) : undefined);
    const ok = check(value, confirm);
    if (!ok || photoProblem) {
      focusFirstInvalid(form);
      return;
    }
    const body = new FormData();
    body.set('value', value.trim());
    if (confirm) body.set('confirm', 'true');
    if (photo) body.set('photo', photo, photo.name);
    await call(
      async () => {
        const r = await api.post<Saved>(`/api/customers/${customerId}/meters/${meter.id}/readings`, body);
        setSaved(r);
        setValue('');
        setPhoto(null);
        setConfirm(false);
        setNeedsConfirm(false);
        onSaved();
      },
      (err: ApiError) => {
        // The server's refusals of the value and the photo are shown at their field, as the form's own are.
        if (err.code === 'readings.confirm_jump') setNeedsConfirm(true);
        if (err.code.startsWith('readings.photo')) {
          setPhotoError(err.text(lang));
          focusFirstInvalid(form);
          return true;
        }
        if (err.code === 'readings.value_invalid' || err.code === 'readings.below_last' || err.code === 'readings.confirm_jump') {
          setValueError(err.text(lang));
          focusFirstInvalid(form);
          return true;
        }
        return false;
      },
    );
  }

  return (
    <form className="form reading-form" onSubmit={submit} noValidate aria-labelledby={`${id}-title`}>
      <h4 id={`${id}-title`}>{t('readingsPortal.submit.title', { serial: meter.serialNumber })}</h4>
      {saved && (
        <Notice kind={saved.status === 'pending' ? 'warning' : 'success'}>
          {saved.status === 'pending'
            ? t('readingsPortal.submit.savedPending', { value: formatVolume(saved.valueM3, lang) })
            : t('readingsPortal.submit.saved', { value: formatVolume(saved.valueM3, lang) })}
        </Notice>
      )}
      <FormAlert error={failure} />
      <TextField
        label={t('readingsPortal.submit.value')}
        name="value"
        inputMode="decimal"
        autoComplete="off"
        value={value}
        onChange={(v) => {
          setValue(v);
          if (valueError) check(v, confirm);
        }}
        hint={
          meter.lastReading
            ? t('readingsPortal.submit.hintLast', { value: formatVolume(meter.lastReading.valueM3, lang) })
            : t('readingsPortal.submit.hint')
        }
        error={valueError}
        required
      />
      {needsConfirm && (
        <CheckboxField
          name="confirm"
          label={t('readingsPortal.submit.confirm')}
          checked={confirm}
          onChange={(c) => {
            setConfirm(c);
            if (c) setValueError(undefined);
          }}
        />
      )}
      <div className={`field${photoError ? ' field-invalid' : ''}`}>
        <label htmlFor={`${id}-photo`}>{t('readingsPortal.submit.photo')}</label>
        <div id={`${id}-photo-hint`} className="hint">
          {t('readingsPortal.submit.photoHint')}
        </div>
        <input
          id={`${id}-photo`}
          name="photo"
          type="file"
          accept="image/jpeg,image/png,image/heic,image/heif,.heic,.heif"
          aria-invalid={photoError ? true : undefined}
          aria-describedby={`${id}-photo-hint${photoError ? ` ${id}-photo-error` : ''}`}
          onChange={(e) => {
            const f = e.target.files?.[0] ?? null;
            setPhoto(f);
            const p = f ? checkPhotoFile(f.size, f.type, f.name) : null;
            setPhotoError(p ? text(p) : undefined);
          }}
        />
        {photoError && (
          <p id={`${id}-photo-error`} className="error-text">
            {photoError}
          </p>
        )}
      </div>
      <div className="button-row">
        <button type="submit" className="button" disabled={busy}>
          {t('readingsPortal.submit.send')}
        </button>
      </div>
    </form>
  );
}
