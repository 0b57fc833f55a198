/**
 * A case for staff (/staff/cases/:caseId): its facts with the deadline
 * warning, the whole thread with internal notes, and (for customer service
 * and administrators) the reply or internal note with a photo and a new
 * status, the assignment and the status. The auditor and billing read only.
 */
import { useEffect, useRef, useState, type FormEvent } from 'react';
import { mayAccess } from '../../access.ts';
import { api } from '../../api/client.ts';
import { useApiCall } from '../../api/useApiCall.ts';
import { DataState, useApi } from '../../components/data.tsx';
import { CheckboxField, FormAlert, Notice, focusFirstInvalid } from '../../components/forms.tsx';
import { Page } from '../../components/Page.tsx';
import type { PageProps } from '../../routes.tsx';
import { useLang } from '../../i18n/index.ts';
import { formatDate } from '../../lib/format.ts';
import { Link, useLocation } from '../../router.tsx';
import { useSession } from '../../session.tsx';
import { bodyProblems } from '../../../../src/modules/cases/rules.ts';
import { CaseFacts, DueBadge, Fact, PhotoField, say, SelectField, STATUSES, TextAreaField, Thread, type CaseDetail } from './common.tsx';

export default function StaffCase({ params }: PageProps) {
  const { t, lang } = useLang();
  const { user } = useSession();
  const mayAct = mayAccess('staff:customer_service', user);
  const loaded = useApi<CaseDetail>(`/api/staff/cases/${params.caseId}`);
  const title = loaded.data ? `${t('cases.title')}: ${loaded.data.caseNumber}` : t('cases.title');
  return (
    <Page title={title} wide>
      <p>
        <Link to="/staff/inbox">← {t('cases.inboxTitle')}</Link>
      </p>
      <DataState loaded={loaded}>
        {(c) => (
          <>
            {c.dueState && (
              <Notice kind="warning">{c.dueState === 'overdue' ? t('cases.dueOverdueOn', { date: formatDate(c.dueOn, lang) }) : t('cases.dueSoonOn', { date: formatDate(c.dueOn, lang) })}</Notice>
            )}
            <CaseFacts
              c={c}
              before={
                <Fact label={t('cases.customer')}>
                  <Link to={`/staff/customers/${c.customer.id}`}>{c.customer.name}</Link> ({c.customer.customerNumber})
                </Fact>
              }
              afterStatus={<Fact label={t('cases.assignee')}>{c.assignee?.name ?? t('cases.nobody')}</Fact>}
              due={<DueBadge dueOn={c.dueOn} dueState={c.dueState} />}
            />
            <div className="case-layout">
              <div>
                <Thread c={c} staff attachmentBase={`/api/staff/cases/${c.id}/attachments`} />
                {mayAct && <StaffReply c={c} onSent={loaded.reload} />}
              </div>
              {mayAct && (
                <div>
                  <Assign c={c} onDone={loaded.reload} />
                  <StatusForm c={c} onDone={loaded.reload} />
                </div>
              )}
            </div>
          </>
        )}
      </DataState>
    </Page>
  );
}

function StaffReply({ c, onSent }: { c: CaseDetail; onSent(): void }) {
  const { t, lang } = useLang();
  const { search } = useLocation();
  const form = useRef<HTMLFormElement>(null);
  const area = useRef<HTMLTextAreaElement>(null);
  const [body, setBody] = useState('');
  const [internal, setInternal] = useState(false);
  const [status, setStatus] = useState('');
  const [file, setFile] = useState<File | null>(null);
  const [errors, setErrors] = useState<{ body?: string; attachment?: string; status?: string }>({});
  const [sent, setSent] = useState<string>();
  const { busy, failure, setFailure, call } = useApiCall();

  // `r` in the inbox opens the case here with the reply field ready.
  useEffect(() => {
    if (search.get('reply')) area.current?.focus();
  }, [search]);

  const submit = async (ev: FormEvent) => {
    ev.preventDefault();
    setSent(undefined);
    setFailure(null);
    const p = bodyProblems(body);
    const e = { body: p[0] ? say(p[0], lang) : undefined, attachment: errors.attachment };
    setErrors(e);
    if (e.body || e.attachment) return focusFirstInvalid(form.current);
    const data = new FormData();
    data.set('body', body.trim());
    data.set('internal', internal ? 'true' : 'false');
    if (status) data.set('status', status);
    if (file) data.set('attachment', file, file.name);
    await call(
      async () => {
        await api.post(`/api/staff/cases/${c.id}/messages`, data);
        setSent(internal ? t('cases.reply.noteSaved') : t('cases.reply.sent'));
        setBody('');
        setStatus('');
        setFile(null);
        form.current?.reset();
        onSent();
      },
      (err) => {
        if (err.field === 'body' || err.field === 'attachment' || err.field === 'status') {
          setErrors({ [err.field]: err.text(lang) });
          return true;
        }
        return false;
      },
    );
  };

  return (
    <section aria-labelledby="reply-title" id="reply">
      <h2 id="reply-title">{t('cases.reply.title')}</h2>
      {sent && <Notice kind="success">{sent}</Notice>}
      <form ref={form} onSubmit={submit} noValidate className="form">
        <FormAlert error={failure} />
        <TextAreaField label={t('cases.reply.body')} name="body" value={body} onChange={setBody} error={errors.body} inputRef={area} required />
        <CheckboxField label={t('cases.reply.internal')} name="internal" checked={internal} onChange={setInternal} />
        <SelectField
          label={t('cases.reply.status')}
          name="status"
          value={status}
          onChange={setStatus}
          error={errors.status}
          options={[{ value: '', label: t('cases.reply.statusKeep') }, ...STATUSES.filter((s) => s !== c.status).map((s) => ({ value: s, label: t(`cases.statuses.${s}`) }))]}
        />
        <PhotoField file={file} onChange={setFile} error={errors.attachment} onProblem={(m) => setErrors((s) => ({ ...s, attachment: m }))} />
        <div className="button-row">
          <button type="submit" className="button" disabled={busy}>
            {internal ? t('cases.reply.sendNote') : t('cases.reply.send')}
          </button>
        </div>
      </form>
    </section>
  );
}

function Assign({ c, onDone }: { c: CaseDetail; onDone(): void }) {
  const { t } = useLang();
  const { user } = useSession();
  const people = useApi<{ items: Array<{ id: number; name: string }> }>('/api/staff/case-assignees');
  const [to, setTo] = useState(c.assignee ? String(c.assignee.id) : '');
  const [ok, setOk] = useState(false);
  const { busy, failure, call } = useApiCall();
  const save = (assigneeId: number | null) =>
    call(async () => {
      setOk(false);
      await api.post(`/api/staff/cases/${c.id}/assign`, { assigneeId });
      setOk(true);
      setTo(assigneeId ? String(assigneeId) : '');
      onDone();
    });
  return (
    <section className="card" aria-labelledby="assign-title">
      <h2 id="assign-title">{t('cases.assign.title')}</h2>
      {ok && <Notice kind="success">{t('cases.assign.done')}</Notice>}
      <FormAlert error={failure} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save(to ? Number(to) : null);
        }}
      >
        <SelectField
          label={t('cases.assign.to')}
          name="assigneeId"
          value={to}
          onChange={setTo}
          options={[{ value: '', label: t('cases.nobody') }, ...(people.data?.items ?? []).map((p) => ({ value: String(p.id), label: p.name }))]}
        />
        <div className="button-row">
          <button type="submit" className="button button-secondary" disabled={busy}>
            {t('cases.assign.save')}
          </button>
          {user && c.assignee?.id !== user.id && (
            <button type="button" className="button" disabled={busy} onClick={() => void save(user.id)}>
              {t('cases.assign.toMe')}
            </button>
          )}
        </div>
      </form>
    </section>
  );
}

function StatusForm({ c, onDone }: { c: CaseDetail; onDone(): void }) {
  const { t } = useLang();
  const options = STATUSES.filter((s) => s !== c.status);
  const [to, setTo] = useState<string>(options[0]);
  const value = (options as readonly string[]).includes(to) ? to : options[0];
  const [ok, setOk] = useState(false);
  const { busy, failure, call } = useApiCall();
  return (
    <section className="card" aria-labelledby="status-title">
      <h2 id="status-title">{t('cases.statusChange.title')}</h2>
      {ok && <Notice kind="success">{t('cases.statusChange.done')}</Notice>}
      <FormAlert error={failure} />
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void call(async () => {
            setOk(false);
            await api.post(`/api/staff/cases/${c.id}/status`, { status: value });
            setOk(true);
            onDone();
          });
        }}
      >
        <SelectField label={t('cases.statusChange.to')} name="status" value={value} onChange={setTo} options={options.map((s) => ({ value: s, label: t(`cases.statuses.${s}`) }))} />
        <div className="button-row">
          <button type="submit" className="button button-secondary" disabled={busy}>
            {t('cases.statusChange.save')}
          </button>
        </div>
      </form>
    </section>
  );
}
