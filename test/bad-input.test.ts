/**
 * Bad input is a 4xx with a code and a message in Polish and English, never
 * a 5xx (issue 12, item 4).
 *
 * The first part sends the cases the issue names to the routes where they
 * were found, and expects the exact refusal. The second part walks every
 * route of app.routeTable, so a route added later is covered without
 * touching this file: it reads each route's declared path parameters, query
 * parameters and JSON body properties from the app's OpenAPI document (built
 * from the route schemas), fills a plausible request, then spoils one slot
 * at a time with a bad value (NUL, a lone surrogate, an impossible date, a
 * leap second, an odd-length hex, numbers too large for a column) and sends
 * it as an administrator (holding every staff role), as a portal customer
 * and anonymously. POST, PUT, PATCH and DELETE routes also get malformed
 * multipart bodies. Every answer must be below 500, and every 4xx must carry
 * error.code and error.messages.{pl,en}.
 *
 * Runs on PGlite and, with TEST_DATABASE_URL, on PostgreSQL (which refuses
 * NUL in text with 22021, where PGlite may differ: both must answer 400).
 */
import Fastify, { type LightMyRequestResponse } from 'fastify';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STAFF_ROLES } from '../src/http/access.ts';
import type { RouteInfo } from '../src/http/app.ts';
import { errorHandler } from '../src/http/errors.ts';
import { SESSION_COOKIE } from '../src/modules/identity/sessions.ts';
import { localDate } from '../src/modules/metering/routes/period.ts';
import { client, createTestApp, type Client, type TestApp } from './support/app.ts';
import { TEST_PASSWORD, buildContract, buildCustomer, buildMeter, buildServicePoint, buildUser, buildUtility } from './support/factories.ts';

/** The slice of JSON Schema (as @fastify/swagger writes it) this test reads. */
interface Schema {
  type?: string | string[];
  format?: string;
  pattern?: string;
  minLength?: number;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  required?: string[];
  minItems?: number;
  const?: unknown;
  enum?: unknown[];
  anyOf?: Schema[];
  oneOf?: Schema[];
  items?: Schema;
  properties?: Record<string, Schema>;
}
interface Operation {
  parameters?: Array<{ in: string; name: string; schema?: Schema }>;
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

let t: TestApp;
let slug = '';
let utilityId = 0;
let gatewayToken = '';
const ids: Record<string, number> = {};
const callers: Record<'admin' | 'customer' | 'anonymous', Client> = {} as never;
const today = localDate(new Date());
let requestNo = 0;

async function login(email: string): Promise<Client> {
  const c = client(t.app, slug);
  const res = await c.request('POST', '/api/auth/login', { email, password: TEST_PASSWORD }, { 'x-forwarded-for': nextAddress() });
  expect(res.statusCode, `login of ${email}: ${res.body}`).toBe(200);
  return c;
}

/**
 * A new session for a caller whose session a route ended (sign-out). The
 * walk sends wrong current passwords, which may lock the account: then a
 * new user with the same rights signs in instead.
 */
async function signInAgain(who: 'admin' | 'customer'): Promise<Client> {
  const email = `${who}-${++requestNo}@example.com`;
  await buildUser(t.database, utilityId, who === 'admin' ? { kind: 'staff', email, roles: [...STAFF_ROLES] } : { kind: 'customer', email, customerIds: [ids.customerId] });
  return login(email);
}

/** A new client address per request, so that per-address sign-in limits never turn an answer into a 429 for the wrong reason. */
function nextAddress(): string {
  const n = ++requestNo;
  return `${11 + (n % 200)}.${(n >> 8) & 255}.${n & 255}.9`;
}

beforeAll(async () => {
  t = await createTestApp();
  const db = t.database;
  const u = await buildUtility(db);
  slug = u.slug;
  utilityId = u.id;
  const customer = await buildCustomer(db, u.id);
  const sp = await buildServicePoint(db, u.id);
  await buildContract(db, u.id, customer.id, sp.id);
  const meter = await buildMeter(db, u.id, sp.id);
  await buildUser(db, u.id, { kind: 'customer', email: 'customer@example.com', customerIds: [customer.id] });
  const admin = await buildUser(db, u.id, { kind: 'staff', email: 'admin@example.com', roles: [...STAFF_ROLES] });
  const spare = await buildUser(db, u.id, { kind: 'staff', email: 'spare@example.com', roles: ['billing'] });
  callers.admin = await login('admin@example.com');
  callers.customer = await login('customer@example.com');
  callers.anonymous = client(t.app, slug);

  // Real records behind the path parameters, so that handlers get past "not found" to the input.
  const gw = await callers.admin.post('/api/staff/gateways', { name: 'Bramka testowa' });
  expect(gw.statusCode, gw.body).toBe(201);
  gatewayToken = gw.json().token;
  const route = await callers.admin.post('/api/staff/routes', { name: 'Trasa testowa', servicePointIds: [sp.id] });
  expect(route.statusCode, route.body).toBe(201);
  const assigned = await callers.admin.post(`/api/staff/routes/${route.json().id}/assign`, { readerId: admin.id, periodFrom: today, periodTo: today });
  expect(assigned.statusCode, assigned.body).toBe(201);
  Object.assign(ids, {
    customerId: customer.id,
    servicePointId: sp.id,
    meterId: meter.id,
    userId: spare.id,
    readerId: admin.id,
    routeId: route.json().id,
    assignmentId: assigned.json().id,
  });
});

afterAll(() => t?.close());

/** What is wrong with an answer to bad input: a 5xx, a 4xx without a code and a message in both languages, or one the database gave. */
function unclearAnswer(res: LightMyRequestResponse): string | undefined {
  if (res.statusCode >= 500) return `${res.statusCode}`;
  if (res.statusCode < 400) return undefined;
  let error: { code?: unknown; messages?: { pl?: unknown; en?: unknown } } | undefined;
  try {
    error = res.json().error;
  } catch {
    return `${res.statusCode} without a JSON body`;
  }
  const text = (v: unknown) => typeof v === 'string' && v.trim().length > 0;
  if (!text(error?.code)) return `${res.statusCode} without error.code`;
  if (!text(error?.messages?.pl) || !text(error?.messages?.en)) return `${res.statusCode} without messages in Polish and English`;
  // The error handler's safety net caught what the database refused: the value passed the edge, fix it there.
  if (error?.code === 'request.invalid_value') return `${res.statusCode} refused only by the database`;
  return undefined;
}

function send(c: Client, method: string, url: string, body?: unknown, headers: Record<string, string> = {}) {
  return c.request(method, url, body, { 'x-forwarded-for': nextAddress(), ...headers });
}

function expectRefusal(res: LightMyRequestResponse, status: number, code: string) {
  expect(res.statusCode, res.body.slice(0, 300)).toBe(status);
  const error = res.json().error;
  expect(error.code).toBe(code);
  expect(error.messages.pl).toMatch(/\S/);
  expect(error.messages.en).toMatch(/\S/);
}

const multipart = (parts: string, boundary = 'XyZ') => ({
  body: parts,
  headers: { 'content-type': `multipart/form-data; boundary=${boundary}` },
});
const filePart = (filename: string, content = '0011223344556677889900\n', field = 'file') =>
  `--XyZ\r\nContent-Disposition: form-data; name="${field}"; filename="${filename}"\r\nContent-Type: text/plain\r\n\r\n${content}\r\n`;
const fieldPart = (name: string, value: string) => `--XyZ\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;

describe('the bad inputs named in issue 12 are refused with 400 and a code', () => {
  it('refuses NUL in a login, a reset request, a name and a search', async () => {
    const { admin, anonymous } = callers;
    expectRefusal(await send(anonymous, 'POST', '/api/auth/login', { email: 'a\u0000b@example.com', password: 'x' }), 400, 'request.unstorable_character');
    expectRefusal(await send(anonymous, 'POST', '/api/auth/password-reset/request', { email: 'a\u0000@example.com' }), 400, 'request.unstorable_character');
    expectRefusal(
      await send(admin, 'POST', '/api/staff/users', { email: 'new@example.com', name: 'Jan\u0000', roles: ['billing'], password: `${TEST_PASSWORD}1` }),
      400,
      'request.unstorable_character',
    );
    expectRefusal(await send(admin, 'GET', '/api/staff/customers?q=a%00b'), 400, 'request.unstorable_character');
  });

  it('refuses a lone surrogate in a JSON body', async () => {
    const raw = '{"email":"\\ud800@example.com","password":"x"}';
    expectRefusal(await send(callers.anonymous, 'POST', '/api/auth/login', raw, { 'content-type': 'application/json' }), 400, 'request.unstorable_character');
    const key = '{"name":"Bramka","\\udc00":1}';
    const res = await send(callers.admin, 'POST', '/api/staff/gateways', key, { 'content-type': 'application/json' });
    expect(res.statusCode).toBe(400);
  });

  it('refuses impossible dates that have the right shape', async () => {
    const res = await send(callers.customer, 'GET', `/api/customers/${ids.customerId}/readings?to=2026-02-30`);
    expectRefusal(res, 400, 'request.invalid');
    expect(res.json().error.details.field).toBe('querystring.to');
    expectRefusal(await send(callers.admin, 'GET', `/api/staff/routes/${ids.routeId}?periodFrom=2026-13-45&periodTo=2026-12-31`), 400, 'request.invalid');
    expectRefusal(
      await send(callers.admin, 'POST', `/api/staff/routes/${ids.routeId}/assign`, { readerId: ids.readerId, periodFrom: '2026-13-45', periodTo: '2026-12-31' }),
      400,
      'request.invalid',
    );
    // The same shapes with real days still pass the schema.
    expect((await send(callers.customer, 'GET', `/api/customers/${ids.customerId}/readings?from=2024-02-29&to=2026-12-31`)).statusCode).toBe(200);
  });

  it('refuses a leap second and an odd-length hex from a gateway, and keeps a good push', async () => {
    const auth = { authorization: `Bearer ${gatewayToken}` };
    const hex = 'a'.repeat(44);
    expectRefusal(await send(callers.anonymous, 'POST', '/api/gateways/telegrams', { telegrams: [{ hex, receivedAt: '2026-06-30T23:59:60Z' }] }, auth), 400, 'request.invalid');
    expectRefusal(await send(callers.anonymous, 'POST', '/api/gateways/telegrams', { telegrams: [{ hex: 'a'.repeat(43) }] }, auth), 400, 'request.invalid');
    const ok = await send(callers.anonymous, 'POST', '/api/gateways/telegrams', { telegrams: [{ hex, receivedAt: '2026-06-30T23:59:59Z' }] }, auth);
    expect(ok.statusCode, ok.body).toBe(200);
  });

  it('refuses a reading time with a leap second or no time zone from the reader app', async () => {
    const reading = (readAt: string) => ({
      readings: [{ clientId: '0b0e7a3c-1d2f-4a5b-8c9d-0e1f2a3b4c5d', meterId: ids.meterId, valueM3: '1,5', readAt }],
    });
    for (const readAt of [`${today}T23:59:60Z`, `${today}T10:00:00`, '2026-02-30T10:00:00Z']) {
      expectRefusal(await send(callers.admin, 'POST', `/api/reader/routes/${ids.routeId}/readings`, reading(readAt)), 400, 'reader.read_at_invalid');
    }
  });

  it('refuses a multipart body without a boundary, truncated, a file over 5 MB, 30 fields or a NUL in a file or field name', async () => {
    const url = '/api/staff/radio-keys';
    expectRefusal(await send(callers.admin, 'POST', url, 'abc', { 'content-type': 'multipart/form-data' }), 400, 'request.multipart_no_boundary');
    const truncated = multipart('--XyZ\r\nContent-Disposition: form-data; name="file"; filename="k.csv"\r\n\r\n0011');
    expectRefusal(await send(callers.admin, 'POST', url, truncated.body, truncated.headers), 400, 'request.multipart_incomplete');
    const nulName = multipart(`${filePart('k\u0000.csv')}--XyZ--\r\n`);
    expectRefusal(await send(callers.admin, 'POST', '/api/staff/walkby-uploads', nulName.body, nulName.headers), 400, 'request.unstorable_character');
    const nulField = multipart(`${fieldPart('note', 'a\u0000b')}${filePart('k.csv')}--XyZ--\r\n`);
    expectRefusal(await send(callers.admin, 'POST', url, nulField.body, nulField.headers), 400, 'request.unstorable_character');
    const manyFields = multipart(`${Array.from({ length: 30 }, (_, i) => fieldPart(`f${i}`, 'x')).join('')}${filePart('k.csv')}--XyZ--\r\n`);
    const big = multipart(`${filePart('k.csv', 'x'.repeat(5 * 1024 * 1024 + 1))}--XyZ--\r\n`);
    expectRefusal(await send(callers.admin, 'POST', url, big.body, big.headers), 413, 'upload.too_large');
    // Busboy stops at the 21st field, and the file is then cut short: refused either way, never a 500.
    const tooMany = await send(callers.admin, 'POST', url, manyFields.body, manyFields.headers);
    expect([400, 413]).toContain(tooMany.statusCode);
    expect(tooMany.json().error.code).toMatch(/^request\.multipart_(incomplete|too_many_parts)$/);
  });
});

describe('the error handler as a safety net for input the database refuses', () => {
  it('answers 400 request.invalid_value, not 500, for errors of the real database engine caused by a value', async () => {
    // A bare app with the project's error handler and a route that hands its input to the database unchecked.
    const bare = Fastify();
    bare.setErrorHandler(errorHandler);
    bare.get('/cast/:type', async (req) => {
      const { type } = req.params as { type: 'int' | 'date' | 'timestamptz' | 'bytea' };
      const { v } = req.query as { v: string };
      const casts = { int: sql`${v}::int`, date: sql`${v}::date`, timestamptz: sql`${v}::timestamptz`, bytea: sql`decode(${v}, 'hex')` };
      await sql`select ${casts[type]} as x`.execute(t.database.db);
      return { ok: true };
    });
    try {
      const cases: Array<[string, string]> = [
        ['int', 'abc'], // 22P02
        ['int', '99999999999'], // 22003
        ['date', '2026-02-30'], // 22008
        ['timestamptz', '2026-06-30T25:00:00Z'], // 22008
        ['bytea', 'abc'], // 22023: an odd number of hex digits
      ];
      for (const [type, v] of cases) {
        const res = await bare.inject({ method: 'GET', url: `/cast/${type}?v=${encodeURIComponent(v)}` });
        expectRefusal(res, 400, 'request.invalid_value');
      }
      expect((await bare.inject({ method: 'GET', url: '/cast/int?v=42' })).statusCode).toBe(200);
    } finally {
      await bare.close();
    }
  });
});

// ---------------------------------------------------------------------------
// The walk over every route.

/** Values that have broken something before, by the kind of slot they go into. */
const BAD_STRINGS = ['a\u0000b', '\ud800', 'x\udc00y', '2026-02-30', '2026-13-45', '0000-01-01', '2026-06-30T23:59:60Z', 'a'.repeat(43), '9'.repeat(40)];
/** The same for a URL, already percent-encoded: a lone surrogate cannot be written in UTF-8, so its CESU-8 bytes and other broken UTF-8 stand in. */
const BAD_URL_VALUES = ['a%00b', '%ED%A0%80', '%C0%80', '%', '2026-02-30', '2026-13-45', '2026-06-30T23%3A59%3A60Z', 'a'.repeat(43), '9'.repeat(40), '-1'];
const BAD_NUMBERS = [2_147_483_648, 9_223_372_036_854_775_807, 1e300, -1];

/** Candidates for a string with a pattern: the first the pattern accepts is used (add one when a new pattern fails the test). */
const PATTERN_SAMPLES = ['1', 'abc', 'open', '00'.repeat(20), '0b0e7a3c-1d2f-4a5b-8c9d-0e1f2a3b4c5d', '2026-09'];

/** Plausible values of free-text fields whose meaning a handler checks before the rest. */
const STRING_SAMPLES: Record<string, string> = { valueM3: '12,345', email: 'someone@example.com' };

function first(schema: Schema): Schema {
  return schema.anyOf?.[0] ?? schema.oneOf?.[0] ?? schema;
}

function kindOf(schema: Schema): string {
  const s = first(schema);
  if (s.const !== undefined || s.enum) return 'literal';
  return [s.type].flat()[0] ?? 'string';
}

/** A value the schema accepts, so that the one spoiled slot is what the route sees. */
function sample(schema: Schema, name: string): unknown {
  const s = first(schema);
  if (s.const !== undefined) return s.const;
  if (s.enum) return s.enum[0];
  switch (kindOf(s)) {
    case 'boolean':
      return false;
    case 'integer':
    case 'number':
      return ids[name] ?? ids[name.replace(/s$/, '')] ?? Math.min(Math.max(s.minimum ?? 1, 1), s.maximum ?? Infinity);
    case 'array':
      return Array.from({ length: Math.max(s.minItems ?? 1, 1) }, () => sample(s.items ?? {}, name));
    case 'object':
      // Only what the schema requires: an optional property is there only when it is the spoiled slot.
      return Object.fromEntries(Object.entries(s.properties ?? {}).filter(([k]) => s.required?.includes(k)).map(([k, v]) => [k, sample(v, k)]));
    default:
      return sampleString(s, name);
  }
}

function sampleString(s: Schema, name: string): string {
  if (s.format === 'date') return today;
  if (s.format === 'date-time') return new Date().toISOString();
  if (ids[name] !== undefined) return String(ids[name]);
  if (STRING_SAMPLES[name] !== undefined) return STRING_SAMPLES[name];
  if (s.pattern) {
    const re = new RegExp(s.pattern);
    const found = PATTERN_SAMPLES.find((c) => re.test(c));
    if (found === undefined) throw new Error(`bad-input test: no sample for pattern ${s.pattern} (${name}); add one to PATTERN_SAMPLES`);
    return found;
  }
  return 'Abcdefgh1!x'.padEnd(s.minLength ?? 0, 'x').slice(0, s.maxLength ?? 100);
}

/** Each leaf of a body: its path and its schema's kind (arrays are entered through their first item). */
function leaves(schema: Schema, path: Array<string | number> = []): Array<{ path: Array<string | number>; kind: string }> {
  const s = first(schema);
  const kind = kindOf(s);
  if (kind === 'object') return Object.entries(s.properties ?? {}).flatMap(([k, v]) => leaves(v, [...path, k]));
  if (kind === 'array') return leaves(s.items ?? {}, [...path, 0]);
  return [{ path, kind }];
}

/** The body with the value at path; an optional object or array on the way (absent from the sample) is made. */
function withValue(body: unknown, path: Array<string | number>, value: unknown): unknown {
  const copy = structuredClone(body) as Record<string | number, unknown>;
  let at = copy;
  path.slice(0, -1).forEach((key, i) => {
    at[key] ??= typeof path[i + 1] === 'number' ? [] : {};
    at = at[key] as Record<string | number, unknown>;
  });
  at[path[path.length - 1]] = value;
  return copy;
}

const badValuesFor = (kind: string): unknown[] => (kind === 'integer' || kind === 'number' ? BAD_NUMBERS : kind === 'string' ? BAD_STRINGS : []);

interface Attempt {
  what: string;
  /** The first bad value of its slot. */
  first?: boolean;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

/** The requests for one route: each slot spoiled in turn, the rest plausible. */
function attemptsFor(route: RouteInfo, op: Operation | undefined): Attempt[] {
  const names = [...route.url.matchAll(/:([A-Za-z]+)/g)].map((m) => m[1]);
  const goodParams = Object.fromEntries(names.map((n) => [n, String(ids[n] ?? 1)]));
  const path = (params: Record<string, string>) => route.url.replace(/:([A-Za-z]+)/g, (_, n: string) => params[n]);
  const jsonSchema = op?.requestBody?.content?.['application/json']?.schema;
  const takesBody = route.method !== 'GET' && route.method !== 'HEAD';
  const goodBody = jsonSchema ? sample(jsonSchema, 'body') : takesBody ? {} : undefined;
  const queryNames = (op?.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
  const out: Attempt[] = [];

  for (const name of names) {
    for (const v of BAD_URL_VALUES) out.push({ what: `path :${name}=${v}`, first: v === BAD_URL_VALUES[0], url: path({ ...goodParams, [name]: v }), body: goodBody });
  }
  for (const name of queryNames) {
    for (const v of BAD_URL_VALUES) out.push({ what: `query ${name}=${v}`, first: v === BAD_URL_VALUES[0], url: `${path(goodParams)}?${name}=${v}`, body: goodBody });
  }
  // An undeclared query parameter: a route without a query schema still gets a query string, and no handler reads it.
  for (const v of BAD_URL_VALUES.slice(0, 4)) out.push({ what: `undeclared query note=${v}`, first: v === BAD_URL_VALUES[0], url: `${path(goodParams)}?note=${v}`, body: goodBody });
  if (!takesBody) return out;
  if (jsonSchema) {
    for (const leaf of leaves(jsonSchema)) {
      for (const [i, v] of badValuesFor(leaf.kind).entries()) {
        out.push({ what: `body.${leaf.path.join('.')}=${JSON.stringify(v)}`, first: i === 0, url: path(goodParams), body: withValue(goodBody, leaf.path, v) });
      }
    }
  } else {
    for (const v of BAD_STRINGS.slice(0, 3)) out.push({ what: `undeclared body.note=${JSON.stringify(v)}`, first: v === BAD_STRINGS[0], url: path(goodParams), body: { note: v } });
  }
  const json = { 'content-type': 'application/json' };
  out.push(
    { what: 'a lone surrogate as a JSON key', first: true, url: path(goodParams), body: '{"\\ud800":"x"}', headers: json },
    { what: 'a lone surrogate in raw JSON', url: path(goodParams), body: '["\\udfff"]', headers: json },
    { what: 'JSON nested 5,000 deep', url: path(goodParams), body: `${'['.repeat(5000)}${']'.repeat(5000)}`, headers: json },
    { what: 'multipart without a boundary', first: true, url: path(goodParams), body: 'abc', headers: { 'content-type': 'multipart/form-data' } },
    { what: 'multipart truncated', url: path(goodParams), ...multipart(filePart('a.txt').slice(0, -12)) },
    { what: 'multipart with NUL in the file name', url: path(goodParams), ...multipart(`${filePart('a\u0000.txt')}--XyZ--\r\n`) },
    { what: 'multipart with NUL in a field', url: path(goodParams), ...multipart(`${fieldPart('note', '\u0000')}${filePart('a.txt')}--XyZ--\r\n`) },
    // File contents are the importers' to judge (line by line, with their own codes); NUL and odd hex must not reach the database.
    { what: 'multipart file with NUL and odd-length hex', url: path(goodParams), ...multipart(`${filePart('a.csv', `12345678,${'0'.repeat(32)},APA,SER\u00001\n${'a'.repeat(43)}\n2026-02-30 10:00:00;${'a'.repeat(44)}\n`)}--XyZ--\r\n`) },
    { what: 'multipart with two files', url: path(goodParams), ...multipart(`${filePart('a.txt')}${filePart('b.txt')}--XyZ--\r\n`) },
    { what: 'multipart with 30 fields', url: path(goodParams), ...multipart(`${Array.from({ length: 30 }, (_, i) => fieldPart(`f${i}`, 'x')).join('')}${filePart('a.txt')}--XyZ--\r\n`) },
  );
  return out;
}

/**
 * Whether this caller gets only the first bad value of each slot: when the
 * route's access policy turns the caller away before the input is read, and
 * on public routes for the signed-in callers (anonymous callers get all).
 */
function fewer(who: string, access: string): boolean {
  if (who === 'anonymous') return access !== 'public';
  if (access === 'public') return true;
  return who === 'customer' && access !== 'customer';
}

describe('every route answers bad input with a 4xx and a code, never a 5xx', () => {
  it('walks the route table as an administrator, a customer and anonymously', async () => {
    const spec = t.app.swagger() as { paths?: Record<string, Record<string, Operation>> };
    const routes = t.app.routeTable.filter((r) => r.method !== 'HEAD');
    expect(routes.length).toBeGreaterThan(30);
    let sent = 0;
    const problems: string[] = [];

    for (const route of routes) {
      const op = spec.paths?.[route.url.replace(/:([A-Za-z]+)/g, '{$1}')]?.[route.method.toLowerCase()];
      const attempts = attemptsFor(route, op);

      for (const [who, c] of Object.entries(callers)) {
        // A caller the access check turns away never has the input read: one value per slot shows that.
        for (const a of fewer(who, route.access) ? attempts.filter((x) => x.first) : attempts) {
          // The gateway's own token for the administrator's turn, so that gateway routes read the body too.
          const headers = route.access === 'gateway' && who === 'admin' ? { authorization: `Bearer ${gatewayToken}`, ...a.headers } : a.headers;
          const res = await send(c, route.method, a.url, a.body, headers);
          const problem = unclearAnswer(res);
          if (problem) problems.push(`${route.method} ${route.url} as ${who}, ${a.what}: ${problem} ${res.body.slice(0, 200)}`);
          sent++;
        }
        // A route that ends the session (sign-out) leaves this caller anonymous: sign in again for the next route.
        if (who !== 'anonymous' && !c.cookies[SESSION_COOKIE]) callers[who as 'admin' | 'customer'] = await signInAgain(who as 'admin' | 'customer');
      }
    }
    console.log(`bad-input walk: ${routes.length} routes, ${sent} requests`);
    expect(problems.slice(0, 30).join("\n"), `${problems.length} answers of ${sent} were unclear`).toBe("");
    expect(sent).toBeGreaterThan(1000);
    // The machine is shared by parallel runs: the walk takes ~25 s alone, so allow for load.
  }, 180_000);
});
