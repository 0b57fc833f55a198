/**
 * One of the customer's cases (/portal/cases/:caseId): its facts, the thread
 * (the customer's messages, the office's replies, status changes; never the
 * staff's internal notes, which the server does not send) and a reply while
 * the case is open.
 */
import { useRef, useState, type FormEvent } from 'react';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { FormAlert, Notice, focusFirstInvalid } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import type { PageProps } from '../../routes.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate } from '../../lib/format.ts';
import { Link, useLocation } from '../../router.tsx';
import { bodyProblems } from '../../../../src/modules/cases/rules.ts';
import { CaseFacts, OPEN, PhotoField, say, TextAreaField, Thread, type CaseDetail } from './common.tsx';

export default function CustomerCase({ params }: PageProps) {
  const { t, lang } = useLang();
  const { search } = useLocation();
  const loaded = useApi<CaseDetail>(`/api/portal/cases/${params.caseId}`);
  const title = loaded.data ? `${t('cases.title')}: ${loaded.data.caseNumber}` : t('cases.title');
  return (
    <Page title={title}>
      <p>
        <Link to="/portal/cases">← {t('cases.title')}</Link>
      </p>
      <DataState loaded={loaded}>
        {(c) => (
          <>
            {search.get('filed') && <Notice kind="success">{t('cases.form.filed', { number: c.caseNumber })}</Notice>}
            <CaseFacts c={c} due={c.dueOn ? formatDate(c.dueOn, lang) : null} />
            <Thread c={c} staff={false} attachmentBase={`/api/portal/cases/${c.id}/attachments`} />
            {OPEN.includes(c.status) ? <CustomerReply caseId={c.id} onSent={loaded.reload} /> : <p className="muted">{t('cases.reply.finished')}</p>}
          </>
        )}
      </DataState>
    </Page>
  );
}

function CustomerReply({ caseId, onSent }: { caseId: number; onSent(): void }) {
  const { t, lang } = useLang();
  const form = useRef<HTMLFormElement>(null);
  const [body, setBody] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<{ body?: string; attachment?: string }>({});
  const [sent, setSent] = useState(false);
  const { busy, failure, setFailure, call } = useApiCall();

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setSent(false);
    setFailure(null);
    const p = bodyProblems(body);
    const e = { body: p[0] ? say(p[0], lang) : undefined, attachment: errors.attachment };
    setErrors(e);
    if (e.body || e.attachment) return focusFirstInvalid(form.current);
    const data = new FormData();
    data.set('body', body.trim());
    if (file) data.set('attachment', file, file.name);
    await call(
      async () => {
        await api.post(`/api/portal/cases/${caseId}/messages`, data);
        setBody('');
        setFile(null);
        form.current?.reset();
        setSent(true);
        onSent();
      },
      (err) => {
        if (err.field === 'body' || err.field === 'attachment') {
          setErrors({ [err.field]: err.text(lang) });
          return true;
        }
        return false;
      },
    );
  };

  return (
    <section aria-labelledby="reply-title">
      <h2 id="reply-title">{t('cases.reply.customerTitle')}</h2>
      {sent && <Notice kind="success">{t('cases.reply.customerSent')}</Notice>}
      <form ref={form} onSubmit={submit} noValidate className="form">
        <FormAlert error={failure} />
        <TextAreaField label={t('cases.reply.body')} name="body" value={body} onChange={setBody} error={errors.body} hint={t('cases.form.bodyHint')} required />
        <PhotoField file={file} onChange={setFile} error={errors.attachment} onProblem={(m) => setErrors((s) => ({ ...s, attachment: m }))} />
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            {t('cases.reply.send')}
          </button>
        </div>
      </form>
    </section>
  );
}
