/** The online payment API's answers (src/modules/payments/online/schema.ts). */
import type { DueInvoice } from '../../../../src/modules/payments/online/orders.ts';

export interface Options {
  enabled: boolean;
  provider: 'p24' | 'payu' | null;
  dueInvoices: DueInvoice[];
  totalDueGrosze: number;
}

/** The server's own types of the answers (type-only imports: nothing of the server reaches the bundle). */
export type { DueInvoice, OrderStatus, Started } from '../../../../src/modules/payments/online/orders.ts';
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
