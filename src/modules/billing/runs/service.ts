/**
 * Billing runs: preview → approve → issue.
 *
 * The preview bills every selected contract with the engine and keeps each
 * bill (the invoice document without number and dates) or the reason it is
 * held back. Approving freezes that. Issuing numbers and stores exactly the
 * approved bills, in batches, each batch one transaction that takes its
 * block of numbers (numbering.ts), stores the invoices, their lines, their
 * XML and the estimated closing readings, and marks its items issued. A
 * crash anywhere rolls the open batch back whole, its numbers with it; a
 * rerun goes on with the items not yet issued. So: no invoice twice (an
 * item is issued once, and invoices are unique per run and contract), none
 * missing (the run ends only when no item is left), no gap in the numbers.
 */
import { enqueueInvoiceDocuments } from '../pdf/jobs.ts';
import { sql } from 'kysely';
import type { Database } from '../../../db/connection.ts';
import { withTenant, type Tx } from '../../../db/tenant.ts';
import { conflict, notFound } from '../../../lib/errors.ts';
import { withCopyTx, type CopyFn } from '../../../db/bulk.ts';
import { prepareRows, storeIssuedBatch, takeInvoiceIds, type IssuedInvoice, type PreparedRows } from './issue-write.ts';
import { CopyBuffer } from '../../../db/copy-buffer.ts';
import { checkInvoiceDocument, type InvoiceDocument, type Seller } from '../invoice-document.ts';
import { formatInvoiceNumber, takeNumbers } from '../numbering.ts';
import { AppError } from '../../../lib/errors.ts';
import { billContract, type ContractOutcome } from './contract-bill.ts';
import { chunkData, contractsByIds, selectedContractIds, tariffsByGroup, type ReadingRow, type Selection } from './load.ts';

/** Contracts billed per round of loading (bounds memory). */
export const PREVIEW_CHUNK = 5_000;
/** Contracts billed between two turns of the event loop in the preview. */
const BILL_SLICE = 500;
/** Invoices per issuing transaction. */
export const ISSUE_BATCH = 5_000;
/** Days from the issue date to the due date (no utility setting for it yet). */
export const PAYMENT_DAYS = 14;

export type RunStatus = 'preview' | 'approved' | 'issuing' | 'issued';

export interface RunSummary {
  id: number;
  periodFrom: string;
  periodTo: string;
  selection: Selection;
  status: RunStatus;
  issueDate: string | null;
  contracts: number;
  billed: number;
  held: number;
  issued: number;
  net: number;
  vat: number;
  gross: number;
  lastError: string | null;
  createdAt: string;
  approvedAt: string | null;
  issuedAt: string | null;
}

const json = (v: unknown) => JSON.stringify(v);

/** The seller as the invoice states it, from the utility's row. */
async function sellerOf(tx: Tx, utilityId: number): Promise<Seller> {
  const u = await tx.selectFrom('utilities').selectAll().where('id', '=', utilityId).executeTakeFirstOrThrow();
  return {
    nip: u.nip ?? '',
    name: u.name,
    address: { line1: u.street, postalCode: u.postal_code, city: u.city },
    ...(u.sender_email ? { email: u.sender_email } : {}),
    ...(u.phone && u.phone.length <= 16 ? { phone: u.phone } : {}),
  };
}

function group<T>(rows: T[], key: (r: T) => number): Map<number, T[]> {
  const m = new Map<number, T[]>();
  for (const r of rows) {
    const k = key(r);
    const list = m.get(k);
    if (list) list.push(r);
    else m.set(k, [r]);
  }
  return m;
}

const ITEM_COLUMNS = [
  'contract_id', 'customer_id', 'position', 'status', 'hold_code', 'hold_reason', 'warnings', 'net', 'vat', 'gross', 'is_estimate', 'delivery', 'draft', 'estimates',
] as const;

interface PreviewItem {
  contract_id: number;
  customer_id: number;
  position: number;
  status: 'billable' | 'held';
  hold_code: string | null;
  hold_reason: { pl: string; en: string } | null;
  warnings: unknown[];
  net: number;
  vat: number;
  gross: number;
  is_estimate: boolean;
  delivery: 'paper' | 'einvoice';
  draft: unknown;
  estimates: unknown[];
}

/** A chunk's items as COPY text rows (the JSON values written once, as the server stores them). */
export function previewItemRows(rows: readonly PreviewItem[]): Buffer {
  const out = new CopyBuffer(rows.length * 1_600);
  for (const r of rows) {
    out.int(r.contract_id).int(r.customer_id).int(r.position).ascii(r.status);
    if (r.hold_code === null) out.nul();
    else out.text(r.hold_code);
    if (r.hold_reason === null) out.nul();
    else out.text(json(r.hold_reason));
    out.text(json(r.warnings)).signed(r.net).signed(r.vat).signed(r.gross).ascii(r.is_estimate ? 't' : 'f').ascii(r.delivery);
    if (r.draft === null) out.nul();
    else out.text(json(r.draft));
    out.text(json(r.estimates), 10);
  }
  return out.bytes();
}

/** Stores a chunk of previewed items: by COPY through a temporary table when `copy` is at hand, else as one JSON parameter. */
async function storePreviewItems(tx: Tx, copy: CopyFn | undefined, utilityId: number, runId: number, rows: PreviewItem[]): Promise<void> {
  if (!copy) {
    await sql`
      insert into billing_run_items (utility_id, run_id, contract_id, customer_id, position, status, hold_code, hold_reason, warnings,
                                     net_grosze, vat_grosze, gross_grosze, is_estimate, delivery, draft, estimates)
      select ${utilityId}, ${runId}, x.contract_id, x.customer_id, x.position, x.status, x.hold_code, x.hold_reason, x.warnings,
             x.net, x.vat, x.gross, x.is_estimate, x.delivery, x.draft, x.estimates
      from json_to_recordset(${json(rows)}::json) as x(contract_id bigint, customer_id bigint, position int, status text, hold_code text,
           hold_reason jsonb, warnings jsonb, net bigint, vat bigint, gross bigint, is_estimate boolean, delivery text, draft json, estimates jsonb)`.execute(tx);
    return;
  }
  // A temporary table of this transaction (no row-level security there, so the COPY keeps the caller's role),
  // moved into the run's items by one statement that names the utility and the run itself.
  await copy('billing_preview_items', ITEM_COLUMNS, previewItemRows(rows), { ownRole: true });
  await sql`
    with moved as (delete from billing_preview_items returning *)
    insert into billing_run_items (utility_id, run_id, contract_id, customer_id, position, status, hold_code, hold_reason, warnings,
                                   net_grosze, vat_grosze, gross_grosze, is_estimate, delivery, draft, estimates)
    select ${utilityId}, ${runId}, x.contract_id, x.customer_id, x.position, x.status, x.hold_code, x.hold_reason, x.warnings,
           x.net, x.vat, x.gross, x.is_estimate, x.delivery, x.draft, x.estimates
    from moved x`.execute(tx);
}

/**
 * Previews a run: every selected contract billed, the bills kept. Returns the run's id.
 * With `copy` (the transaction from bulk.ts's withCopyTx) the bills go in by COPY, the cheaper way for the server.
 */
export async function createPreviewRun(
  tx: Tx,
  utilityId: number,
  args: { period: { from: string; to: string }; selection: Selection; userId?: number | null },
  copy?: CopyFn,
): Promise<number> {
  const { period, selection } = args;
  const seller = await sellerOf(tx, utilityId);
  const tariffs = await tariffsByGroup(tx, utilityId);
  // The ids only: each chunk's rows are loaded with its meters and readings (bounded memory at a million contracts).
  const contractIds = await selectedContractIds(tx, utilityId, selection, period);
  const { id: runId } = await tx
    .insertInto('billing_runs')
    .values({ utility_id: utilityId, period_from: period.from, period_to: period.to, selection: json(selection), created_by: args.userId ?? null })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (copy) {
    await sql`
      create temp table if not exists billing_preview_items (contract_id bigint, customer_id bigint, position int, status text, hold_code text,
        hold_reason jsonb, warnings jsonb, net bigint, vat bigint, gross bigint, is_estimate boolean, delivery text, draft json, estimates jsonb)
      on commit drop`.execute(tx);
  }
  const totals = { billed: 0, held: 0, net: 0, vat: 0, gross: 0 };
  // A pipeline on the one connection: the server loads the next chunk and stores the last one's bills
  // while this process bills the current one (the statements queue on the connection in this order).
  const chunkAt = async (start: number) => {
    const chunk = await contractsByIds(tx, utilityId, contractIds.slice(start, start + PREVIEW_CHUNK), period);
    return { chunk, data: await chunkData(tx, utilityId, chunk, period) };
  };
  let contracts = 0;
  const handled = <T,>(p: Promise<T>) => (p.catch(() => {}), p); // awaited later; never an unhandled rejection meanwhile
  let loading = handled(chunkAt(0));
  let storing: Promise<unknown> = Promise.resolve();
  for (let start = 0; start < contractIds.length; start += PREVIEW_CHUNK) {
    // A failed insert aborts the transaction, and the load queued after it fails too: report the insert's error.
    const { chunk, data } = await loading.catch(async (e) => {
      await storing;
      throw e;
    });
    if (start + PREVIEW_CHUNK < contractIds.length) loading = handled(chunkAt(start + PREVIEW_CHUNK));
    contracts += chunk.length;
    const metersByPoint = group(data.meters, (m) => m.service_point_id);
    const readingsByMeter = group<ReadingRow>(data.readings, (r) => r.meter_id);
    const consentsByCustomer = group(data.consents, (k) => k.customer_id);
    const rows: PreviewItem[] = [];
    for (let i = 0; i < chunk.length; i++) {
      // Back to the event loop now and then: the connection can then send the next chunk's queries (each
      // is sent when the one before has answered), so the server reads it while this process bills.
      if (i > 0 && i % BILL_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
      const c = chunk[i];
      const out: ContractOutcome = billContract(
        c,
        period,
        seller,
        metersByPoint.get(c.service_point_id) ?? [],
        readingsByMeter,
        consentsByCustomer.get(c.customer_id) ?? [],
        tariffs.get(c.tariff_group_code) ?? [],
      );
      const base = { contract_id: c.contract_id, customer_id: c.customer_id, position: start + i + 1, warnings: out.warnings };
      if (out.status === 'held') {
        totals.held++;
        rows.push({ ...base, status: 'held', hold_code: out.code, hold_reason: { pl: out.pl, en: out.en }, net: out.totals?.net ?? 0, vat: out.totals?.vat ?? 0, gross: out.totals?.gross ?? 0, is_estimate: false, delivery: 'paper', draft: null, estimates: [] });
        continue;
      }
      totals.billed++;
      totals.net += out.draft.totals.net;
      totals.vat += out.draft.totals.vat;
      totals.gross += out.draft.totals.gross;
      rows.push({ ...base, status: 'billable', hold_code: null, hold_reason: null, net: out.draft.totals.net, vat: out.draft.totals.vat, gross: out.draft.totals.gross, is_estimate: out.draft.estimated, delivery: out.delivery, draft: { ...out.draft, seller: undefined }, estimates: out.estimates });
    }
    await storing;
    storing = handled(storePreviewItems(tx, copy, utilityId, runId, rows));
  }
  await storing;
  await tx
    .updateTable('billing_runs')
    .set({ contracts, billed: totals.billed, held: totals.held, net_grosze: totals.net, vat_grosze: totals.vat, gross_grosze: totals.gross })
    .where('utility_id', '=', utilityId)
    .where('id', '=', runId)
    .execute();
  return runId;
}

const runNotFound = () => notFound('billing_run.not_found', 'Nie ma takiego przebiegu rozliczeń.', 'There is no such billing run.');

async function lockRun(tx: Tx, utilityId: number, runId: number) {
  const run = await tx.selectFrom('billing_runs').selectAll().where('utility_id', '=', utilityId).where('id', '=', runId).forUpdate().executeTakeFirst();
  if (!run) throw runNotFound();
  return run;
}

export async function approveRun(tx: Tx, utilityId: number, runId: number, userId: number | null): Promise<void> {
  const run = await lockRun(tx, utilityId, runId);
  if (run.status !== 'preview') {
    throw conflict('billing_run.not_preview', 'Zatwierdzić można tylko przebieg w podglądzie.', 'Only a run in preview can be approved.');
  }
  await tx.updateTable('billing_runs').set({ status: 'approved', approved_by: userId, approved_at: sql<Date>`now()` }).where('utility_id', '=', utilityId).where('id', '=', runId).execute();
}

/** Today in Warsaw as 'YYYY-MM-DD'. */
export function warsawToday(now = new Date()): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Warsaw', year: 'numeric', month: '2-digit', day: '2-digit' }).format(now);
}

function addDays(date: string, days: number): string {
  const d = new Date(`${date}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() + days);
  return d.toISOString().slice(0, 10);
}

/**
 * Marks an approved run as issuing (fixing its issue date) or finds it
 * issuing already (a resumed run keeps its date). Refuses a run in preview.
 */
export async function beginIssue(tx: Tx, utilityId: number, runId: number, issueDate: string): Promise<RunStatus> {
  const run = await lockRun(tx, utilityId, runId);
  if (run.status === 'preview') throw conflict('billing_run.not_approved', 'Przed wystawieniem faktur przebieg trzeba zatwierdzić.', 'The run must be approved before its invoices are issued.');
  if (run.status === 'approved') {
    await tx.updateTable('billing_runs').set({ status: 'issuing', issue_date: issueDate, issue_started_at: sql<Date>`now()`, last_error: null }).where('utility_id', '=', utilityId).where('id', '=', runId).execute();
    return 'issuing';
  }
  if (run.status === 'issuing') await tx.updateTable('billing_runs').set({ last_error: null }).where('utility_id', '=', utilityId).where('id', '=', runId).execute();
  return run.status as RunStatus;
}

export interface IssueOptions {
  userId?: number | null;
  /** The issue date when the run starts issuing; default today in Warsaw. */
  issueDate?: string;
  /** The document's creation instant; default the clock. */
  now?: () => Date;
  batchSize?: number;
  /**
   * Queue each invoice's PDF and its delivery (e-mail or print batch) in the
   * batch's own transaction (default). The demo's history of past years says
   * no: nobody is sent three years of invoices at once; their PDFs are made
   * when first opened.
   */
  documents?: boolean;
  /**
   * Called inside each batch's transaction after its invoices are stored and
   * before the commit (tests inject a crash here; the progress display too).
   */
  inBatch?: (batch: number, issuedSoFar: number) => void | Promise<void>;
}

/**
 * Issues an approved (or resumes an issuing) run to the end. Safe to run
 * again at any time: it only ever issues items not issued yet.
 *
 * On a PostgreSQL server the batches are pipelined: while one batch's
 * transaction has the server store its rows, this process reads the next
 * batch's bills on another connection (a read, and ids from the invoices'
 * sequence: nothing committed that matters) and makes its documents, FA(3)
 * XML and COPY rows, numbered as the numbers are expected to run on. The
 * next batch's transaction then checks that it takes exactly those items,
 * with the same seller and issue date, and the numbers it takes are the ones
 * expected; otherwise it makes everything again itself. What each
 * transaction stores and commits is the same either way (all of a batch or
 * nothing, its numbers taken in it): only where the CPU work happens moves.
 * On PGlite (one thread, one connection) nothing would overlap: not done.
 */
export async function issueRun(database: Database, utilityId: number, runId: number, opts: IssueOptions = {}): Promise<RunSummary> {
  const ctx = { utilityId, userId: opts.userId ?? null };
  const now = opts.now ?? (() => new Date());
  const size = opts.batchSize ?? ISSUE_BATCH;
  await withTenant(database.db, ctx, (tx) => beginIssue(tx, utilityId, runId, opts.issueDate ?? warsawToday(now())));
  const pipelined = !database.pglite;
  const handled = <T,>(p: Promise<T>) => (p.catch(() => {}), p); // awaited later; never an unhandled rejection meanwhile
  let next: Promise<PreparedBatch | null> | null = pipelined ? handled(prepareBatch(database, ctx, runId, 0, size, now, null)) : null;
  try {
    for (let batch = 1; ; batch++) {
      // A batch made ahead that failed is simply made again in the transaction.
      const prepared = next ? await next.catch(() => null) : null;
      next = null;
      const ahead = pipelined ? (after: number, firstNumber: number | null) => (next = handled(prepareBatch(database, ctx, runId, after, size, now, firstNumber))) : undefined;
      const more = await withCopyTx(database, ctx, (tx, copy) =>
        issueBatch(tx, copy, utilityId, runId, size, now, batch, opts.inBatch, opts.documents ?? true, prepared, ahead),
      );
      if (!more) break;
    }
  } catch (err) {
    // A batch being made ahead finishes (or fails) before this returns: nothing of it runs on after the caller closes the database.
    await next?.catch(() => {});
    const message = err instanceof Error ? err.message : String(err);
    await withTenant(database.db, ctx, (tx) =>
      tx.updateTable('billing_runs').set({ last_error: message.slice(0, 1000) }).where('utility_id', '=', utilityId).where('id', '=', runId).execute(),
    ).catch(() => {});
    throw err;
  }
  return withTenant(database.db, ctx, (tx) => getRun(tx, utilityId, runId));
}

interface ItemRow {
  contract_id: number;
  customer_id: number;
  position: number;
  /** The stored draft as JSON text (parsed here; the stored document is this text with the issue's fields added). */
  draft: string;
  delivery: 'paper' | 'einvoice';
  is_estimate: boolean;
  estimates: { meterId: number; day: string; litres: number }[];
  billed_to: string | null;
}

type Held = { contract_id: number; code: string; reason: { pl: string; en: string } };

/** The documents of a batch's items, checked (a refused one is held) and numbered from `first`. */
async function buildInvoices(
  items: readonly ItemRow[],
  seller: Seller,
  dates: { issueDate: string; createdAt: string; dueDate: string },
  first: (count: number) => Promise<number>,
  pause?: () => Promise<void>,
): Promise<{ held: Held[]; invoices: IssuedInvoice[]; first: number }> {
  const { issueDate, createdAt, dueDate } = dates;
  const held: Held[] = [];
  const ready: { item: ItemRow; doc: InvoiceDocument; nips: ReturnType<typeof checkInvoiceDocument> }[] = [];
  for (let k = 0; k < items.length; k++) {
    if (pause && k > 0 && k % 500 === 0) await pause();
    const item = items[k];
    if (item.billed_to !== null) {
      // Billed by another run since this one was previewed: never twice.
      held.push({ contract_id: item.contract_id, code: 'contract.already_billed', reason: { pl: `Umowa ma już fakturę za okres do ${item.billed_to}.`, en: `The contract already has an invoice for a period up to ${item.billed_to}.` } });
      continue;
    }
    const doc: InvoiceDocument = { ...(JSON.parse(item.draft) as InvoiceDocument), seller, issueDate, createdAt, dueDate };
    try {
      ready.push({ item, doc, nips: checkInvoiceDocument(doc) });
    } catch (e) {
      if (!(e instanceof AppError)) throw e;
      held.push({ contract_id: item.contract_id, code: e.code, reason: e.messages });
    }
  }
  if (ready.length === 0) return { held, invoices: [], first: 0 };
  const n0 = await first(ready.length);
  const sellerJson = JSON.stringify(seller);
  const issueFields = `"issueDate":${JSON.stringify(issueDate)},"createdAt":${JSON.stringify(createdAt)},"dueDate":${JSON.stringify(dueDate)}`;
  const invoices: IssuedInvoice[] = ready.map(({ item, doc, nips }, i) => {
    doc.number = formatInvoiceNumber('FV', issueDate, n0 + i);
    // The document as stored: the draft's text with the issue's fields after it (in jsonb a later key wins,
    // and keys have no order), the same value as JSON.stringify(doc) without writing the whole document again.
    const documentJson = `${item.draft.slice(0, item.draft.lastIndexOf('}'))},"seller":${sellerJson},${issueFields},"number":${JSON.stringify(doc.number)}}`;
    return { contractId: Number(item.contract_id), customerId: Number(item.customer_id), delivery: item.delivery, estimates: item.estimates, doc, nips, documentJson };
  });
  return { held, invoices, first: n0 };
}

/** A batch made ahead of its transaction (issueRun's pipeline): valid only if the transaction finds everything as assumed. */
interface PreparedBatch {
  items: ItemRow[];
  issueDate: string;
  sellerJson: string;
  createdAt: string;
  /** The number the batch's first invoice was given. */
  first: number;
  held: Held[];
  invoices: IssuedInvoice[];
  rows: PreparedRows | null;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Reads the run's next `size` billable items after position `after` (on a connection of its own, committing
 * nothing of the run's) and makes their invoices' rows, numbered from `firstNumber` (null: from the series'
 * counter as it is now). Null when there is nothing to prepare.
 */
async function prepareBatch(
  database: Database,
  ctx: { utilityId: number; userId: number | null },
  runId: number,
  after: number,
  size: number,
  now: () => Date,
  firstNumber: number | null,
): Promise<PreparedBatch | null> {
  const utilityId = ctx.utilityId;
  const read = await withTenant(database.db, ctx, async (tx) => {
    const run = await tx.selectFrom('billing_runs').select(['status', sql<string>`issue_date::text`.as('issue_date')]).where('utility_id', '=', utilityId).where('id', '=', runId).executeTakeFirst();
    if (!run || run.status !== 'issuing' || !run.issue_date) return null;
    const { rows: items } = await sql<ItemRow>`
      select bi.contract_id, bi.customer_id, bi.position, bi.draft::text as draft, bi.delivery, bi.is_estimate, bi.estimates, null::text as billed_to
      from billing_run_items bi
      where bi.utility_id = ${utilityId} and bi.run_id = ${runId} and bi.status = 'billable' and bi.position > ${after}
      order by bi.position limit ${size}`.execute(tx);
    if (items.length === 0) return null;
    const seller = await sellerOf(tx, utilityId);
    let first = firstNumber;
    if (first === null) {
      const { rows } = await sql<{ last: number }>`
        select last_number as last from number_series where utility_id = ${utilityId} and series = 'FV' and period = ${run.issue_date.slice(0, 4)}`.execute(tx);
      first = rows.length ? Number(rows[0].last) + 1 : 1;
    }
    const ids = await takeInvoiceIds(tx, items.length);
    return { issueDate: run.issue_date, items, seller, first, ids };
  });
  if (!read) return null;
  const { issueDate, items, seller, first, ids } = read;
  const createdAt = now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  const dueDate = addDays(issueDate, PAYMENT_DAYS);
  const built = await buildInvoices(items, seller, { issueDate, createdAt, dueDate }, async () => first, nextTurn);
  const rows = built.invoices.length ? await prepareRows({ utilityId, runId, issueDate, dueDate, seller }, built.invoices, ids.slice(0, built.invoices.length), nextTurn) : null;
  return { items, issueDate, sellerJson: JSON.stringify(seller), createdAt, first, held: built.held, invoices: built.invoices, rows };
}

/** One batch in one transaction; false when the run is complete. */
async function issueBatch(
  tx: Tx,
  copy: CopyFn,
  utilityId: number,
  runId: number,
  size: number,
  now: () => Date,
  batch: number,
  inBatch: IssueOptions['inBatch'],
  documents: boolean,
  prepared: PreparedBatch | null = null,
  /** Starts making the next batch (after this one's last position, numbered on from the given number). */
  ahead?: (after: number, firstNumber: number | null) => void,
): Promise<boolean> {
  // The run's row lock makes issuers of one run take turns.
  const run = await lockRun(tx, utilityId, runId);
  if (run.status === 'issued') return false;
  if (run.status !== 'issuing') throw conflict('billing_run.not_issuing', 'Przebieg nie jest w trakcie wystawiania.', 'The run is not being issued.');
  const issueDate = String(run.issue_date);
  // The seller is the utility as it is on the day of issue (the stored draft leaves it out: one copy, not one per contract).
  const seller = await sellerOf(tx, utilityId);
  let items: ItemRow[];
  let usable = false;
  if (prepared) {
    // The batch made ahead holds if this transaction takes exactly its items, none billed since, with the same seller and date.
    const ahead0 = prepared;
    const { rows: current } = await sql<{ position: number; contract_id: number; billed_to: string | null }>`
      select bi.position, bi.contract_id,
             (select max(i.period_to)::text from invoices i where i.utility_id = bi.utility_id and i.contract_id = bi.contract_id and i.kind = 'invoice'
                and i.period_to >= ${run.period_from}::date and i.period_from <= ${run.period_to}::date) as billed_to
      from billing_run_items bi
      where bi.utility_id = ${utilityId} and bi.run_id = ${runId} and bi.status = 'billable'
      order by bi.position limit ${size}`.execute(tx);
    usable =
      ahead0.issueDate === issueDate &&
      ahead0.sellerJson === JSON.stringify(seller) &&
      current.length === ahead0.items.length &&
      current.every((r, k) => r.billed_to === null && Number(r.position) === Number(ahead0.items[k].position) && Number(r.contract_id) === Number(ahead0.items[k].contract_id));
    items = usable ? prepared.items : [];
    if (!usable) prepared = null;
  }
  if (!usable) {
    ({ rows: items } = await sql<ItemRow>`
      select bi.contract_id, bi.customer_id, bi.position, bi.draft::text as draft, bi.delivery, bi.is_estimate, bi.estimates,
             (select max(i.period_to)::text from invoices i where i.utility_id = bi.utility_id and i.contract_id = bi.contract_id and i.kind = 'invoice'
                and i.period_to >= ${run.period_from}::date and i.period_from <= ${run.period_to}::date) as billed_to
      from billing_run_items bi
      where bi.utility_id = ${utilityId} and bi.run_id = ${runId} and bi.status = 'billable'
      order by bi.position limit ${size}`.execute(tx));
  }
  if (items!.length === 0) {
    await finishRun(tx, utilityId, runId);
    return false;
  }
  items = items!;
  const dueDate = addDays(issueDate, PAYMENT_DAYS);
  // The batch's items lie in this range of positions (taken in that order): the updates below are bounded by it.
  const positions = { from: Number(items[0].position), to: Number(items[items.length - 1].position) };
  let held: Held[];
  let invoices: IssuedInvoice[];
  let rows: PreparedRows | undefined;
  let first: number;
  const take = (count: number) => takeNumbers(tx, utilityId, 'FV', issueDate, count);
  if (prepared) {
    // The numbers are taken here, in the batch's transaction, whatever was expected.
    first = prepared.invoices.length ? await take(prepared.invoices.length) : 0;
    if (first === prepared.first || prepared.invoices.length === 0) {
      ({ held, invoices } = prepared);
      rows = prepared.rows ?? undefined;
    } else {
      // Another issuer took numbers of the series meanwhile: the same documents, numbered as they now run.
      const createdAt = prepared.createdAt;
      ({ held, invoices } = await buildInvoices(items, seller, { issueDate, createdAt, dueDate }, async () => first));
      // The same documents and checks as made ahead: as many invoices as numbers taken (else nothing of this batch stays).
      if (invoices.length !== prepared.invoices.length) throw new Error('billing run: the batch made again differs from the one made ahead');
    }
  } else {
    const createdAt = now().toISOString().replace(/\.\d{3}Z$/, 'Z');
    ({ held, invoices, first } = await buildInvoices(items, seller, { issueDate, createdAt, dueDate }, take));
  }
  // The next batch is made while this one is stored (a full batch: there may be more).
  if (items.length === size) ahead?.(positions.to, invoices.length ? first + invoices.length : null);
  if (invoices.length > 0) {
    const ids = await storeIssuedBatch(tx, copy, { utilityId, runId, issueDate, dueDate, seller }, invoices, positions, rows);
    // The PDF and the delivery follow as jobs, committed with the invoices or not at all.
    if (documents) await enqueueInvoiceDocuments(tx, utilityId, ids);
  }
  if (held.length > 0) {
    await sql`
      update billing_run_items bi set status = 'held', hold_code = x.code, hold_reason = x.reason
      from jsonb_to_recordset(${json(held)}::jsonb) as x(contract_id bigint, code text, reason jsonb)
      where bi.utility_id = ${utilityId} and bi.run_id = ${runId} and bi.position between ${positions.from} and ${positions.to}
        and bi.contract_id = x.contract_id`.execute(tx);
  }
  await sql`update billing_runs set issued = issued + ${invoices.length}, held = held + ${held.length}, billed = billed - ${held.length}
            where utility_id = ${utilityId} and id = ${runId}`.execute(tx);
  await inBatch?.(batch, Number(run.issued) + invoices.length);
  // A short batch took every item left: the run ends in the same transaction.
  if (items.length < size) {
    await finishRun(tx, utilityId, runId);
    return false;
  }
  return true;
}

/** Marks a run issued, its counts and totals from its items. */
async function finishRun(tx: Tx, utilityId: number, runId: number): Promise<void> {
  await sql`
    update billing_runs r set status = 'issued', issued_at = now(),
      billed = s.billed, held = s.held, issued = s.issued, net_grosze = s.net, vat_grosze = s.vat, gross_grosze = s.gross
    from (select count(*) filter (where status <> 'held')::int as billed, count(*) filter (where status = 'held')::int as held,
                 count(*) filter (where status = 'issued')::int as issued,
                 coalesce(sum(net_grosze) filter (where status <> 'held'), 0) as net, coalesce(sum(vat_grosze) filter (where status <> 'held'), 0) as vat,
                 coalesce(sum(gross_grosze) filter (where status <> 'held'), 0) as gross
          from billing_run_items where utility_id = ${utilityId} and run_id = ${runId}) s
    where r.utility_id = ${utilityId} and r.id = ${runId}`.execute(tx);
}

function summary(r: Record<string, unknown>): RunSummary {
  const iso = (v: unknown) => (v === null || v === undefined ? null : v instanceof Date ? v.toISOString() : new Date(String(v)).toISOString());
  return {
    id: Number(r.id),
    periodFrom: String(r.period_from),
    periodTo: String(r.period_to),
    selection: (typeof r.selection === 'string' ? JSON.parse(r.selection) : r.selection) as Selection,
    status: r.status as RunStatus,
    issueDate: r.issue_date === null ? null : String(r.issue_date),
    contracts: Number(r.contracts),
    billed: Number(r.billed),
    held: Number(r.held),
    issued: Number(r.issued),
    net: Number(r.net_grosze),
    vat: Number(r.vat_grosze),
    gross: Number(r.gross_grosze),
    lastError: (r.last_error as string | null) ?? null,
    createdAt: iso(r.created_at)!,
    approvedAt: iso(r.approved_at),
    issuedAt: iso(r.issued_at),
  };
}

export async function getRun(tx: Tx, utilityId: number, runId: number): Promise<RunSummary> {
  const r = await tx.selectFrom('billing_runs').selectAll().where('utility_id', '=', utilityId).where('id', '=', runId).executeTakeFirst();
  if (!r) throw runNotFound();
  return summary(r);
}

export async function listRuns(tx: Tx, utilityId: number, limit = 50): Promise<RunSummary[]> {
  const rows = await tx.selectFrom('billing_runs').selectAll().where('utility_id', '=', utilityId).orderBy('id', 'desc').limit(limit).execute();
  return rows.map(summary);
}

export interface RunLine {
  contractId: number;
  contractNumber: string;
  customerId: number;
  customerNumber: string;
  customerName: string;
  status: 'billable' | 'held' | 'issued';
  holdCode: string | null;
  holdReason: { pl: string; en: string } | null;
  warnings: { code: string; pl: string; en: string; meter?: string }[];
  net: number;
  vat: number;
  gross: number;
  estimated: boolean;
  delivery: 'paper' | 'einvoice';
  invoiceNumber: string | null;
  invoiceId: number | null;
}

/** A page of a run's lines in issuing order; `status` narrows them (e.g. the held ones). */
export async function runLines(tx: Tx, utilityId: number, runId: number, q: { status?: string; offset?: number; limit?: number }): Promise<{ total: number; items: RunLine[] }> {
  await getRun(tx, utilityId, runId);
  const where = sql`bi.utility_id = ${utilityId} and bi.run_id = ${runId} ${q.status ? sql`and bi.status = ${q.status}` : sql``}`;
  const { rows: count } = await sql<{ n: number }>`select count(*)::int as n from billing_run_items bi where ${where}`.execute(tx);
  const { rows } = await sql<Record<string, unknown>>`
    select bi.contract_id, c.contract_number, bi.customer_id, cu.customer_number, cu.name, bi.status, bi.hold_code, bi.hold_reason, bi.warnings,
           bi.net_grosze, bi.vat_grosze, bi.gross_grosze, bi.is_estimate, bi.delivery, i.invoice_number, bi.invoice_id
    from billing_run_items bi
    join contracts c on c.utility_id = bi.utility_id and c.id = bi.contract_id
    join customers cu on cu.utility_id = bi.utility_id and cu.id = bi.customer_id
    left join invoices i on i.utility_id = bi.utility_id and i.id = bi.invoice_id
    where ${where} order by bi.position offset ${q.offset ?? 0} limit ${q.limit ?? 100}`.execute(tx);
  const parse = (v: unknown) => (typeof v === 'string' ? JSON.parse(v) : v);
  return {
    total: Number(count[0].n),
    items: rows.map((r) => ({
      contractId: Number(r.contract_id),
      contractNumber: String(r.contract_number),
      customerId: Number(r.customer_id),
      customerNumber: String(r.customer_number),
      customerName: String(r.name),
      status: r.status as RunLine['status'],
      holdCode: (r.hold_code as string | null) ?? null,
      holdReason: (parse(r.hold_reason) as RunLine['holdReason']) ?? null,
      warnings: parse(r.warnings) as RunLine['warnings'],
      net: Number(r.net_grosze),
      vat: Number(r.vat_grosze),
      gross: Number(r.gross_grosze),
      estimated: Boolean(r.is_estimate),
      delivery: r.delivery as 'paper' | 'einvoice',
      invoiceNumber: (r.invoice_number as string | null) ?? null,
      invoiceId: r.invoice_id === null ? null : Number(r.invoice_id),
    })),
  };
}

/** Counts of held contracts and warnings by code: the preview's warnings panel. */
export async function runWarnings(tx: Tx, utilityId: number, runId: number): Promise<{ held: { code: string; count: number }[]; warnings: { code: string; count: number }[] }> {
  await getRun(tx, utilityId, runId);
  const { rows: held } = await sql<{ code: string; count: number }>`
    select hold_code as code, count(*)::int as count from billing_run_items
    where utility_id = ${utilityId} and run_id = ${runId} and status = 'held' group by hold_code order by count(*) desc, hold_code`.execute(tx);
  const { rows: warnings } = await sql<{ code: string; count: number }>`
    select w->>'code' as code, count(*)::int as count from billing_run_items bi, jsonb_array_elements(bi.warnings) w
    where bi.utility_id = ${utilityId} and bi.run_id = ${runId} group by w->>'code' order by count(*) desc, w->>'code'`.execute(tx);
  return { held, warnings };
}

/** An unfinished run (approved or issuing) for the same period and selection: what `--issue` resumes. */
export async function unfinishedRun(tx: Tx, utilityId: number, period: { from: string; to: string }, selection: Selection): Promise<number | null> {
  const { rows } = await sql<{ id: number }>`
    select id from billing_runs where utility_id = ${utilityId} and period_from = ${period.from}::date and period_to = ${period.to}::date
      and selection = ${json(selection)}::jsonb and status in ('approved', 'issuing') order by id limit 1`.execute(tx);
  return rows.length ? Number(rows[0].id) : null;
}
