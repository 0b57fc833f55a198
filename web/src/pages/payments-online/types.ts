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

export interface OrderStatus {
  sessionId: string;
  customerId: number;
  status: 'registered' | 'confirmed' | 'failed';
  amountGrosze: number;
  provider: string;
  invoiceNumbers: string[];
  createdAt: string;
  confirmedAt: string | null;
}

export interface ConfigView {
  provider: 'off' | 'p24' | 'payu';
  environment: 'sandbox' | 'production' | 'simulator';
  baseUrl: string | null;
  merchantId: string;
  posId: string;
  clientId: string;
  secretsSet: string[];
  updatedAt: string | null;
  simulatorAllowed: boolean;
}

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
