/** The online payment API's answers (src/modules/payments/online/schema.ts). */
export interface DueInvoice {
  id: number;
  number: string;
  dueDate: string;
  openGrosze: number;
}

export interface Options {
  enabled: boolean;
  provider: 'p24' | 'payu' | null;
  dueInvoices: DueInvoice[];
  totalDueGrosze: number;
}

export interface Started {
  sessionId: string;
  amountGrosze: number;
  redirectUrl: string;
}

/** The server's own types of the answers (type-only imports: nothing of the server reaches the bundle). */
export type { OrderStatus } from '../../../../src/modules/payments/online/orders.ts';
export type ConfigView = import('../../../../src/modules/payments/online/settings.ts').ConfigView & { simulatorAllowed: boolean };

export interface NotificationEntry {
  id: number;
  provider: string;
  receivedAt: string;
  sessionId: string | null;
  providerOrderId: string | null;
  accepted: boolean;
  code: string;
  reason: string;
}
