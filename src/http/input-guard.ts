/**
 * Input checked once, at the edge, before any service sees it.
 *
 * - Dates and times: the route schemas' `date` and `date-time` formats are
 *   made strict (a day that exists, no leap second, a zone always), so an
 *   impossible date is a 400 from validation rather than an error of the
 *   database (22008) or a `RangeError` of Date deep inside a service.
 * - Characters no store can hold: NUL (PostgreSQL text refuses it, 22021)
 *   and lone UTF-16 surrogates (`"\ud800"` in JSON: jsonb refuses it, and
 *   text would silently hold U+FFFD instead). They are refused in path
 *   parameters, query strings, JSON bodies and multipart field names,
 *   values and file names, whatever the route, with one code.
 *
 * The check runs as a preHandler, after the access check and schema
 * validation, so it never tells an unauthorised caller anything and its
 * place among the app's hooks does not matter.
 */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { Multipart } from '@fastify/multipart';
import { badRequest } from '../lib/errors.ts';
import { isCivilDate, isInstant } from '../lib/date-formats.ts';

/** The part of Ajv this module uses (Fastify's validator compiler hands its Ajv to `onCreate`). */
interface AjvFormats {
  addFormat(name: string, format: { type: 'string'; validate: (s: string) => boolean }): unknown;
}

/** Fastify's `ajv.onCreate`: runs after ajv-formats, so these replace its lenient `date` and `date-time`. */
export function strictDateFormats(ajv: AjvFormats): void {
  ajv.addFormat('date', { type: 'string', validate: isCivilDate });
  ajv.addFormat('date-time', { type: 'string', validate: isInstant });
}

// NUL, a high surrogate not followed by a low one, or a low one not preceded by a high one.
const UNSTORABLE = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Where in `value` (a parsed JSON body, query or params) a string holds an
 * unstorable character, as a dotted path, or undefined. Iterative: a body of
 * 100,000 nested arrays (which JSON.parse accepts) must not overflow the stack.
 */
export function findUnstorable(value: unknown, where: string): string | undefined {
  const stack: Array<[unknown, string]> = [[value, where]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      if (UNSTORABLE.test(v)) return path;
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) stack.push([v[i], `${path}.${i}`]);
    } else if (v !== null && typeof v === 'object') {
      for (const [k, inner] of Object.entries(v)) {
        if (UNSTORABLE.test(k)) return `${path} (${JSON.stringify(k.replace(UNSTORABLE, '?'))})`;
        stack.push([inner, `${path}.${k}`]);
      }
    }
  }
  return undefined;
}

function refuse(field: string) {
  return badRequest(
    'request.unstorable_character',
    `Pole ${field} zawiera niedozwolony znak (NUL lub niesparowany znak zastępczy UTF-16). Prosimy poprawić dane.`,
    `The field ${field} holds a character that is not allowed (NUL or an unpaired UTF-16 surrogate). Please correct it.`,
    { field },
  );
}

function assertStorable(value: unknown, where: string): void {
  const bad = findUnstorable(value, where);
  if (bad !== undefined) throw refuse(bad);
}

/** A multipart part's names and values (and those of the fields sent before it). */
function assertStorablePart(part: Multipart): void {
  const seen = [part, ...Object.values(part.fields).flat()];
  for (const p of seen) {
    if (!p) continue;
    assertStorable(p.fieldname, 'multipart (field name)');
    if (p.type === 'file') assertStorable(p.filename, `multipart.${p.fieldname} (file name)`);
    else assertStorable(p.value, `multipart.${p.fieldname}`);
  }
}

async function* checkedParts<T extends Multipart>(parts: AsyncIterableIterator<T>): AsyncGenerator<T> {
  for await (const part of parts) {
    assertStorablePart(part);
    yield part;
  }
}

/**
 * A multipart body is read by the handler itself (req.file(), req.parts(),
 * req.files()), after every hook has run; so this request's readers are
 * wrapped to check each part as it arrives.
 */
function guardMultipart(req: FastifyRequest): void {
  const { file, files, parts } = req;
  req.file = async (options) => {
    const part = await file.call(req, options);
    if (part) assertStorablePart(part);
    return part;
  };
  req.files = (options) => checkedParts(files.call(req, options));
  req.parts = (options) => checkedParts(parts.call(req, options));
}

/** Registers the refusal of unstorable characters for every route. */
export function guardInput(app: FastifyInstance): void {
  app.addHook('preHandler', async (req) => {
    assertStorable(req.params, 'params');
    assertStorable(req.query, 'querystring');
    assertStorable(req.body, 'body');
    if (req.isMultipart()) guardMultipart(req);
  });
}
