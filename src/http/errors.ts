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
};

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
  if (fe.statusCode && fe.statusCode >= 400 && fe.statusCode < 500) {
    return sendError(reply, fe.statusCode, 'request.rejected', { pl: 'Żądanie odrzucone.', en: 'The request was rejected.' });
  }
  req.log.error({ err }, 'unhandled error');
  return sendError(reply, 500, 'internal', {
    pl: 'Wystąpił błąd po naszej stronie. Spróbuj ponownie za chwilę.',
    en: 'Something went wrong on our side. Please try again shortly.',
  });
}
