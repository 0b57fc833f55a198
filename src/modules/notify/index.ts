/**
 * E-mail for every module: a message is queued in the outbox inside the
 * caller's transaction (so it is sent only if the work it reports commits),
 * and the outbox worker delivers it (SMTP when SMTP_URL is set; otherwise it
 * stays in the outbox for the developer page /dev/outbox). A message whose
 * making must not slow down or shape the answer (password reset) is asked
 * for with a composer instead (requests.ts) and made by the worker.
 */
import type { Tx } from '../../db/tenant.ts';

export interface OutgoingEmail {
  utilityId: number;
  to: string;
  subject: string;
  text: string;
  html?: string;
  /** Which message this is (e.g. 'verify_email', 'leak_alarm'): for tests, the outbox page and statistics. */
  template: string;
  /** Stored files (the `files` table, same utility) sent as attachments; read by the worker when it sends. */
  attachments?: EmailAttachment[];
}

export interface EmailAttachment {
  fileId: number;
  filename: string;
}

/** Queues one e-mail in the outbox; returns its id. */
export async function queueEmail(tx: Tx, msg: OutgoingEmail): Promise<number> {
  const row = await tx
    .insertInto('email_outbox')
    .values({
      utility_id: msg.utilityId,
      to_address: msg.to,
      subject: msg.subject,
      text_body: msg.text,
      html_body: msg.html ?? null,
      template: msg.template,
      attachments: JSON.stringify(msg.attachments ?? []),
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export { defineComposer, composeRequested, type EmailRequest } from './requests.ts';
