/**
 * The reminders run: every customer with a debt past due by at least
 * `minDaysOverdue` days gets a payment reminder (PDF, stored), e-mailed with
 * the PDF attached when the customer has an address, else listed for
 * printing. A customer reminded within the last `repeatAfterDays` days is
 * skipped, and a reminder's number is one per customer and day, so a run
 * repeated (or retried after a failure: it is one transaction) sends nothing
 * twice.
 */
import { createHash } from 'node:crypto';
import type { Tx } from '../../../db/tenant.ts';
import { formatDate, formatMoney } from '../../../lib/polish-format.ts';
import { loadBranding } from '../../billing/pdf/store.ts';
import { queueEmail } from '../../notify/index.ts';
import { addDays } from './dates.ts';
import { renderReminder } from './letter-pdf.ts';
import { arrearsReport } from './report.ts';
import { buildReminder } from './service.ts';

export interface RunOptions {
  asOf: string;
  minDaysOverdue: number;
  repeatAfterDays: number;
  actorId: number | null;
}

export interface RunItem {
  customerId: number;
  customerNumber: string;
  number: string;
  open: number;
  interest: number;
  emailedTo: string | null;
}

export async function runReminders(tx: Tx, utilityId: number, o: RunOptions): Promise<{ items: RunItem[]; skipped: number }> {
  const rows = await arrearsReport(tx, utilityId, o.asOf, { minDaysOverdue: o.minDaysOverdue });
  const recent = new Set(
    (
      await tx
        .selectFrom('payment_reminders')
        .select('customer_id')
        .where('utility_id', '=', utilityId)
        .where('as_of', '>', addDays(o.asOf, -o.repeatAfterDays))
        .execute()
    ).map((r) => Number(r.customer_id)),
  );
  const branding = await loadBranding(tx, utilityId);
  const items: RunItem[] = [];
  let skipped = 0;
  for (const row of rows) {
    if (recent.has(row.customerId)) {
      skipped++;
      continue;
    }
    const made = await buildReminder(tx, utilityId, row.customerId, o.asOf, o.minDaysOverdue);
    if (!made) continue;
    const { reminder: rem, email } = made;
    const bytes = await renderReminder(rem, branding);
    const fileName = `${rem.number.replace(/[^\w-]+/g, '_')}.pdf`;
    const file = await tx
      .insertInto('files')
      .values({ utility_id: utilityId, name: fileName, content_type: 'application/pdf', size_bytes: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), data: bytes })
      .returning('id')
      .executeTakeFirstOrThrow();
    const to = email?.trim() || null;
    await tx
      .insertInto('payment_reminders')
      .values({ utility_id: utilityId, customer_id: row.customerId, number: rem.number, as_of: o.asOf, open_grosze: rem.open, interest_grosze: rem.interest, file_id: file.id, email_to: to, created_by: o.actorId })
      .execute();
    if (to) {
      const text = [
        'Szanowni Państwo,',
        '',
        `w załączeniu przesyłamy wezwanie do zapłaty nr ${rem.number}: na dzień ${formatDate(rem.date)} pozostaje do zapłaty ${formatMoney(rem.open)}.`,
        `Prosimy o wpłatę do dnia ${formatDate(rem.payBy)} na indywidualny rachunek podany w wezwaniu. Jeżeli należność została już zapłacona, prosimy uznać wezwanie za bezprzedmiotowe.`,
        '',
        'Z poważaniem',
        branding.name,
      ].join('\n');
      await queueEmail(tx, { utilityId, to, subject: `Wezwanie do zapłaty ${rem.number}`, text, template: 'payment_reminder', attachments: [{ fileId: Number(file.id), filename: fileName }] });
    }
    items.push({ customerId: row.customerId, customerNumber: row.customerNumber, number: rem.number, open: rem.open, interest: rem.interest, emailedTo: to });
  }
  return { items, skipped };
}
