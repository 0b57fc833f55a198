/**
 * KOD II of invoices issued offline (kody-qr.md, "2. KOD II"): each offline
 * invoice gets, once, its certificate link signed with the utility's KSeF
 * offline certificate, stored in ksef_invoices.certificate_url and printed
 * on its PDF under "CERTYFIKAT". Signing needs the sealed key, so it happens
 * where the server key is at hand (the send job, saving the settings), never
 * while a PDF is rendered; a PDF rendered before its invoice was signed is
 * made again (billing/pdf/jobs.ts, JOB_PDF_KSEF).
 *
 * The context is the utility's own: type Nip, value the seller's NIP (the
 * utility signs in to KSeF in its own context, auth.ts).
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import type { SecretBox } from '../../lib/secret-box.ts';
import { enqueuePdfRefresh } from '../billing/pdf/jobs.ts';
import { certificateVerificationUrl, qrEnvironmentOf } from '../billing/pdf/ksef-qr.ts';
import { CertificateError } from './certificate.ts';
import { offlineCredentials, type SettingsRow } from './settings.ts';

export interface SignReport {
  signed: number;
  /** Why nothing could be signed (no offline certificate, or it is not usable now). */
  problem: string | null;
}

const PAGE = 500;

/** Signs KOD II of every offline invoice that has none yet and asks for their PDFs to be made again. */
export async function signOfflineCodes(tx: Tx, box: SecretBox, s: SettingsRow): Promise<SignReport> {
  const waiting = await sql<{ n: number }>`
    select count(*)::int as n from ksef_invoices where offline and certificate_url is null and state <> 'accepted'`.execute(tx);
  if (Number(waiting.rows[0]?.n ?? 0) === 0) return { signed: 0, problem: null };
  let creds;
  try {
    creds = offlineCredentials(s, box);
  } catch (err) {
    if (err instanceof CertificateError) return { signed: 0, problem: err.code };
    throw err;
  }
  if (!creds) return { signed: 0, problem: 'ksef.offline_certificate_missing' };
  const env = qrEnvironmentOf(s.environment);
  let signed = 0;
  for (;;) {
    const { rows } = await sql<{ invoice_id: number; invoice_hash: string }>`
      select invoice_id, invoice_hash from ksef_invoices
       where offline and certificate_url is null and state <> 'accepted'
       order by invoice_id limit ${PAGE}`.execute(tx);
    if (rows.length === 0) break;
    const ids: number[] = [];
    const urls: string[] = [];
    for (const r of rows) {
      ids.push(Number(r.invoice_id));
      urls.push(
        certificateVerificationUrl(
          {
            env,
            contextType: 'Nip',
            contextValue: s.seller_nip,
            sellerNip: s.seller_nip,
            certificateSerial: creds.info.serialNumber,
            // Stored as base64 of the SHA-256 of the XML sent (selection.ts); KOD I and II carry it as Base64URL.
            invoiceHash: Buffer.from(r.invoice_hash, 'base64').toString('base64url'),
          },
          creds.privateKey,
        ),
      );
    }
    await sql`
      update ksef_invoices k set certificate_url = u.url, updated_at = now()
        from unnest(${sql.val(ids)}::bigint[], ${sql.val(urls)}::text[]) as u(id, url)
       where k.invoice_id = u.id and k.certificate_url is null`.execute(tx);
    await enqueuePdfRefresh(tx, ids, 'offline');
    signed += rows.length;
  }
  return { signed, problem: null };
}
