/**
 * An accepted invoice's UPO: stored only when it validates against
 * upo-v4-3.xsd (upo-schema.ts). KSeF accepted the invoice either way, so the
 * invoice keeps its KSeF number; a UPO that does not validate is kept aside
 * (upo_invalid, with the validator's first message) for diagnosis and is
 * fetched again by every run of the send job until a valid one comes, which
 * clears the state. Nothing is sent to KSeF again for it: only the UPO is
 * asked for, by the invoice's KSeF number.
 */
import { sql } from 'kysely';
import type { Tx } from '../../db/tenant.ts';
import { AppError } from '../../lib/errors.ts';
import type { KsefApi } from './api.ts';
import type { KsefEnv } from './environments.ts';
import { invoiceUpo } from './sessions/api-calls.ts';
import { checkUpo } from './upo-schema.ts';

export const UPO_INVALID = 'ksef.upo_invalid';

/** Runs of the job that ask again on their own; after that a send (CLI, page) asks again. */
export const UPO_AUTO_ATTEMPTS = 12;
export const UPO_RETRY_SECONDS = 600;

export type UpoState = 'valid' | 'invalid' | 'missing';

export function upoInvalidError(problem: string | null): AppError {
  return new AppError('conflict', UPO_INVALID, {
    pl: 'UPO otrzymane z KSeF nie jest zgodne ze schematem upo-v4-3.xsd, więc nie jest jeszcze dostępne. Faktura ma numer KSeF; UPO zostanie pobrane ponownie.',
    en: 'The UPO received from KSeF does not conform to the upo-v4-3.xsd schema, so it is not available yet. The invoice has its KSeF number; the UPO will be fetched again.',
  }, problem ? { problem } : undefined);
}

/**
 * Records what a UPO fetch brought: valid bytes become the invoice's UPO
 * (clearing an earlier invalid one), invalid bytes are kept aside, null (the
 * fetch failed) only counts the attempt. An invoice with a valid UPO keeps it.
 */
export async function recordUpo(tx: Tx, invoiceId: number, bytes: Uint8Array | null, environment: KsefEnv): Promise<UpoState> {
  if (bytes === null) {
    await sql`update ksef_invoices set upo_attempts = upo_attempts + 1 where invoice_id = ${invoiceId} and upo is null`.execute(tx);
    return 'missing';
  }
  const check = checkUpo(bytes, environment);
  const data = Buffer.from(bytes);
  if (check.valid) {
    await sql`update ksef_invoices set upo = ${data}, upo_invalid = null, upo_problem = null, upo_attempts = upo_attempts + 1, updated_at = now()
               where invoice_id = ${invoiceId} and upo is null`.execute(tx);
    return 'valid';
  }
  await sql`update ksef_invoices set upo_invalid = ${data}, upo_problem = ${check.problem.slice(0, 2000)}, upo_attempts = upo_attempts + 1, updated_at = now()
             where invoice_id = ${invoiceId} and upo is null`.execute(tx);
  return 'invalid';
}

/** Asks KSeF again for the UPOs of accepted invoices that have no valid one (a page per run). */
export async function refetchUpos(tx: Tx, api: KsefApi, token: () => Promise<string>, environment: KsefEnv, limit = 200): Promise<Record<UpoState, number>> {
  const { rows } = await sql<{ invoice_id: number; ksef_number: string; upo_session_ref: string }>`
    select invoice_id, ksef_number, upo_session_ref from ksef_invoices
     where state = 'accepted' and upo is null and upo_session_ref is not null
     order by invoice_id limit ${limit}`.execute(tx);
  const out: Record<UpoState, number> = { valid: 0, invalid: 0, missing: 0 };
  for (const r of rows) {
    const bytes = await invoiceUpo(api, await token(), r.upo_session_ref, { ksefNumber: r.ksef_number }).catch(() => null);
    out[await recordUpo(tx, Number(r.invoice_id), bytes, environment)]++;
  }
  return out;
}

/** Whether the job should run again later on its own for UPOs still without a valid copy. */
export async function upoRetryDue(tx: Tx): Promise<boolean> {
  const { rows } = await sql<{ n: number }>`
    select count(*)::int as n from ksef_invoices
     where state = 'accepted' and upo is null and upo_session_ref is not null and upo_attempts < ${UPO_AUTO_ATTEMPTS}`.execute(tx);
  return Number(rows[0]?.n ?? 0) > 0;
}
