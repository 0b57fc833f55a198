/**
 * A meter's exchange (POST /api/staff/meters/:meterId/exchange): the day, the
 * old meter's final register, the new meter's serial, initial register and
 * verification date, and whether its radio module moves with it. The server
 * checks everything (meters/exchange.ts) and says which field is wrong; this
 * form only makes sure nothing required is empty.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { CheckboxField, FormAlert, TextField, fieldOfError, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { useLang } from '../../i18n/index.ts';

type Field = 'date' | 'finalReading' | 'newSerial' | 'newInitialReading' | 'newLegalizationValidUntil';
const REQUIRED: Field[] = ['date', 'finalReading', 'newSerial', 'newLegalizationValidUntil'];

export function MeterExchange({ meterId, radio, onDone }: { meterId: string; radio: boolean; onDone(newMeterId: number): void }) {
  const { t, lang } = useLang();
  const form = useRef<HTMLFormElement>(null);
  const [v, setV] = useState<Record<Field, string>>({ date: '', finalReading: '', newSerial: '', newInitialReading: '0', newLegalizationValidUntil: '' });
  const [moveRadio, setMoveRadio] = useState(true);
  const [errors, setErrors] = useState<Errors<Field>>({});
  const { busy, failure, call } = useApiCall();
  const set = (k: Field) => (value: string) => setV((s) => ({ ...s, [k]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const errs: Errors<Field> = {};
    for (const k of REQUIRED) if (!v[k].trim()) errs[k] = t('errors.required');
    setErrors(errs);
    if (Object.keys(errs).length) return focusFirstInvalid(form.current);
    await call(
      async () => {
        const out = await api.post<{ newMeterId: number }>(`/api/staff/meters/${encodeURIComponent(meterId)}/exchange`, {
          date: v.date,
          finalReading: v.finalReading.trim(),
          newSerial: v.newSerial.trim(),
          newInitialReading: v.newInitialReading.trim() || '0',
          newLegalizationValidUntil: v.newLegalizationValidUntil,
          ...(radio ? { moveRadio } : {}),
        });
        onDone(out.newMeterId);
      },
      (err) => {
        const f = fieldOfError(err, { date: /exchange_/, finalReading: /final_reading/, newSerial: /serial/, newInitialReading: /initial_reading/, newLegalizationValidUntil: /legalization/ } as Record<Field, RegExp>);
        if (!f) return false;
        setErrors({ [f]: err.text(lang) });
        focusFirstInvalid(form.current);
        return true;
      },
    );
  };

  return (
    <section className="card" aria-labelledby="meter-exchange">
      <h2 id="meter-exchange">{t('meterPage.exchange.title')}</h2>
      <p className="hint">{t('meterPage.exchange.intro')}</p>
      <form ref={form} onSubmit={submit} noValidate className="form">
        <FormAlert error={failure} />
        <TextField label={t('meterPage.exchange.date')} name="date" type="date" value={v.date} onChange={set('date')} error={errors.date} required />
        <TextField label={t('meterPage.exchange.finalReading')} name="finalReading" inputMode="decimal" value={v.finalReading} onChange={set('finalReading')} hint={t('meterPage.exchange.m3Hint')} error={errors.finalReading} required />
        <TextField label={t('meterPage.exchange.newSerial')} name="newSerial" value={v.newSerial} onChange={set('newSerial')} error={errors.newSerial} autoComplete="off" required />
        <TextField label={t('meterPage.exchange.newInitialReading')} name="newInitialReading" inputMode="decimal" value={v.newInitialReading} onChange={set('newInitialReading')} hint={t('meterPage.exchange.m3Hint')} error={errors.newInitialReading} />
        <TextField
          label={t('meterPage.exchange.newLegalization')}
          name="newLegalizationValidUntil"
          type="date"
          value={v.newLegalizationValidUntil}
          onChange={set('newLegalizationValidUntil')}
          error={errors.newLegalizationValidUntil}
          required
        />
        {radio && <CheckboxField label={t('meterPage.exchange.moveRadio')} name="moveRadio" checked={moveRadio} onChange={setMoveRadio} />}
        <button type="submit" className="button" disabled={busy}>
          {t('meterPage.exchange.submit')}
        </button>
      </form>
    </section>
  );
}
