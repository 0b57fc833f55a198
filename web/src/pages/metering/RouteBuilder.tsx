/**
 * Building a route: pick a locality and the streets in the order they are
 * walked (or all of them), preview the stops in walking order, name it, save.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { api, ApiError } from '../../api/client.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { CheckboxField, FormAlert, TextField, focusFirstInvalid } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { navigate } from '../../router.tsx';
import { address, type Localities, type PreviewStop, type RouteDetail } from './types.ts';
import './metering.css';

export default function RouteBuilder() {
  const { t } = useLang();
  const data = useApi<Localities>('/api/staff/routes/streets');
  return (
    <Page title={t('routes.builderTitle')} wide>
      <DataState loaded={data}>{(d) => <Builder localities={d.localities} />}</DataState>
    </Page>
  );
}

function Builder({ localities }: { localities: Localities['localities'] }) {
  const { t, lang } = useLang();
  const form = useRef<HTMLFormElement>(null);
  const [locality, setLocality] = useState(localities[0]?.locality ?? '');
  const [streets, setStreets] = useState<string[]>([]);
  const [onlyRadio, setOnlyRadio] = useState(false);
  const [name, setName] = useState('');
  const [nameError, setNameError] = useState<string>();
  const [preview, setPreview] = useState<PreviewStop[]>();
  const [failure, setFailure] = useState<ApiError | null>(null);
  const [busy, setBusy] = useState(false);
  const streetsOf = localities.find((l) => l.locality === locality)?.streets ?? [];

  useEffect(() => {
    setStreets([]);
    setPreview(undefined);
  }, [locality]);
  useEffect(() => setPreview(undefined), [streets, onlyRadio]);

  const selection = () => ({ locality, ...(streets.length ? { streets } : {}), ...(onlyRadio ? { onlyRadio } : {}) });

  const doPreview = async () => {
    setFailure(null);
    setBusy(true);
    try {
      setPreview((await api.post<{ stops: PreviewStop[] }>('/api/staff/routes/preview', selection())).stops);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setFailure(null);
    if (!name.trim()) {
      setNameError(t('errors.required'));
      return focusFirstInvalid(form.current);
    }
    setNameError(undefined);
    setBusy(true);
    try {
      const route = await api.post<RouteDetail>('/api/staff/routes', { name: name.trim(), ...selection() });
      navigate(`/staff/routes/${route.id}`);
    } catch (err) {
      if (!(err instanceof ApiError)) throw err;
      if (err.code === 'route.name_taken') {
        setNameError(err.text(lang));
        focusFirstInvalid(form.current);
      } else setFailure(err);
    } finally {
      setBusy(false);
    }
  };

  const toggle = (street: string, on: boolean) => setStreets((s) => (on ? [...s, street] : s.filter((x) => x !== street)));

  return (
    <form ref={form} onSubmit={save} noValidate className="form form-wide">
      <FormAlert error={failure} />
      <div className="field">
        <label htmlFor="route-locality">{t('routes.locality')}</label>
        <select id="route-locality" value={locality} onChange={(e) => setLocality(e.target.value)}>
          {localities.map((l) => (
            <option key={l.locality} value={l.locality}>
              {l.locality}
            </option>
          ))}
        </select>
      </div>
      <fieldset>
        <legend>{t('routes.streets')}</legend>
        <p className="hint">{t('routes.streetsHint')}</p>
        <div className="street-grid">
          {streetsOf.map((s) => {
            const at = streets.indexOf(s.street);
            return (
              <CheckboxField
                key={s.street}
                name={`street-${s.street}`}
                checked={at >= 0}
                onChange={(on) => toggle(s.street, on)}
                label={
                  <>
                    {at >= 0 && <span className="order-no">{at + 1}.</span>} {s.street}{' '}
                    <span className="muted">{t('routes.streetCounts', { points: s.servicePoints, radio: s.radioMeters })}</span>
                  </>
                }
              />
            );
          })}
        </div>
      </fieldset>
      <CheckboxField name="onlyRadio" checked={onlyRadio} onChange={setOnlyRadio} label={t('routes.onlyRadio')} />
      <div className="button-row">
        <button type="button" className="button button-secondary" onClick={() => void doPreview()} disabled={busy}>
          {t('routes.preview')}
        </button>
      </div>
      {preview && (
        <section aria-labelledby="preview-title" className="card">
          <h2 id="preview-title">{t('routes.previewTitle', { count: preview.length })}</h2>
          <ol className="preview-list">
            {preview.map((s) => (
              <li key={s.servicePointId}>
                {address(s)} <span className="muted">({s.code}; {s.meters.map((m) => m.serialNumber + (m.radio ? ` (${t('routes.radioShort')})` : '')).join(', ')})</span>
              </li>
            ))}
          </ol>
        </section>
      )}
      <TextField label={t('routes.name')} name="name" value={name} onChange={setName} error={nameError} maxLength={120} required />
      <button type="submit" className="button" disabled={busy}>
        {t('routes.save')}
      </button>
    </form>
  );
}
