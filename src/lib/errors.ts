/**
 * One error type for the whole application. Services throw AppError with a
 * stable code; the HTTP layer maps the kind to a status in one place and
 * the web app shows the message in the user's language.
 */
export type ErrorKind =
  | 'bad_request'
  | 'unauthenticated'
  | 'forbidden'
  | 'not_found'
  | 'conflict'
  | 'too_large'
  | 'rate_limited'
  | 'unavailable'
  | 'internal';

export interface Messages {
  pl: string;
  en: string;
}

export class AppError extends Error {
  constructor(
    readonly kind: ErrorKind,
    readonly code: string,
    readonly messages: Messages,
    readonly details?: Record<string, unknown>,
  ) {
    super(messages.en);
    this.name = 'AppError';
  }
}

export const httpStatus: Record<ErrorKind, number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  too_large: 413,
  rate_limited: 429,
  unavailable: 503,
  internal: 500,
};

export const badRequest = (code: string, pl: string, en: string, details?: Record<string, unknown>) =>
  new AppError('bad_request', code, { pl, en }, details);
export const notFound = (code: string, pl: string, en: string) => new AppError('not_found', code, { pl, en });
export const forbidden = (code = 'auth.forbidden', pl = 'Brak uprawnień do tej operacji.', en = 'You are not allowed to do this.') =>
  new AppError('forbidden', code, { pl, en });
export const unauthenticated = (code = 'auth.required', pl = 'Prosimy się zalogować, aby kontynuować.', en = 'Please log in to continue.') =>
  new AppError('unauthenticated', code, { pl, en });
export const conflict = (code: string, pl: string, en: string) => new AppError('conflict', code, { pl, en });
