/**
 * The API client: a small fetch wrapper that every page uses.
 *
 * - Calls go under the same prefix the app was loaded from (`/t/<slug>` in
 *   development and path-based hosting, nothing on a utility's own host).
 * - Unsafe methods echo the `wodnik_csrf` cookie in `x-csrf-token`
 *   (double-submit); when the cookie is missing, a GET of the session (/api/auth/session) obtains it.
 * - Errors arrive as `{ error: { code, message, messages: { pl, en } } }` and
 *   become an ApiError whose `text(lang)` is the message in the user's language.
 */

export type Lang = 'pl' | 'en';

const TENANT_PREFIX = /^\/t\/[a-z0-9][a-z0-9-]{1,39}(?=\/|$)/;

/** `/t/zgk-wodnik` when the page was loaded under a tenant prefix, else ''. */
export function basePrefix(pathname: string = window.location.pathname): string {
  return TENANT_PREFIX.exec(pathname)?.[0] ?? '';
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly messages: Record<Lang, string>,
    /** e.g. `{ field: 'body.password' }` from request validation */
    readonly details?: Record<string, unknown>,
  ) {
    super(messages.en);
    this.name = 'ApiError';
  }
  text(lang: Lang): string {
    return this.messages[lang] ?? this.messages.pl;
  }
  /** The form field the server complained about (`body.email` → `email`), when it said. */
  get field(): string | undefined {
    const f = this.details?.field;
    return typeof f === 'string' ? f.replace(/^body\./, '').split('.')[0] : undefined;
  }
}

/** A failure before any answer (offline, server down): shown with the same component. */
export const networkError = () =>
  new ApiError(0, 'network', {
    pl: 'Brak połączenia z serwerem. Prosimy sprawdzić połączenie z internetem i spróbować ponownie.',
    en: 'Cannot reach the server. Check your connection and try again.',
  });

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

export function readCookie(name: string): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return undefined;
}

async function ensureCsrf(): Promise<string> {
  let token = readCookie('wodnik_csrf');
  if (!token) {
    await fetch(`${basePrefix()}/api/auth/session`, { credentials: 'same-origin' });
    token = readCookie('wodnik_csrf');
  }
  return token ?? '';
}

export interface RequestOptions {
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  signal?: AbortSignal;
}

/**
 * Listeners told when the server says the session is gone (401), e.g. to show
 * the login page, or that new terms must be accepted first (403
 * auth.terms_not_accepted): the session, read again, then says so and the
 * shell shows /accept-terms.
 */
const unauthenticatedListeners = new Set<() => void>();
export function onUnauthenticated(fn: () => void): () => void {
  unauthenticatedListeners.add(fn);
  return () => unauthenticatedListeners.delete(fn);
}

export async function request<T>(method: string, path: string, opts: RequestOptions = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  if (UNSAFE.has(method)) headers['x-csrf-token'] = await ensureCsrf();
  let body: BodyInit | undefined;
  if (opts.body instanceof FormData) body = opts.body;
  else if (opts.body !== undefined) {
    headers['content-type'] = 'application/json';
    body = JSON.stringify(opts.body);
  } else if (UNSAFE.has(method)) {
    // Fastify refuses an empty body with content-type JSON; send an empty object.
    headers['content-type'] = 'application/json';
    body = '{}';
  }
  const qs = opts.query
    ? new URLSearchParams(Object.entries(opts.query).filter((e): e is [string, string | number] => e[1] !== undefined && e[1] !== '').map(([k, v]) => [k, String(v)])).toString()
    : '';
  let res: Response;
  try {
    res = await fetch(`${basePrefix()}${path}${qs ? `?${qs}` : ''}`, { method, headers, body, credentials: 'same-origin', signal: opts.signal });
  } catch (err) {
    if ((err as Error).name === 'AbortError') throw err;
    throw networkError();
  }
  if (res.status === 204) return undefined as T;
  const type = res.headers.get('content-type') ?? '';
  const data: unknown = type.includes('json') ? await res.json().catch(() => undefined) : undefined;
  if (!res.ok) {
    const e = (data as { error?: { code?: string; messages?: Record<Lang, string>; message?: string; details?: Record<string, unknown> } })?.error;
    const messages = e?.messages ?? {
      pl: e?.message ?? `Błąd serwera (${res.status}).`,
      en: e?.message ?? `Server error (${res.status}).`,
    };
    const err = new ApiError(res.status, e?.code ?? `http.${res.status}`, messages, e?.details);
    if ((res.status === 401 && err.code !== 'auth.invalid_credentials' && err.code !== 'auth.totp_invalid') || err.code === 'auth.terms_not_accepted') {
      for (const fn of unauthenticatedListeners) fn();
    }
    throw err;
  }
  return data as T;
}

export const api = {
  get: <T>(path: string, query?: RequestOptions['query'], signal?: AbortSignal) => request<T>('GET', path, { query, signal }),
  post: <T>(path: string, body?: unknown) => request<T>('POST', path, { body }),
  put: <T>(path: string, body?: unknown) => request<T>('PUT', path, { body }),
  patch: <T>(path: string, body?: unknown) => request<T>('PATCH', path, { body }),
  delete: <T>(path: string) => request<T>('DELETE', path),
  /** A URL under the app's prefix, for links to files the server renders (PDFs). */
  url: (path: string) => `${basePrefix()}${path}`,
};
