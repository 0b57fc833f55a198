/**
 * A new case (/portal/cases/new): a complaint (optionally about one of the
 * customer's invoices), a failure report (place, description, a photo) or a
 * message. Checked here with the server's own rules and words
 * (src/modules/cases/rules.ts) before anything is sent; what only the server
 * can know (an ended contract, someone else's invoice) comes back the same way.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import type { PortalOverview } from '../../api/types.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { FormAlert, TextField, focusFirstInvalid, type Errors } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate, formatMoney } from '../../lib/format.ts';
import { navigate, useLocation } from '../../router.tsx';
import { contractClosed, CUSTOMER_KINDS, newCaseProblems } from '../../../../src/modules/cases/rules.ts';
import { PhotoField, say, SelectField, TextAreaField } from './common.tsx';

type Field = 'customerId' | 'kind' | 'subject' | 'body' | 'place' | 'contractId' | 'invoiceId' | 'attachment';
const FIELDS: Field[] = ['customerId', 'kind', 'subject', 'body', 'place', 'contractId', 'invoiceId', 'attachment'];

interface InvoiceChoice {
  id: number;
  customerId: number;
  invoiceNumber: string;
  issueDate: string;
  grossGrosze: number;
}

export default function NewCase() {
  const { t, lang } = useLang();
  const { search } = useLocation();
  const overview = useApi<PortalOverview>('/api/portal/overview');
  const invoices = useApi<{ items: InvoiceChoice[] }>('/api/portal/case-invoices');
  const form = useRef<HTMLFormElement>(null);
  const initialKind = (CUSTOMER_KINDS as readonly string[]).includes(search.get('kind') ?? '') ? (search.get('kind') as string) : 'complaint';
  const [v, setV] = useState({ customerId: '', kind: initialKind, subject: '', body: '', place: '', contractId: '', invoiceId: '' });
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<Errors<Field>>({});
  const { busy, failure, setFailure, call } = useApiCall();
  const set = (k: keyof typeof v) => (value: string) => setV((s) => ({ ...s, [k]: value }));

  return (
    <Page title={t('cases.newTitle')}>
      <DataState loaded={overview}>
        {(o) => {
          const customerId = v.customerId || (o.customers.length === 1 ? String(o.customers[0].id) : '');
          const customer = o.customers.find((c) => String(c.id) === customerId);
          const contracts = customer?.contracts ?? [];
          const myInvoices = (invoices.data?.items ?? []).filter((i) => String(i.customerId) === customerId);

          const validate = (): Errors<Field> => {
            const e: Errors<Field> = {};
            if (!customerId) e.customerId = t('errors.required');
            for (const p of newCaseProblems(v)) e[p.field as Field] ??= say(p, lang);
            const k = contracts.find((c) => String(c.id) === v.contractId);
            if (k && k.status !== 'active') e.contractId = say(contractClosed(), lang);
            if (errors.attachment) e.attachment = errors.attachment;
            return e;
          };

          const submit = async (ev: FormEvent) => {
            ev.preventDefault();
            const e = validate();
            setErrors(e);
            setFailure(null);
            if (Object.values(e).some(Boolean)) return focusFirstInvalid(form.current);
            const body = new FormData();
            body.set('customerId', customerId);
            body.set('kind', v.kind);
            body.set('subject', v.subject.trim());
            body.set('body', v.body.trim());
            if (v.kind === 'failure') body.set('place', v.place.trim());
            if (v.contractId) body.set('contractId', v.contractId);
            if (v.kind === 'complaint' && v.invoiceId) body.set('invoiceId', v.invoiceId);
            if (file) body.set('attachment', file, file.name);
            await call(
              async () => {
                const created = await api.post<{ id: number; caseNumber: string }>('/api/portal/cases', body);
                navigate(`/portal/cases/${created.id}?filed=1`);
              },
              (err) => {
                const f = err.field as Field | undefined;
                if (f && FIELDS.includes(f)) {
                  setErrors({ [f]: err.text(lang) });
                  focusFirstInvalid(form.current);
                  return true;
                }
                return false;
              },
            );
          };

          const count = Object.values(errors).filter(Boolean).length;
          return (
            <form ref={form} onSubmit={submit} noValidate className="form">
              <FormAlert error={failure}>{count > 0 && !failure ? t('errors.summary', { count }) : undefined}</FormAlert>
              {o.customers.length > 1 && (
                <SelectField
                  label={t('cases.form.customer')}
                  name="customerId"
                  value={customerId}
                  onChange={(x) => setV((s) => ({ ...s, customerId: x, contractId: '', invoiceId: '' }))}
                  options={[{ value: '', label: '—' }, ...o.customers.map((c) => ({ value: String(c.id), label: `${c.name} (${c.customerNumber})` }))]}
                  error={errors.customerId}
                />
              )}
              <SelectField
                label={t('cases.form.kind')}
                name="kind"
                value={v.kind}
                onChange={set('kind')}
                hint={t('cases.form.kindHint')}
                options={CUSTOMER_KINDS.map((k) => ({ value: k, label: t(`cases.kinds.${k}`) }))}
                error={errors.kind}
              />
              {contracts.length > 0 && (
                <SelectField
                  label={t('cases.form.contract')}
                  name="contractId"
                  value={v.contractId}
                  onChange={(x) => {
                    const k = contracts.find((c) => String(c.id) === x);
                    setV((s) => ({ ...s, contractId: x, place: s.place || (k && s.kind === 'failure' ? k.servicePoint.address : s.place) }));
                  }}
                  options={[
                    { value: '', label: t('cases.form.contractNone') },
                    ...contracts.map((c) => ({ value: String(c.id), label: `${c.contractNumber}, ${c.servicePoint.address}${c.status !== 'active' ? ` (${t('cases.form.ended')})` : ''}` })),
                  ]}
                  error={errors.contractId}
                />
              )}
              {v.kind === 'complaint' && myInvoices.length > 0 && (
                <SelectField
                  label={t('cases.form.invoice')}
                  name="invoiceId"
                  value={v.invoiceId}
                  onChange={set('invoiceId')}
                  options={[
                    { value: '', label: t('cases.form.invoiceNone') },
                    ...myInvoices.map((i) => ({ value: String(i.id), label: `${i.invoiceNumber}, ${formatDate(i.issueDate, lang)}, ${formatMoney(i.grossGrosze, lang)}` })),
                  ]}
                  error={errors.invoiceId}
                />
              )}
              {v.kind === 'failure' && (
                <TextField label={t('cases.form.place')} name="place" value={v.place} onChange={set('place')} hint={t('cases.form.placeHint')} error={errors.place} maxLength={300} required />
              )}
              <TextField label={t('cases.form.subject')} name="subject" value={v.subject} onChange={set('subject')} error={errors.subject} maxLength={200} required />
              <TextAreaField label={t('cases.form.body')} name="body" value={v.body} onChange={set('body')} hint={t('cases.form.bodyHint')} error={errors.body} required />
              <PhotoField file={file} onChange={setFile} error={errors.attachment} onProblem={(m) =>
                  setErrors((s) => {
                    const { attachment: _, ...rest } = s;
                    return m ? { ...rest, attachment: m } : rest;
                  })
                } />
              <div className="button-row">
                <button type="submit" className="button" disabled={busy}>
                  {busy ? t('cases.form.sending') : t('cases.form.submit')}
                </button>
              </div>
            </form>
          );
        }}
      </DataState>
    </Page>
  );
}
