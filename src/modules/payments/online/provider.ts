/**
 * The one small interface between online payment (orders, notifications,
 * recording the payment exactly once) and a payment provider. Each adapter
 * (p24.ts, payu.ts) follows its provider's published REST API; the rest of
 * the module never knows which provider it talks to.
 *
 * The life of a payment: `register` (our order → the provider's payment page,
 * where the customer pays, by BLIK too) → the provider calls our notify URL
 * → `readNotification` (signature checked, fields read) → `finalise` (P24:
 * the verify call that makes the transaction final; PayU: the order read back
 * from PayU) → the payment is recorded once.
 */
import { AppError, type ErrorKind } from '../../../lib/errors.ts';

export type ProviderId = 'p24' | 'payu';
export const PROVIDERS: readonly ProviderId[] = ['p24', 'payu'];

/** 'blik': the provider's page opens on BLIK; 'any': the customer chooses there. */
export type PayMethod = 'any' | 'blik';

/** Where the provider lives and how we authenticate (secrets already unsealed). */
export interface ProviderSettings {
  provider: ProviderId;
  /** The provider's base URL without a trailing slash (sandbox, production or a local simulator). */
  baseUrl: string;
  /** P24: merchantId. PayU: unused. */
  merchantId: string;
  /** P24: posId (login of Basic auth). PayU: merchantPosId. */
  posId: string;
  /** PayU: OAuth client_id. P24: unused. */
  clientId: string;
  /** P24: { apiKey, crc }. PayU: { clientSecret, secondKey }. */
  secrets: Record<string, string>;
}

export interface RegisterInput {
  /** Our id of the payment (P24 sessionId, PayU extOrderId); unique per utility. */
  sessionId: string;
  amountGrosze: number;
  currency: 'PLN';
  description: string;
  email: string;
  customerName: string;
  customerIp: string;
  method: PayMethod;
  /** Where the customer's browser comes back (our return page). */
  returnUrl: string;
  /** Where the provider posts its notifications (our notify endpoint). */
  notifyUrl: string;
}

export interface Registered {
  /** The provider's payment page for the customer's browser. */
  redirectUrl: string;
  /** The provider's id of the transaction when it is known at registration (PayU orderId); P24 tells it in the notification. */
  providerOrderId: string | null;
}

/** What an authentic notification says. */
export interface Notice {
  /** Our session id (P24 sessionId, PayU extOrderId). */
  sessionId: string;
  providerOrderId: string;
  /** 'paid': final once `finalise` succeeds; 'pending': nothing to do yet; 'failed': the payment will not happen. */
  state: 'paid' | 'pending' | 'failed';
  amountGrosze: number;
  currency: string;
  /** The provider's own fields, for the finalise call. */
  fields: Record<string, unknown>;
}

export interface PaymentProvider {
  readonly id: ProviderId;
  register(input: RegisterInput): Promise<Registered>;
  /** Checks the signature and reads the notification; throws a NotificationRefused when it is not authentic or not readable. */
  readNotification(rawBody: string, headers: Record<string, string | string[] | undefined>): Notice;
  /** Makes a paid notice final with the provider; throws when the provider does not confirm it. Safe to call again. */
  finalise(notice: Notice, expected: { amountGrosze: number; currency: string }): Promise<void>;
}

/** A refused notification: the HTTP status the provider gets, a stable code and why (logged). */
export class NotificationRefused extends AppError {
  constructor(kind: ErrorKind, code: string, reason: string) {
    super(kind, code, { pl: `Powiadomienie odrzucone: ${reason}`, en: `Notification refused: ${reason}` });
  }
}

/** The provider could not be reached or answered with an error (the provider retries its notification later). */
export function providerError(code: string, detail: string): AppError {
  return new AppError('unavailable', code, {
    pl: `Operator płatności nie odpowiedział poprawnie (${detail}). Proszę spróbować ponownie za chwilę.`,
    en: `The payment provider did not answer correctly (${detail}). Please try again shortly.`,
  });
}

/** Posts/puts JSON or a form and returns the status and the parsed JSON body (null when not JSON); network errors become providerError. */
export async function callProvider(
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string },
  code: string,
): Promise<{ status: number; json: any }> {
  let res: Response;
  try {
    // PayU answers an order with 302 and a JSON body: read it rather than follow it.
    res = await fetch(url, { ...init, redirect: 'manual', signal: AbortSignal.timeout(15_000) });
  } catch (err) {
    throw providerError(code, (err as Error).message);
  }
  const text = await res.text();
  let json: any = null;
  try {
    json = text ? JSON.parse(text) : null;
  } catch {
    json = null;
  }
  return { status: res.status, json };
}
