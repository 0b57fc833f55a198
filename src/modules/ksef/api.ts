/**
 * The KSeF API 2.0 over HTTP (../shared/ksef/open-api.json): JSON in and
 * out, the bearer token, and the rate limits (../shared/ksef/docs/limity/
 * limity-api.md): a 429 is waited out for its Retry-After seconds and asked
 * again; a wait longer than the caller allows becomes a KsefError
 * 'ksef.rate_limited' carrying the seconds, so a job can come back later.
 * KSeF not answering (network, 5xx) is 'ksef.unavailable': the offline path.
 */
export class KsefError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly httpStatus?: number,
    readonly retryAfterSeconds?: number,
    readonly details?: unknown,
  ) {
    super(message);
    this.name = 'KsefError';
  }
}

export interface ApiOptions {
  baseUrl: string;
  /** The longest Retry-After waited in place (seconds); longer ones throw. */
  maxWaitSeconds?: number;
  /** How many 429s in a row are waited out before giving up. */
  max429?: number;
  sleep?: (ms: number) => Promise<void>;
  fetch?: typeof fetch;
}

export interface RequestOptions {
  method?: string;
  token?: string;
  json?: unknown;
  body?: RequestInit['body'];
  contentType?: string;
  headers?: Record<string, string>;
  query?: Record<string, string | number | undefined>;
  accept?: 'json' | 'text' | 'bytes';
}

const defaultSleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** The first exception text of a KSeF error body (ExceptionResponse or problem details). */
function errorText(body: any): { code?: string; text: string } {
  const ex = body?.exception?.exceptionDetailList?.[0];
  if (ex) return { code: String(ex.exceptionCode), text: [ex.exceptionDescription, ...(ex.details ?? [])].filter(Boolean).join(' — ') };
  if (body?.status?.description) return { code: String(body.status.code), text: [body.status.description, ...(body.status.details ?? [])].join(' — ') };
  if (body?.title || body?.detail) return { code: body?.code ? String(body.code) : undefined, text: [body.title, body.detail].filter(Boolean).join(' — ') };
  return { text: typeof body === 'string' ? body.slice(0, 500) : JSON.stringify(body ?? null).slice(0, 500) };
}

export class KsefApi {
  readonly baseUrl: string;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly f: typeof fetch;
  /** 429s met so far (the tests and the status report read it). */
  rateLimitedCount = 0;

  constructor(private readonly opts: ApiOptions) {
    this.baseUrl = opts.baseUrl.replace(/\/+$/, '');
    this.sleep = opts.sleep ?? defaultSleep;
    this.f = opts.fetch ?? fetch;
  }

  /** A request to a path of the API (or a full URL, for the upload and UPO links KSeF hands out). */
  async request<T = any>(path: string, o: RequestOptions = {}): Promise<T> {
    const url = new URL(/^https?:/.test(path) ? path : this.baseUrl + path);
    for (const [k, v] of Object.entries(o.query ?? {})) if (v !== undefined) url.searchParams.set(k, String(v));
    const headers: Record<string, string> = { ...(o.headers ?? {}) };
    if (o.token) headers.authorization = `Bearer ${o.token}`;
    let body = o.body;
    if (o.json !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(o.json);
    } else if (o.contentType) headers['content-type'] = o.contentType;
    headers.accept ??= o.accept === 'json' || o.accept === undefined ? 'application/json' : '*/*';
    // A streamed body (a batch part read from its file) is sent once: it cannot be replayed after a 429.
    const streamed = body instanceof ReadableStream;
    for (let attempt = 0; ; attempt++) {
      let res: Response;
      try {
        res = await this.f(url, { method: o.method ?? 'GET', headers, body, ...(streamed ? { duplex: 'half' } : {}) } as RequestInit);
      } catch (err) {
        throw new KsefError('ksef.unavailable', `KSeF does not answer: ${(err as Error).message}`);
      }
      if (res.status === 429) {
        this.rateLimitedCount++;
        const wait = Number(res.headers.get('retry-after') ?? '') || 1;
        await res.body?.cancel();
        if (wait > (this.opts.maxWaitSeconds ?? 60) || attempt >= (this.opts.max429 ?? 5) || streamed) {
          throw new KsefError('ksef.rate_limited', `KSeF asks to wait ${wait} s (429)`, 429, wait);
        }
        await this.sleep(wait * 1000);
        continue;
      }
      if (res.status >= 500) {
        const text = await res.text().catch(() => '');
        throw new KsefError('ksef.unavailable', `KSeF answered ${res.status}: ${text.slice(0, 300)}`, res.status);
      }
      if (res.status >= 400) {
        const text = await res.text();
        let parsed: unknown = text;
        try {
          parsed = JSON.parse(text);
        } catch {
          /* not JSON */
        }
        const e = errorText(parsed);
        throw new KsefError(`ksef.http_${res.status}`, e.text, res.status, undefined, { exceptionCode: e.code, body: parsed });
      }
      if (o.accept === 'bytes') return Buffer.from(await res.arrayBuffer()) as T;
      if (o.accept === 'text') return (await res.text()) as T;
      const text = await res.text();
      return (text ? JSON.parse(text) : undefined) as T;
    }
  }
}
