/**
 * The outbox worker: makes the requested messages (requests.ts), then
 * delivers queued e-mail. With SMTP_URL it sends each due
 * message through nodemailer, retrying failures with growing pauses until
 * `MAX_ATTEMPTS` (a permanent refusal, SMTP 5xx, fails at once); without it,
 * messages are marked `kept` and stay readable on the development page
 * /dev/outbox. Messages are claimed with FOR UPDATE SKIP LOCKED by the schema
 * owner across utilities, so two server processes never send one twice.
 */
import nodemailer, { type Transporter } from 'nodemailer';
import { sql } from 'kysely';
import type { Config } from '../../config.ts';
import type { Database } from '../../db/connection.ts';
import type { Worker } from '../../jobs/workers.ts';
import { composeRequested } from './requests.ts';

export const MAX_ATTEMPTS = 6;
const POLL_MS = 2_000;
/** A claimed message is not claimed again for this long (if the process dies mid-send it is retried then). */
const LEASE_MINUTES = 10;

/** Seconds to wait after the n-th failed attempt: 30 s, 1 min, 2 min … at most an hour. */
export function backoffSeconds(attempt: number): number {
  return Math.min(3600, 30 * 2 ** Math.max(0, attempt - 1));
}

export interface DeliveryReport {
  sent: number;
  retrying: number;
  failed: number;
  kept: number;
}

interface Claimed {
  utility_id: number;
  id: number;
  to_address: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  attempts: number;
  utility_name: string;
  sender_email: string;
  attachments: Array<{ fileId: number; filename: string }> | null;
}

/** The attachments of a message, read from `files` when it is sent (the owner's connection: the worker spans utilities). */
async function attachmentsOf(database: Database, m: Claimed) {
  const list = Array.isArray(m.attachments) ? m.attachments : [];
  if (list.length === 0) return [];
  const files = await database.db
    .selectFrom('files')
    .select(['id', 'content_type', 'data'])
    .where('utility_id', '=', m.utility_id)
    .where('id', 'in', list.map((a) => a.fileId))
    .execute();
  return list.map((a) => {
    const f = files.find((x) => Number(x.id) === Number(a.fileId));
    if (!f) throw new Error(`attachment file ${a.fileId} is missing`);
    return { filename: a.filename, content: Buffer.from(f.data), contentType: f.content_type };
  });
}

function fromAddress(m: Claimed, config: Config) {
  const host = new URL(config.publicUrl).hostname;
  return { name: m.utility_name, address: m.sender_email || `no-reply@${host.includes('.') ? host : 'localhost.localdomain'}` };
}

/** Delivers what is due now (one batch); without a transport marks pending messages `kept`. */
export async function deliverDue(
  database: Database,
  config: Config,
  opts: { transport?: Transporter; batch?: number } = {},
): Promise<DeliveryReport> {
  const report: DeliveryReport = { sent: 0, retrying: 0, failed: 0, kept: 0 };
  const db = database.db;
  if (!opts.transport) {
    const r = await db.updateTable('email_outbox').set({ status: 'kept' }).where('status', '=', 'pending').executeTakeFirst();
    report.kept = Number(r.numUpdatedRows);
    return report;
  }
  const claimed = (
    await sql<Claimed>`
      with due as (
        select utility_id, id from email_outbox
        where status = 'pending' and next_attempt_at <= now()
        order by next_attempt_at, id
        limit ${opts.batch ?? 20}
        for update skip locked)
      update email_outbox o
         set attempts = o.attempts + 1, next_attempt_at = now() + make_interval(mins => ${LEASE_MINUTES})
        from due, utilities u
       where o.utility_id = due.utility_id and o.id = due.id and u.id = o.utility_id
      returning o.utility_id, o.id, o.to_address, o.subject, o.text_body, o.html_body, o.attempts, o.attachments,
                u.name as utility_name, u.sender_email`.execute(db)
  ).rows;

  for (const m of claimed) {
    const where = (q: any) => q.where('utility_id', '=', m.utility_id).where('id', '=', m.id);
    try {
      const info = await opts.transport.sendMail({
        from: fromAddress(m, config),
        to: m.to_address,
        subject: m.subject,
        text: m.text_body,
        ...(m.html_body ? { html: m.html_body } : {}),
        attachments: await attachmentsOf(database, m),
      });
      await where(db.updateTable('email_outbox'))
        .set({ status: 'sent', sent_at: sql`now()`, message_id: String(info.messageId ?? ''), last_error: null })
        .execute();
      report.sent++;
    } catch (err) {
      const e = err as { message?: string; responseCode?: number };
      const permanent = typeof e.responseCode === 'number' && e.responseCode >= 500 && e.responseCode < 600;
      const giveUp = permanent || m.attempts >= MAX_ATTEMPTS;
      await where(db.updateTable('email_outbox'))
        .set({
          status: giveUp ? 'failed' : 'pending',
          last_error: String(e.message ?? err).slice(0, 500),
          next_attempt_at: sql`now() + make_interval(secs => ${backoffSeconds(m.attempts)})`,
        })
        .execute();
      if (giveUp) report.failed++;
      else report.retrying++;
    }
  }
  return report;
}

/**
 * Started with the server (src/jobs/workers.ts): every two seconds composes
 * the requested messages (requests.ts), then delivers what is due.
 */
export const startOutboxWorker: Worker = async ({ config, database }) => {
  const transport = config.smtpUrl ? nodemailer.createTransport(config.smtpUrl) : undefined;
  let stopped = false;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> = Promise.resolve();
  const tick = async () => {
    running = composeRequested(database)
      .then(() => deliverDue(database, config, { transport }))
      .catch((err) => {
        if (!stopped) console.error(`outbox: delivery round failed: ${(err as Error).message}`);
      });
    await running;
    if (!stopped) timer = setTimeout(tick, POLL_MS);
  };
  timer = setTimeout(tick, 500);
  return async () => {
    stopped = true;
    if (timer) clearTimeout(timer);
    await running;
    transport?.close();
  };
};
