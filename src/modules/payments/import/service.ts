/**
 * Importing parsed bank statements: each statement in one transaction (all
 * its lines, their payments, matches and allocations, and its result in the
 * import record), so an import killed mid-way leaves whole statements only,
 * and running the file again adds what is missing and nothing twice (the
 * lines' stable identities, identity.ts). Works in sets: a statement of
 * 100,000 lines is a handful of queries (lookups with arrays, inserts from
 * unnest), not one per line.
 */
import { createHash } from 'node:crypto';
import { sql } from 'kysely';
import type { Database } from '../../../db/connection.ts';
import { withTenant, type Tx } from '../../../db/tenant.ts';
import { withCopyTx, type CopyFn } from '../../../db/bulk.ts';
import { CopyBuffer } from '../../../db/copy-buffer.ts';
import { copyValue } from '../../../db/copy-text.ts';
import type { ParsedStatement, ParseResult, StatementProblem } from '../statements/types.ts';
import { keysOf, matchLine, normaliseAccount, type InvoiceRef, type Lookups, type MatchKeys } from '../matching/match.ts';
import { lockLedger, settle } from '../ledger/settle.ts';
import { lineKeys, toGrosze } from './identity.ts';

export interface StatementResult {
  statement: string;
  account: string;
  status: 'imported' | 'refused';
  lines: number;
  added: number;
  duplicates: number;
  matched: number;
  unmatched: number;
  debits: number;
  /** Credits added, grosze. */
  credited: number;
  problem?: StatementProblem;
}

export interface ImportReport {
  importId: number;
  encoding: string;
  statements: StatementResult[];
  problems: StatementProblem[];
}

export interface ImportMeta {
  fileName: string;
  /** The file's bytes (for its hash: the same file imported again is recognised). */
  bytes: Uint8Array;
  userId: number | null;
  /** Test seam: called inside each statement's transaction before it commits (a test throws here to kill the import). */
  beforeCommit?: (index: number) => void | Promise<void>;
}

const problem = (code: string, st: ParsedStatement, pl: string, en: string): StatementProblem => ({ code, statement: st.statement, fileLine: st.fileLine, message: { pl, en } });

/** Imports what the parser read; returns the per-statement results. */
export async function importParsed(database: Database, utilityId: number, parsed: ParseResult, meta: ImportMeta): Promise<ImportReport> {
  const sha = createHash('sha256').update(meta.bytes).digest('hex');
  const ctx = { utilityId, userId: meta.userId };
  const { importId, own } = await withTenant(database.db, ctx, async (tx) => {
    // An earlier run of the same file that never finished was killed: this run completes it.
    await sql`update payment_imports set status = 'failed', finished_at = now() where file_sha256 = ${sha} and status = 'running'`.execute(tx);
    const { rows } = await sql<{ id: number }>`
      insert into payment_imports (utility_id, file_name, file_sha256, encoding, problems, imported_by)
      values (${utilityId}, ${meta.fileName.slice(0, 255)}, ${sha}, ${parsed.encoding}, ${JSON.stringify(parsed.problems)}::jsonb, ${meta.userId})
      returning id`.execute(tx);
    return { importId: Number(rows[0].id), own: await ownAccounts(tx, utilityId) };
  });
  const results: StatementResult[] = [];
  for (const [index, st] of parsed.statements.entries()) {
    const result = await withCopyTx(database, ctx, async (tx, copy) => {
      const r = await importStatement(tx, copy, utilityId, importId, st, own);
      await sql`update payment_imports set results = results || ${JSON.stringify([r])}::jsonb where id = ${importId}`.execute(tx);
      await meta.beforeCommit?.(index);
      return r;
    });
    results.push(result);
  }
  await withTenant(database.db, ctx, (tx) => sql`update payment_imports set status = 'done', finished_at = now() where id = ${importId}`.execute(tx));
  return { importId, encoding: parsed.encoding, statements: results, problems: parsed.problems };
}

/** The utility's bank account and virtual-account prefix (read once per file). */
export interface OwnAccounts {
  bank_account: string | null;
  virtual_account_prefix: string | null;
}

async function ownAccounts(tx: Tx, utilityId: number): Promise<OwnAccounts | undefined> {
  const { rows } = await sql<OwnAccounts>`select bank_account, virtual_account_prefix from utilities where id = ${utilityId}`.execute(tx);
  return rows[0];
}

/** Whether the statement's account is the utility's: its bank account or one of its individual accounts. */
function accountProblem(u: OwnAccounts | undefined, st: ParsedStatement): StatementProblem | null {
  const account = normaliseAccount(st.account);
  const own = normaliseAccount(u?.bank_account);
  if (!own) return null; // a utility without a configured account takes any statement
  if (account && (account === own || (u?.virtual_account_prefix && account.slice(2).startsWith(u.virtual_account_prefix.replace(/\D/g, ''))))) return null;
  return problem('payments.unknown_account', st, `Wyciąg ${st.statement} dotyczy rachunku ${st.account}, który nie jest rachunkiem przedsiębiorstwa.`, `Statement ${st.statement} is for account ${st.account}, which is not the utility's account.`);
}

const refused = (st: ParsedStatement, p: StatementProblem): StatementResult => ({
  statement: st.statement, account: st.account, status: 'refused', lines: st.lines.length, added: 0, duplicates: 0, matched: 0, unmatched: 0, debits: 0, credited: 0, problem: p,
});

const PAYMENT_COLUMNS = ['utility_id', 'id', 'customer_id', 'amount_grosze', 'booked_on', 'channel', 'title', 'payer_name', 'counter_account', 'external_ref'] as const;
const LINE_COLUMNS = [
  'utility_id', 'line_key', 'import_id', 'account', 'statement', 'booking_date', 'value_date', 'amount_grosze',
  'counter_account', 'counter_name', 'title', 'bank_reference', 'status', 'matched_by', 'payment_id',
] as const;

/** Text or \N, and a tab. */
function nullable(out: CopyBuffer, v: string | null | undefined): void {
  if (v === null || v === undefined) out.nul();
  else out.text(v);
}

/** Fresh ids for `count` rows of `table` from its identity sequence (one statement). */
async function sequenceIds(tx: Tx, table: 'payments', count: number): Promise<number[]> {
  const { rows } = await sql<{ id: string }>`select nextval(pg_get_serial_sequence(${table}, 'id'))::text as id from generate_series(1, ${count}::int)`.execute(tx);
  return rows.map((r) => Number(r.id));
}

/**
 * One statement, inside the caller's transaction (bulk.ts's withCopyTx: `copy` writes into it; `own`: the
 * utility's accounts, when the caller read them already). A refused statement writes nothing.
 */
export async function importStatement(tx: Tx, copy: CopyFn, utilityId: number, importId: number, st: ParsedStatement, own?: OwnAccounts): Promise<StatementResult> {
  if (st.currency !== 'PLN') {
    return refused(st, problem('payments.currency', st, `Wyciąg ${st.statement} jest w walucie ${st.currency}; przyjmowane są tylko wyciągi w PLN.`, `Statement ${st.statement} is in ${st.currency}; only PLN statements are taken.`));
  }
  const amounts = st.lines.map((l) => toGrosze(l.amount));
  const bad = amounts.findIndex((a) => a === null);
  if (bad >= 0) {
    return refused(st, problem('payments.bad_amount', st, `Wyciąg ${st.statement}, pozycja ${bad + 1}: nieprawidłowa kwota „${st.lines[bad].amount}”.`, `Statement ${st.statement}, line ${bad + 1}: invalid amount "${st.lines[bad].amount}".`));
  }
  const accountIssue = accountProblem(own === undefined ? await ownAccounts(tx, utilityId) : own, st);
  if (accountIssue) return refused(st, accountIssue);

  await lockLedger(tx, utilityId);
  // A statement of 100,000 lines: its large reads sort in memory, and are not compiled by JIT (the planner's
  // estimates for arrays of ids make it think so, and compiling took longer than running them).
  await sql`select set_config('work_mem', '64MB', true), set_config('jit', 'off', true)`.execute(tx);
  const keys = lineKeys(st.lines);
  const existing = new Set(
    (await sql<{ line_key: string }>`select line_key from bank_statement_lines where line_key = any(${keys}::text[])`.execute(tx)).rows.map((r) => r.line_key),
  );
  // A key twice in one statement (a bank repeating a reference on one day) is one line, as it would be across files.
  const fresh = st.lines.map((line, i) => ({ line, key: keys[i], amount: amounts[i] as number })).filter((x) => !existing.has(x.key) && (existing.add(x.key), true));
  const credits = fresh.filter((x) => x.amount > 0);
  const matchKeys = credits.map((x) => keysOf(x.line));
  const lookups = await lookupsFor(tx, matchKeys);
  const matches = matchKeys.map((k) => matchLine(k, lookups));

  // Payments for the credits (unmatched ones wait without a customer), then every new line pointing at its
  // payment, then the allocations: each by COPY (no arrays for the server to parse and take apart, no row
  // objects kept until one big statement). The payments' ids come from their sequence first, so that the
  // lines name their payment in the same pass; an id taken by a statement that rolls back is only a gap.
  const paymentIds = credits.length > 0 ? await sequenceIds(tx, 'payments', credits.length) : [];
  const customers: number[] = [];
  const named = new Map<number, number[]>();
  if (credits.length > 0) {
    const out = new CopyBuffer(credits.length * 160);
    for (let i = 0; i < credits.length; i++) {
      const x = credits[i];
      const m = matches[i];
      out.int(utilityId).int(paymentIds[i]);
      if (m.customerId === null) out.nul();
      else {
        out.int(m.customerId);
        customers.push(m.customerId);
        named.set(paymentIds[i], m.namedInvoiceIds);
      }
      out.int(x.amount).text(x.line.bookingDate).ascii('bank').text(x.line.title);
      nullable(out, x.line.counterName);
      nullable(out, x.line.counterAccount);
      out.text(`bank:${x.key}`, 10);
    }
    await copy('payments', PAYMENT_COLUMNS, out.bytes());
  }
  if (fresh.length > 0) {
    const out = new CopyBuffer(fresh.length * 240);
    const account = Buffer.from(`${copyValue(st.account)}\t`);
    const statement = Buffer.from(`${copyValue(st.statement)}\t`);
    let c = 0;
    for (const x of fresh) {
      out.int(utilityId).text(x.key).int(importId).raw(account).raw(statement).text(x.line.bookingDate).text(x.line.valueDate).signed(x.amount);
      nullable(out, x.line.counterAccount);
      nullable(out, x.line.counterName);
      out.text(x.line.title);
      nullable(out, x.line.bankReference);
      if (x.amount <= 0) out.ascii('debit').nul().nul(10);
      else {
        // fresh and credits are in the same order: the c-th credit is this line.
        const m = matches[c];
        out.ascii(m.customerId === null ? 'unmatched' : 'matched');
        nullable(out, m.by);
        out.int(paymentIds[c], 10);
        c++;
      }
    }
    await copy('bank_statement_lines', LINE_COLUMNS, out.bytes());
  }
  await settle(tx, utilityId, customers, named, copy);
  const matched = customers.length;
  return {
    statement: st.statement,
    account: st.account,
    status: 'imported',
    lines: st.lines.length,
    added: fresh.length,
    duplicates: st.lines.length - fresh.length,
    matched,
    unmatched: credits.length - matched,
    debits: fresh.length - credits.length,
    credited: credits.reduce((s, x) => s + x.amount, 0),
  };
}

/** Looks every key of a statement up (one query). */
async function lookupsFor(tx: Tx, keys: readonly MatchKeys[]): Promise<Lookups> {
  // Individual accounts are stored as 26 digits (payments/accounts.ts), as keysOf gives them.
  const accounts = [...new Set(keys.flatMap((k) => k.accounts))];
  const invoiceNumbers = [...new Set(keys.flatMap((k) => [...k.invoiceNumbers, ...(k.split?.invoices ?? [])]))];
  const ksef = [...new Set(keys.flatMap((k) => [...k.ksefNumbers, ...(k.split?.invoices ?? [])]))];
  const numbers = [...new Set(keys.flatMap((k) => [...k.customerNumbers, ...k.looseTokens]))];
  const nips = [...new Set(keys.map((k) => k.split?.nip).filter((n): n is string => !!n))];
  // One query for all kinds (a round trip per kind costs more than the lookups on the embedded database).
  const { rows } = await sql<{ t: 'a' | 'i' | 'k' | 'n' | 'p'; k: string; id: number; customer_id: number | null }>`
    select 'a' as t, payment_account as k, id, null::bigint as customer_id from customers where payment_account = any(${accounts}::text[])
    union all
    select 'i', invoice_number, id, customer_id from invoices where kind = 'invoice' and invoice_number = any(${invoiceNumbers}::text[])
    union all
    select 'k', upper(ksef_number), id, customer_id from invoices where kind = 'invoice' and ksef_number = any(${ksef}::text[])
    union all
    select 'n', customer_number, id, null from customers where customer_number = any(${numbers}::text[])
    union all
    select 'p', nip, min(id), null from customers where nip = any(${nips}::text[]) group by nip having count(*) = 1`.execute(tx);
  const of = (t: string) => rows.filter((r) => r.t === t);
  const acc = of('a');
  const inv = of('i') as Array<{ k: string; id: number; customer_id: number }>;
  const ks = of('k') as Array<{ k: string; id: number; customer_id: number }>;
  const num = of('n');
  const nip = of('p');
  const ref = (r: { k: string; id: number; customer_id: number }): [string, InvoiceRef] => [r.k, { id: Number(r.id), customerId: Number(r.customer_id) }];
  return {
    customerByAccount: new Map(acc.map((r) => [normaliseAccount(r.k) ?? r.k, Number(r.id)])),
    invoiceByNumber: new Map(inv.map(ref)),
    invoiceByKsef: new Map(ks.map(ref)),
    customerByNumber: new Map(num.map((r) => [r.k, Number(r.id)])),
    customerByNip: new Map(nip.map((r) => [r.k, Number(r.id)])),
  };
}
