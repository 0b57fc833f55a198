/**
 * The error answers of the KSeF API in both documented shapes: the default
 * `ExceptionResponse` (application/json) and, when the request carries
 * `X-Error-Format: problem-details`, `BadRequestProblemDetails`
 * (application/problem+json). 401 and 403 are always Problem Details; 429 is
 * `TooManyRequestsResponse` or `TooManyRequestsProblemDetails` (docs/limity/limity-api.md).
 */
import { randomBytes } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';

export interface ApiError { code: number; description: string; details?: string[] }

/** Descriptions of the codes the simulator answers, word for word from open-api.json. */
export const CODES = {
  21001: 'Nieczytelna treść.',
  21111: 'Nieprawidłowe wyzwanie autoryzacyjne.',
  21115: 'Nieprawidłowy certyfikat.',
  21117: 'Nieprawidłowy identyfikator podmiotu dla wskazanego typu kontekstu.',
  21155: 'Przekroczono dozwoloną liczbę faktur w sesji.',
  21157: 'Nieprawidłowy rozmiar części pakietu.',
  21166: 'Korekta techniczna niedostępna.',
  21167: 'Status faktury nie pozwala na korektę techniczną.',
  21161: 'Przekroczono dozwoloną liczbę części pakietu.',
  21173: 'Brak sesji o wskazanym numerze referencyjnym.',
  21178: 'Nie znaleziono UPO dla podanych kryteriów.',
  21180: 'Status sesji nie pozwala na wykonanie operacji.',
  21205: 'Pakiet nie może być pusty.',
  21208: 'Czas oczekiwania na requesty upload lub finish został przekroczony.',
  21301: 'Brak autoryzacji.',
  21304: 'Brak uwierzytelnienia.',
  21401: 'Dokument nie jest zgodny ze schemą (xsd).',
  21402: 'Nieprawidłowy rozmiar pliku.',
  21403: 'Nieprawidłowy skrót pliku.',
  21405: 'Błąd walidacji danych wejściowych.',
  21406: 'Konflikt podpisu i typu uwierzytelnienia.',
  21418: 'Przekazany token kontynuacji ma nieprawidłowy format.',
  21470: 'Przesłany identyfikator klucza jest nieznany lub wskazuje na wycofany klucz.',
  9101: 'Nieprawidłowy dokument.',
  9102: 'Brak podpisu.',
  9103: 'Przekroczona liczba dozwolonych podpisów.',
  9105: 'Nieprawidłowy podpis.',
} as const;
export type Code = keyof typeof CODES;

export const apiError = (code: Code, ...details: string[]): ApiError => ({ code, description: CODES[code], ...(details.length ? { details } : {}) });

/** Thrown by handlers; the simulator's error handler turns it into the documented answer. */
export class KsefHttpError extends Error {
  constructor(readonly status: 400 | 401 | 403 | 404 | 410, readonly errors: ApiError[], readonly reasonCode?: string) {
    super(errors.map((e) => `${e.code} ${e.description} ${(e.details ?? []).join('; ')}`).join(' | '));
  }
}

export const badRequest = (code: Code, ...details: string[]) => new KsefHttpError(400, [apiError(code, ...details)]);
export const unauthorized = (detail: string) => new KsefHttpError(401, [{ code: 401, description: detail }]);
export const forbidden = (detail: string, reasonCode: string) => new KsefHttpError(403, [{ code: 403, description: detail }], reasonCode);

const traceId = () => randomBytes(16).toString('hex');
const wantsProblem = (req: FastifyRequest) => String(req.headers['x-error-format'] ?? '').toLowerCase() === 'problem-details';

export function sendError(req: FastifyRequest, reply: FastifyReply, e: KsefHttpError): FastifyReply {
  const timestamp = new Date().toISOString();
  if (e.status === 401) {
    return reply.code(401).type('application/problem+json').send({ title: 'Unauthorized', status: 401, detail: e.errors[0].description, instance: req.url, traceId: traceId(), timestamp });
  }
  if (e.status === 403) {
    return reply.code(403).type('application/problem+json').send({ title: 'Forbidden', status: 403, detail: e.errors[0].description, instance: req.url, reasonCode: e.reasonCode ?? 'insufficient-resource-access', traceId: traceId(), timestamp });
  }
  if (e.status === 410) {
    return reply.code(410).type('application/problem+json').send({ title: 'Gone', status: 410, detail: e.errors[0].description, instance: req.url, traceId: traceId(), timestamp });
  }
  if (wantsProblem(req)) {
    return reply.code(e.status).type('application/problem+json').send({ title: 'Bad Request', status: e.status, instance: req.url, detail: 'Żądanie jest nieprawidłowe.', errors: e.errors, timestamp, traceId: traceId() });
  }
  return reply.code(e.status).type('application/json').send({
    exception: {
      exceptionDetailList: e.errors.map((x) => ({ exceptionCode: x.code, exceptionDescription: x.description, details: x.details ?? null })),
      referenceNumber: null,
      serviceCode: traceId(),
      serviceCtx: 'srvKSEFSIM',
      serviceName: 'ksef-sim',
      timestamp,
    },
  });
}

export function sendTooMany(req: FastifyRequest, reply: FastifyReply, retryAfterSeconds: number, detail: string): FastifyReply {
  reply.code(429).header('Retry-After', String(retryAfterSeconds));
  if (wantsProblem(req)) {
    return reply.type('application/problem+json').send({ title: 'Too Many Requests', status: 429, instance: req.url, detail, timestamp: new Date().toISOString(), traceId: traceId() });
  }
  return reply.type('application/json').send({ status: { code: 429, description: 'Too Many Requests', details: [detail] } });
}
