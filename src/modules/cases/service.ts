/**
 * Cases (sprawy): the customer's side (list, file, thread, reply) and the
 * staff's (the inbox, assignment, replies, internal notes, status). Every
 * function runs inside the request's tenant transaction; one request writes
 * the case, its number, its message, its attachment, its events and the
 * customer's e-mail together or not at all.
 */
import { createHash } from 'node:crypto';
import { sql, type ExpressionBuilder } from 'kysely';
import type { DB } from '../../db/types.ts';
import type { Tx } from '../../db/tenant.ts';
import { asBuffer } from '../../db/bytea.ts';
import { badRequest, conflict, notFound } from '../../lib/errors.ts';
import { queueEmail } from '../notify/index.ts';
import { caseReplyMessage, STATUS_PL } from './emails.ts';
import { takeCaseNumber } from './numbering.ts';
import {
  addDays,
  bodyProblems,
  contractClosed,
  CASE_STATUSES,
  DUE_WARNING_DAYS,
  dueOnFor,
  dueState,
  isOpen,
  newCaseProblems,
  OPEN_STATUSES,
  warsawToday,
  type AttachmentType,
  type Problem,
} from './rules.ts';

export interface Attachment {
  name: string;
  contentType: AttachmentType;
  bytes: Buffer;
}

const iso = (v: Date | string | null | undefined) => (v == null ? null : new Date(v).toISOString());

/** The first problem as a 400 naming its field (the web form puts it at that field). */
export function refuse(problems: Problem[]): void {
  if (problems.length === 0) return;
  const [first] = problems;
  throw badRequest(first.code, first.pl, first.en, { field: first.field });
}

const caseNotFound = () => notFound('cases.not_found', 'Nie znaleziono sprawy.', 'No such case.');

async function storeAttachment(tx: Tx, utilityId: number, a: Attachment | undefined): Promise<number | null> {
  if (!a) return null;
  const row = await tx
    .insertInto('files')
    .values({
      utility_id: utilityId,
      name: a.name.slice(0, 200) || 'zdjecie',
      content_type: a.contentType,
      size_bytes: a.bytes.length,
      sha256: createHash('sha256').update(a.bytes).digest('hex'),
      data: a.bytes,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

/** A line of the case's history; `at` is the time of the message it goes with, so the thread orders them together. */
async function event(tx: Tx, utilityId: number, caseId: number, actorId: number | null, name: string, data: Record<string, unknown> = {}, at: Date = new Date()) {
  await tx.insertInto('case_events').values({ utility_id: utilityId, case_id: caseId, actor_id: actorId, event: name, data: JSON.stringify(data), at }).execute();
}

// ---------------------------------------------------------------- customer side

export interface CustomerListFilter {
  customerIds: number[];
  kind?: string;
  /** 'open', 'closed' (every other status) or one status */
  status?: string;
  limit: number;
  offset: number;
}

/** The customers' cases, newest first, each with its last message the customer may see. */
export async function listCustomerCases(tx: Tx, utilityId: number, f: CustomerListFilter) {
  if (f.customerIds.length === 0) return { items: [], total: 0 };
  let q = tx.selectFrom('cases as c').where('c.utility_id', '=', utilityId).where('c.customer_id', 'in', f.customerIds);
  if (f.kind) q = q.where('c.kind', '=', f.kind);
  if (f.status === 'open') q = q.where('c.status', 'in', [...OPEN_STATUSES]);
  else if (f.status === 'closed') q = q.where('c.status', 'not in', [...OPEN_STATUSES]);
  else if (f.status) q = q.where('c.status', '=', f.status);
  const { total } = await q.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await q
    .select(['c.id', 'c.case_number', 'c.customer_id', 'c.kind', 'c.subject', 'c.status', 'c.created_at', 'c.updated_at', 'c.due_on', 'c.last_message_at'])
    .select(sql<string | null>`(select m.body from case_messages m where m.utility_id = c.utility_id and m.case_id = c.id and not m.internal and m.author_kind = 'staff' order by m.created_at desc, m.id desc limit 1)`.as('last_reply_body'))
    .select(sql<Date | null>`(select m.created_at from case_messages m where m.utility_id = c.utility_id and m.case_id = c.id and not m.internal and m.author_kind = 'staff' order by m.created_at desc, m.id desc limit 1)`.as('last_reply_at'))
    .orderBy('c.created_at', 'desc')
    .orderBy('c.id', 'desc')
    .limit(f.limit)
    .offset(f.offset)
    .execute();
  return {
    total: Number(total),
    items: rows.map((r) => ({
      id: r.id,
      caseNumber: r.case_number,
      customerId: r.customer_id,
      kind: r.kind,
      subject: r.subject,
      status: r.status,
      createdAt: iso(r.created_at)!,
      updatedAt: iso(r.updated_at)!,
      lastMessageAt: iso(r.last_message_at),
      lastReply: r.last_reply_at ? { body: excerpt(r.last_reply_body ?? ''), at: iso(r.last_reply_at)! } : null,
    })),
  };
}

const excerpt = (s: string, n = 280) => (s.length > n ? `${s.slice(0, n - 1)}…` : s);

export interface NewCase {
  customerId: number;
  kind: string;
  subject: string;
  body: string;
  place?: string;
  contractId?: number;
  invoiceId?: number;
}

/** Files a customer's complaint, failure report or message; returns its id and number. */
export async function createCase(tx: Tx, utility: { id: number; complaintDeadlineDays: number }, userId: number, input: NewCase, attachment?: Attachment) {
  refuse(newCaseProblems(input));
  const u = utility.id;
  const customer = await tx.selectFrom('customers').select('id').where('utility_id', '=', u).where('id', '=', input.customerId).executeTakeFirst();
  if (!customer) throw notFound('cases.customer_not_found', 'Nie znaleziono klienta.', 'No such customer.');
  if (input.contractId !== undefined) {
    const k = await tx.selectFrom('contracts').select(['status', 'valid_to']).where('utility_id', '=', u).where('id', '=', input.contractId).where('customer_id', '=', input.customerId).executeTakeFirst();
    if (!k) throw notFound('cases.contract_not_found', 'Nie znaleziono takiej umowy klienta.', 'The customer has no such contract.');
    if (k.status !== 'active' || (k.valid_to !== null && String(k.valid_to) < warsawToday())) {
      const cp = contractClosed();
      throw badRequest(cp.code, cp.pl, cp.en, { field: cp.field });
    }
  }
  if (input.invoiceId !== undefined) {
    if (input.kind !== 'complaint') throw badRequest('cases.invoice_only_complaint', 'Fakturę można wskazać tylko w reklamacji.', 'An invoice can only be named in a complaint.', { field: 'invoiceId' });
    const inv = await tx.selectFrom('invoices').select('id').where('utility_id', '=', u).where('id', '=', input.invoiceId).where('customer_id', '=', input.customerId).executeTakeFirst();
    // Someone else's invoice is answered like a missing one: ids of others reveal nothing.
    if (!inv) throw notFound('cases.invoice_not_found', 'Nie znaleziono takiej faktury klienta.', 'The customer has no such invoice.');
  }
  const today = warsawToday();
  const caseNumber = await takeCaseNumber(tx, u, today.slice(0, 4));
  const now = new Date();
  const created = await tx
    .insertInto('cases')
    .values({
      utility_id: u,
      case_number: caseNumber,
      customer_id: input.customerId,
      contract_id: input.contractId ?? null,
      invoice_id: input.invoiceId ?? null,
      kind: input.kind,
      subject: input.subject.trim(),
      place: input.kind === 'failure' ? (input.place ?? '').trim() : null,
      status: 'new',
      due_on: dueOnFor(input.kind, today, utility.complaintDeadlineDays),
      created_by: userId,
      created_at: now,
      updated_at: now,
      last_message_at: now,
    })
    .returning(['id', 'case_number'])
    .executeTakeFirstOrThrow();
  const fileId = await storeAttachment(tx, u, attachment);
  await tx
    .insertInto('case_messages')
    .values({ utility_id: u, case_id: created.id, author_id: userId, author_kind: 'customer', body: input.body.trim(), internal: false, attachment_file_id: fileId, created_at: now })
    .execute();
  await event(tx, u, created.id, userId, 'created', { kind: input.kind }, now);
  return { id: created.id, caseNumber: created.case_number };
}

async function caseRow(tx: Tx, utilityId: number, caseId: number, customerIds?: number[]) {
  let q = tx.selectFrom('cases').selectAll().where('utility_id', '=', utilityId).where('id', '=', caseId);
  if (customerIds) {
    if (customerIds.length === 0) throw caseNotFound();
    q = q.where('customer_id', 'in', customerIds);
  }
  const row = await q.executeTakeFirst();
  if (!row) throw caseNotFound();
  return row;
}

/** A case with its thread. `staff` adds internal notes, names and every event; the customer sees replies and status changes. */
async function caseDetail(tx: Tx, utilityId: number, c: Awaited<ReturnType<typeof caseRow>>, staff: boolean) {
  let mq = tx
    .selectFrom('case_messages as m')
    .leftJoin('users as a', (j) => j.onRef('a.utility_id', '=', 'm.utility_id').onRef('a.id', '=', 'm.author_id'))
    .leftJoin('files as f', (j) => j.onRef('f.utility_id', '=', 'm.utility_id').onRef('f.id', '=', 'm.attachment_file_id'))
    .select(['m.id', 'm.created_at', 'm.author_kind', 'm.body', 'm.internal', 'a.name as author_name', 'a.email as author_email', 'f.id as file_id', 'f.name as file_name', 'f.content_type', 'f.size_bytes'])
    .where('m.utility_id', '=', utilityId)
    .where('m.case_id', '=', c.id);
  if (!staff) mq = mq.where('m.internal', '=', false);
  const messages = await mq.orderBy('m.created_at').orderBy('m.id').execute();
  let eq = tx
    .selectFrom('case_events as e')
    .leftJoin('users as a', (j) => j.onRef('a.utility_id', '=', 'e.utility_id').onRef('a.id', '=', 'e.actor_id'))
    .select(['e.id', 'e.at', 'e.event', 'e.data', 'a.name as actor_name', 'a.email as actor_email'])
    .where('e.utility_id', '=', utilityId)
    .where('e.case_id', '=', c.id);
  if (!staff) eq = eq.where('e.event', 'in', ['created', 'status']);
  const events = await eq.orderBy('e.at').orderBy('e.id').execute();
  const extra = await tx
    .selectFrom('customers as cu')
    .leftJoin('contracts as k', (j) => j.onRef('k.utility_id', '=', 'cu.utility_id').on('k.id', '=', c.contract_id ?? -1))
    .leftJoin('invoices as i', (j) => j.onRef('i.utility_id', '=', 'cu.utility_id').on('i.id', '=', c.invoice_id ?? -1))
    .leftJoin('users as s', (j) => j.onRef('s.utility_id', '=', 'cu.utility_id').on('s.id', '=', c.assignee_id ?? -1))
    .select(['cu.id', 'cu.name', 'cu.customer_number', 'k.contract_number', 'i.invoice_number', 's.name as assignee_name', 's.email as assignee_email'])
    .where('cu.utility_id', '=', utilityId)
    .where('cu.id', '=', c.customer_id)
    .executeTakeFirstOrThrow();
  const today = warsawToday();
  const who = (name: string | null, email: string | null) => (name || email || null);
  return {
    id: c.id,
    caseNumber: c.case_number,
    kind: c.kind,
    subject: c.subject,
    status: c.status,
    place: c.place,
    createdAt: iso(c.created_at)!,
    updatedAt: iso(c.updated_at)!,
    closedAt: iso(c.closed_at),
    dueOn: c.due_on,
    dueState: dueState(c.due_on, c.status, today),
    customer: { id: extra.id, name: extra.name, customerNumber: extra.customer_number },
    contract: c.contract_id ? { id: c.contract_id, contractNumber: extra.contract_number ?? '' } : null,
    invoice: c.invoice_id ? { id: c.invoice_id, invoiceNumber: extra.invoice_number ?? '' } : null,
    assignee: staff && c.assignee_id ? { id: c.assignee_id, name: who(extra.assignee_name, extra.assignee_email) ?? '' } : null,
    messages: messages.map((m) => ({
      id: m.id,
      at: iso(m.created_at)!,
      authorKind: m.author_kind,
      // Customers see "Biuro Obsługi Klienta", not a clerk's name (the web app words it).
      authorName: staff || m.author_kind === 'customer' ? who(m.author_name, m.author_email) : null,
      body: m.body,
      internal: m.internal,
      attachment: m.file_id ? { id: m.file_id, name: m.file_name ?? '', contentType: m.content_type ?? '', sizeBytes: Number(m.size_bytes) } : null,
    })),
    events: events.map((e) => ({
      id: e.id,
      at: iso(e.at)!,
      event: e.event,
      data: (typeof e.data === 'string' ? JSON.parse(e.data) : e.data) as Record<string, unknown>,
      actorName: staff ? who(e.actor_name, e.actor_email) : null,
    })),
  };
}

export async function customerCase(tx: Tx, utilityId: number, customerIds: number[], caseId: number) {
  return caseDetail(tx, utilityId, await caseRow(tx, utilityId, caseId, customerIds), false);
}

/** The customer answers in the thread; a case waiting for them goes back to staff. */
export async function customerReply(tx: Tx, utilityId: number, userId: number, customerIds: number[], caseId: number, body: string, attachment?: Attachment) {
  const c = await caseRow(tx, utilityId, caseId, customerIds);
  refuse(bodyProblems(body));
  if (!isOpen(c.status)) {
    throw conflict('cases.closed', 'Ta sprawa jest już zakończona. W nowej sprawie prosimy złożyć nowe zgłoszenie lub wiadomość.', 'This case is finished. For anything new, please file a new case or message.');
  }
  const now = new Date();
  const fileId = await storeAttachment(tx, utilityId, attachment);
  await tx.insertInto('case_messages').values({ utility_id: utilityId, case_id: c.id, author_id: userId, author_kind: 'customer', body: body.trim(), attachment_file_id: fileId, created_at: now }).execute();
  const status = c.status === 'waiting_for_customer' ? 'in_progress' : c.status;
  await tx.updateTable('cases').set({ status, updated_at: now, last_message_at: now }).where('utility_id', '=', utilityId).where('id', '=', c.id).execute();
  await event(tx, utilityId, c.id, userId, 'customer_reply', {}, now);
  if (status !== c.status) await event(tx, utilityId, c.id, userId, 'status', { from: c.status, to: status }, now);
}

/** An attachment of a case's message; the customer never gets one of an internal note. */
export async function attachment(tx: Tx, utilityId: number, caseId: number, fileId: number, customerIds?: number[]) {
  const c = await caseRow(tx, utilityId, caseId, customerIds);
  let q = tx
    .selectFrom('case_messages as m')
    .innerJoin('files as f', (j) => j.onRef('f.utility_id', '=', 'm.utility_id').onRef('f.id', '=', 'm.attachment_file_id'))
    .select(['f.name', 'f.content_type', 'f.data'])
    .where('m.utility_id', '=', utilityId)
    .where('m.case_id', '=', c.id)
    .where('f.id', '=', fileId);
  if (customerIds) q = q.where('m.internal', '=', false);
  const f = await q.executeTakeFirst();
  if (!f) throw notFound('cases.attachment_not_found', 'Nie znaleziono załącznika.', 'No such attachment.');
  return { name: f.name, contentType: f.content_type, data: asBuffer(f.data) };
}

/** The customer's invoices, newest first, to name one in a complaint. */
export async function invoiceChoices(tx: Tx, utilityId: number, customerIds: number[]) {
  if (customerIds.length === 0) return { items: [] };
  const rows = await tx
    .selectFrom('invoices')
    .select(['id', 'customer_id', 'invoice_number', 'issue_date', 'gross_grosze'])
    .where('utility_id', '=', utilityId)
    .where('customer_id', 'in', customerIds)
    .orderBy('issue_date', 'desc')
    .orderBy('id', 'desc')
    .limit(50)
    .execute();
  return { items: rows.map((r) => ({ id: r.id, customerId: r.customer_id, invoiceNumber: r.invoice_number, issueDate: String(r.issue_date), grossGrosze: Number(r.gross_grosze) })) };
}

// ---------------------------------------------------------------- staff side

export interface InboxFilter {
  kind?: string;
  /** 'open' (default), 'all' or one status */
  status?: string;
  /** 'me', 'none' or a staff user's id */
  assignee?: string;
  /** 'overdue' or 'soon' (due within DUE_WARNING_DAYS days); both only open cases */
  due?: string;
  /** an exact case number */
  q?: string;
  /** one customer's cases (the staff customer view) */
  customerId?: number;
  /** newest first (default) or the nearest deadline first (cases with a deadline only) */
  sort?: 'newest' | 'due';
  cursor?: string;
  limit: number;
}

/** Counts stop at this many: the inbox says "over 1,000" rather than count a million rows. */
export const COUNT_CAP = 1000;

interface Cursor {
  k: string | null;
  id: number;
}

function readCursor(s: string | undefined): Cursor | null {
  if (!s) return null;
  try {
    const c = JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Cursor;
    if (Number.isSafeInteger(c.id) && c.id > 0 && (c.k === null || (typeof c.k === 'string' && /^[0-9T:.\-Z]{10,32}$/.test(c.k)))) return c;
  } catch {
    // fall through
  }
  throw badRequest('cases.bad_cursor', 'Nieprawidłowy wskaźnik strony listy. Prosimy otworzyć listę od początku.', 'The page marker is not valid. Please open the list from its start.', { field: 'cursor' });
}

const writeCursor = (c: Cursor) => Buffer.from(JSON.stringify(c)).toString('base64url');

/**
 * The inbox: one page of cases in keyset order plus bounded counts. Every
 * combination of filters is served by one of the indexes of
 * 202612071040_cases_inbox.sql in the order asked for, so a page costs about
 * the rows it shows whatever the number of cases.
 */
export async function inbox(tx: Tx, utilityId: number, userId: number, f: InboxFilter) {
  const today = warsawToday();
  const soon = addDays(today, DUE_WARNING_DAYS);
  const status = f.status ?? 'open';
  const sort = f.sort ?? 'newest';
  const cursor = readCursor(f.cursor);

  const base = () => {
    let q = tx.selectFrom('cases as c').where('c.utility_id', '=', utilityId);
    if (f.q) q = q.where('c.case_number', '=', f.q.trim().toUpperCase());
    if (f.customerId) q = q.where('c.customer_id', '=', f.customerId);
    if (status === 'open') q = q.where('c.status', 'in', [...OPEN_STATUSES]);
    else if (status !== 'all') q = q.where('c.status', '=', status);
    // A deadline matters only while the case is open.
    if (f.due && status !== 'open') q = q.where('c.status', 'in', [...OPEN_STATUSES]);
    if (f.kind) q = q.where('c.kind', '=', f.kind);
    if (f.assignee === 'me') q = q.where('c.assignee_id', '=', userId);
    else if (f.assignee === 'none') q = q.where('c.assignee_id', 'is', null);
    else if (f.assignee) q = q.where('c.assignee_id', '=', Number(f.assignee));
    if (f.due === 'overdue') q = q.where('c.due_on', '<', today);
    else if (f.due === 'soon') q = q.where('c.due_on', '>=', today).where('c.due_on', '<=', soon);
    if (sort === 'due') q = q.where('c.due_on', 'is not', null);
    return q;
  };

  let page = base();
  if (cursor && sort === 'newest') page = page.where(sql<boolean>`(c.created_at, c.id) < (${cursor.k}::timestamptz, ${cursor.id})`);
  if (cursor && sort === 'due') page = page.where(sql<boolean>`(c.due_on, c.id) > (${cursor.k}::date, ${cursor.id})`);
  page = sort === 'due' ? page.orderBy('c.due_on').orderBy('c.id') : page.orderBy('c.created_at', 'desc').orderBy('c.id', 'desc');
  const rows = await page
    .innerJoin('customers as cu', (j) => j.onRef('cu.utility_id', '=', 'c.utility_id').onRef('cu.id', '=', 'c.customer_id'))
    .leftJoin('users as s', (j) => j.onRef('s.utility_id', '=', 'c.utility_id').onRef('s.id', '=', 'c.assignee_id'))
    .select(['c.id', 'c.case_number', 'c.kind', 'c.subject', 'c.status', 'c.created_at', 'c.due_on', 'c.last_message_at', 'c.assignee_id', 'cu.id as customer_id', 'cu.name as customer_name', 'cu.customer_number', 's.name as assignee_name', 's.email as assignee_email'])
    .select(sql<string>`to_char(c.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('created_key'))
    .limit(f.limit + 1)
    .execute();
  const more = rows.length > f.limit;
  const shown = rows.slice(0, f.limit);
  const last = shown[shown.length - 1];
  const next = more && last ? writeCursor({ k: sort === 'due' ? last.due_on : last.created_key, id: last.id }) : null;

  // Every count in one statement (one round trip), each stopping at COUNT_CAP + 1 rows.
  type Q = ReturnType<typeof base>;
  const capped = (q: Q) => (eb: ExpressionBuilder<DB, never>) =>
    eb.selectFrom(q.select(sql`1`.as('x')).limit(COUNT_CAP + 1).as('t')).select((e) => e.fn.countAll<number>().as('n'));
  const open = () => tx.selectFrom('cases as c').where('c.utility_id', '=', utilityId).where('c.status', 'in', [...OPEN_STATUSES]);
  const n = await tx
    .selectNoFrom((eb) => [
      capped(base())(eb).as('total'),
      capped(open())(eb).as('open'),
      capped(open().where('c.assignee_id', '=', userId))(eb).as('mine'),
      capped(open().where('c.assignee_id', 'is', null))(eb).as('unassigned'),
      capped(open().where('c.due_on', '<', today))(eb).as('overdue'),
      capped(open().where('c.due_on', '>=', today).where('c.due_on', '<=', soon))(eb).as('due_soon'),
    ])
    .executeTakeFirstOrThrow();
  const total = Number(n.total);
  const openCount = Number(n.open);
  const mine = Number(n.mine);
  const unassigned = Number(n.unassigned);
  const overdue = Number(n.overdue);
  const dueSoon = Number(n.due_soon);
  return {
    items: shown.map((r) => ({
      id: r.id,
      caseNumber: r.case_number,
      kind: r.kind,
      subject: r.subject,
      status: r.status,
      createdAt: iso(r.created_at)!,
      dueOn: r.due_on,
      dueState: dueState(r.due_on, r.status, today),
      lastMessageAt: iso(r.last_message_at),
      customer: { id: r.customer_id, name: r.customer_name, customerNumber: r.customer_number },
      assignee: r.assignee_id ? { id: r.assignee_id, name: r.assignee_name || r.assignee_email || '' } : null,
    })),
    next,
    total,
    counts: { open: openCount, mine, unassigned, overdue, dueSoon },
    countCap: COUNT_CAP,
  };
}

export async function staffCase(tx: Tx, utilityId: number, caseId: number) {
  return caseDetail(tx, utilityId, await caseRow(tx, utilityId, caseId), true);
}

/** Staff who may take cases: customer service and administrators (not disabled). */
export async function assignees(tx: Tx, utilityId: number) {
  const rows = await tx
    .selectFrom('users as u')
    .select(['u.id', 'u.name', 'u.email'])
    .where('u.utility_id', '=', utilityId)
    .where('u.kind', '=', 'staff')
    .where('u.disabled_at', 'is', null)
    .where((eb) => eb.exists(eb.selectFrom('staff_roles as r').select('r.user_id').whereRef('r.utility_id', '=', 'u.utility_id').whereRef('r.user_id', '=', 'u.id').where('r.role', 'in', ['admin', 'customer_service'])))
    .orderBy('u.name')
    .orderBy('u.id')
    .execute();
  return { items: rows.map((r) => ({ id: r.id, name: r.name || r.email })) };
}

export async function assign(tx: Tx, utilityId: number, actorId: number, caseId: number, assigneeId: number | null) {
  const c = await caseRow(tx, utilityId, caseId);
  let toName: string | null = null;
  if (assigneeId !== null) {
    const found = (await assignees(tx, utilityId)).items.find((a) => a.id === assigneeId);
    toName = found?.name ?? null;
    if (!found) throw badRequest('cases.assignee_invalid', 'Sprawę można przydzielić tylko pracownikowi Biura Obsługi Klienta lub administratorowi.', 'A case can only be assigned to customer service staff or an administrator.', { field: 'assigneeId' });
  }
  if (c.assignee_id === assigneeId) return;
  await tx.updateTable('cases').set({ assignee_id: assigneeId, updated_at: new Date() }).where('utility_id', '=', utilityId).where('id', '=', c.id).execute();
  await event(tx, utilityId, c.id, actorId, 'assigned', { from: c.assignee_id, to: assigneeId, toName });
}

async function changeStatus(tx: Tx, utilityId: number, actorId: number, c: { id: number; status: string }, to: string, now: Date) {
  if (!(CASE_STATUSES as readonly string[]).includes(to)) throw badRequest('cases.status_invalid', 'Nieznany status sprawy.', 'Unknown case status.', { field: 'status' });
  if (to === c.status) return;
  await tx
    .updateTable('cases')
    .set({ status: to, updated_at: now, closed_at: isOpen(to) ? null : now })
    .where('utility_id', '=', utilityId)
    .where('id', '=', c.id)
    .execute();
  await event(tx, utilityId, c.id, actorId, 'status', { from: c.status, to }, now);
}

export async function setStatus(tx: Tx, utilityId: number, actorId: number, caseId: number, status: string) {
  const c = await caseRow(tx, utilityId, caseId);
  if (status === c.status) throw conflict('cases.status_same', 'Sprawa ma już ten status.', 'The case already has this status.');
  await changeStatus(tx, utilityId, actorId, c, status, new Date());
}

/**
 * A reply to the customer (e-mailed to them) or an internal note (never
 * shown to the customer), optionally with a photo and a new status. A reply
 * to a new case puts it in progress unless another status is given.
 */
export async function staffMessage(
  tx: Tx,
  utility: { id: number; name: string; slug: string },
  publicUrl: string,
  actorId: number,
  caseId: number,
  m: { body: string; internal: boolean; status?: string },
  attachment?: Attachment,
) {
  const u = utility.id;
  const c = await caseRow(tx, u, caseId);
  refuse(bodyProblems(m.body));
  const now = new Date();
  const fileId = await storeAttachment(tx, u, attachment);
  await tx.insertInto('case_messages').values({ utility_id: u, case_id: c.id, author_id: actorId, author_kind: 'staff', body: m.body.trim(), internal: m.internal, attachment_file_id: fileId, created_at: now }).execute();
  await tx
    .updateTable('cases')
    .set(m.internal ? { updated_at: now } : { updated_at: now, last_message_at: now })
    .where('utility_id', '=', u)
    .where('id', '=', c.id)
    .execute();
  await event(tx, u, c.id, actorId, m.internal ? 'note' : 'reply', {}, now);
  const to = m.status ?? (!m.internal && c.status === 'new' ? 'in_progress' : undefined);
  if (to) await changeStatus(tx, u, actorId, c, to, now);
  if (m.internal) return;
  for (const address of await customerAddresses(tx, u, c.customer_id)) {
    const mail = caseReplyMessage({
      utilityName: utility.name,
      caseNumber: c.case_number,
      subject: c.subject,
      link: `${publicUrl}/t/${utility.slug}/portal/cases/${c.id}`,
      statusLabel: STATUS_PL[to ?? c.status] ?? null,
    });
    await queueEmail(tx, { utilityId: u, to: address, ...mail });
  }
}

/** Where the customer is told: the customer's e-mail, else their portal users' verified addresses. */
async function customerAddresses(tx: Tx, utilityId: number, customerId: number): Promise<string[]> {
  const c = await tx.selectFrom('customers').select('email').where('utility_id', '=', utilityId).where('id', '=', customerId).executeTakeFirst();
  if (c?.email) return [c.email];
  const users = await tx
    .selectFrom('user_customers as uc')
    .innerJoin('users as u', (j) => j.onRef('u.utility_id', '=', 'uc.utility_id').onRef('u.id', '=', 'uc.user_id'))
    .select('u.email')
    .where('uc.utility_id', '=', utilityId)
    .where('uc.customer_id', '=', customerId)
    .where('u.email_verified_at', 'is not', null)
    .where('u.disabled_at', 'is', null)
    .execute();
  return [...new Set(users.map((x) => x.email))];
}
