/**
 * One error shape for every response: { error: { code, message, messages: { pl, en }, details? } }.
 * `message` is in the caller's language (Accept-Language, Polish by default).
 * Nothing internal (stack traces, SQL) ever leaves the server.
 */
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { AppError, httpStatus, type Messages } from '../lib/errors.ts';

export function language(req: FastifyRequest): 'pl' | 'en' {
  const cookie = (req.cookies as Record<string, string | undefined> | undefined)?.wodnik_lang;
  if (cookie === 'en' || cookie === 'pl') return cookie;
  const h = req.headers['accept-language'];
  if (typeof h === 'string' && /^\s*en\b/i.test(h)) return 'en';
  return 'pl';
}

const fastifyCodes: Record<string, { status: number; code: string; messages: Messages }> = {
  FST_ERR_CTP_INVALID_JSON_BODY: {
    status: 400,
    code: 'request.malformed_json',
    messages: { pl: 'Treść żądania nie jest poprawnym JSON-em.', en: 'The request body is not valid JSON.' },
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'request.empty_body',
    messages: { pl: 'Brak treści żądania.', en: 'The request body is empty.' },
  },
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'request.too_large',
    messages: { pl: 'Przesłane dane są zbyt duże.', en: 'The request is too large.' },
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'request.unsupported_media_type',
    messages: { pl: 'Nieobsługiwany typ treści.', en: 'Unsupported content type.' },
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'request.bad_content_length',
    messages: { pl: 'Nieprawidłowa długość treści.', en: 'Invalid content length.' },
  },
  FST_REQ_FILE_TOO_LARGE: {
    status: 413,
    code: 'request.file_too_large',
    messages: { pl: 'Plik jest zbyt duży.', en: 'The file is too large.' },
  },
  FST_INVALID_MULTIPART_CONTENT_TYPE: {
    status: 415,
    code: 'request.not_multipart',
    messages: { pl: 'Oczekiwano formularza z plikiem (multipart).', en: 'A multipart form with a file was expected.' },
  },
  // A URL Fastify cannot decode (`%ED%A0%80`, a lone `%`) or a path parameter over its length; these
  // reach the error handler through Fastify's `frameworkErrors` option, before any hook has run.
  FST_ERR_BAD_URL: {
    status: 400,
    code: 'request.bad_url',
    messages: { pl: 'Adres żądania zawiera nieprawidłowo zakodowane znaki.', en: 'The request address holds badly encoded characters.' },
  },
  FST_ERR_MAX_PARAM_LENGTH: {
    status: 400,
    code: 'request.bad_url',
    messages: { pl: 'Część adresu żądania jest zbyt długa.', en: 'A part of the request address is too long.' },
  },
  FST_PARTS_LIMIT: { status: 413, ...tooManyParts() },
  FST_FILES_LIMIT: { status: 413, ...tooManyParts() },
  FST_FIELDS_LIMIT: { status: 413, ...tooManyParts() },
  FST_PROTO_VIOLATION: {
    status: 400,
    code: 'request.multipart_malformed',
    messages: { pl: 'Formularz zawiera niedozwoloną nazwę pola.', en: 'The form holds a field name that is not allowed.' },
  },
  FST_INVALID_JSON_FIELD_ERROR: {
    status: 400,
    code: 'request.multipart_malformed',
    messages: { pl: 'Pole formularza nie jest poprawnym JSON-em.', en: 'A form field is not valid JSON.' },
  },
};

function tooManyParts() {
  return {
    code: 'request.multipart_too_many_parts',
    messages: { pl: 'Formularz zawiera zbyt wiele plików lub pól.', en: 'The form holds too many files or fields.' },
  };
}

/**
 * A multipart body the parser (busboy) could not read: it throws plain
 * Errors without a code, so they are told apart by message, and only on a
 * multipart request. The client sent them; they are never a 500.
 */
function multipartError(err: Error & { code?: string }, req: FastifyRequest) {
  if (!String(req.headers['content-type'] ?? '').toLowerCase().startsWith('multipart/')) return undefined;
  if (/boundary not found|boundary required/i.test(err.message)) {
    return {
      code: 'request.multipart_no_boundary',
      messages: { pl: 'Formularz (multipart) nie podaje granicy części (boundary).', en: 'The multipart form names no boundary.' },
    };
  }
  // The parser stopped before the end of the form: the data end early, or it stopped at a limit of parts
  // (the file being read is then cut short and its stream closes early).
  if (err.code === 'ERR_STREAM_PREMATURE_CLOSE' || /unexpected end of multipart data|terminated early/i.test(err.message)) {
    return {
      code: 'request.multipart_incomplete',
      messages: {
        pl: 'Nie można odczytać formularza (multipart) do końca: dane urywają się albo formularz ma więcej części, niż wolno.',
        en: 'The multipart form cannot be read to its end: the data end early or the form has more parts than allowed.',
      },
    };
  }
  return undefined;
}

/**
 * PostgreSQL errors that only bad input causes (a value the column's type
 * cannot hold). Each such input should be refused at the edge (schemas,
 * input-guard.ts); this is the safety net, so that one that slips through
 * is still the caller's 400, logged as a warning to be fixed at the edge.
 * 22P02 invalid text representation, 22007/22008 datetime, 22003 numeric out
 * of range, 22021 invalid byte sequence (NUL), 22P05 untranslatable
 * character, 22001 string too long, 22023 invalid parameter value (odd hex
 * digits), 2201B invalid regular expression, 54000/54001 program limits
 * (a value too large for an index, a statement too complex).
 */
const INPUT_SQLSTATES = new Set(['22P02', '22007', '22008', '22003', '22021', '22P05', '22001', '22023', '2201B', '54000', '54001']);

function databaseInputError(err: Error & { code?: unknown; severity?: unknown }) {
  return typeof err.code === 'string' && err.severity !== undefined && INPUT_SQLSTATES.has(err.code) ? err.code : undefined;
}

export function sendError(reply: FastifyReply, status: number, code: string, messages: Messages, details?: unknown) {
  const lang = language(reply.request);
  return reply.status(status).send({ error: { code, message: messages[lang], messages, ...(details ? { details } : {}) } });
}

export function errorHandler(err: FastifyError | AppError | Error, req: FastifyRequest, reply: FastifyReply) {
  if (err instanceof AppError) {
    if (err.kind === 'internal') req.log.error({ err }, 'internal error');
    return sendError(reply, httpStatus[err.kind], err.code, err.messages, err.details);
  }
  const fe = err as FastifyError;
  if (fe.validation) {
    const first = fe.validation[0];
    const where = `${fe.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
    const field = where.replace(/\//g, '.');
    const unknown = first?.keyword === 'additionalProperties' ? (first.params as { additionalProperty?: string }).additionalProperty : undefined;
    const messages = unknown
      ? { pl: `Nieznane pole „${unknown}” w ${field}.`, en: `Unknown field "${unknown}" in ${field}.` }
      : { pl: `Nieprawidłowa wartość: ${field} (${first?.message ?? 'błąd'}).`, en: `Invalid value: ${field} (${first?.message ?? 'invalid'}).` };
    return sendError(reply, 400, unknown ? 'request.unknown_field' : 'request.invalid', messages, {
      field,
      rule: first?.keyword,
    });
  }
  const known = fe.code ? fastifyCodes[fe.code] : undefined;
  if (known) return sendError(reply, known.status, known.code, known.messages);
  const multipart = multipartError(fe, req);
  if (multipart) return sendError(reply, 400, multipart.code, multipart.messages);
  const sqlstate = databaseInputError(fe);
  if (sqlstate) {
    req.log.warn({ err }, `input refused by the database (${sqlstate}): refuse it at the edge`);
    return sendError(reply, 400, 'request.invalid_value', {
      pl: 'Przesłane dane zawierają wartość, której nie można zapisać (zły format lub poza zakresem). Prosimy poprawić dane.',
      en: 'The request holds a value that cannot be stored (wrong format or out of range). Please correct it.',
    });
  }
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return sendError(reply, fe.statusCode, 'request.rejected', { pl: 'Żądanie odrzucone.', en: 'The request was rejected.' });
  }
  req.log.error({ err }, 'unhandled error');
  return sendError(reply, 500, 'internal', {
    pl: 'Wystąpił błąd po naszej stronie. Prosimy spróbować ponownie za chwilę.',
    en: 'Something went wrong on our side. Please try again shortly.',
  });
}
