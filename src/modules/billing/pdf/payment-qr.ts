/**
 * The payment QR code of Polish banks: the Związek Banków Polskich
 * recommendation "Rekomendacja dotycząca kodu dwuwymiarowego (2D)
 * umożliwiającego realizację polecenia przelewu" ("Standard 2D", ZBP,
 * 3 December 2013), which the mobile apps of Polish banks read to fill in a
 * transfer.
 *
 * The code carries one line of nine fields separated by `|`, 160 characters
 * at most:
 *
 *   1. recipient's NIP (10 digits; may be empty for a private person)
 *   2. country code, `PL`
 *   3. recipient's account (NRB, 26 digits, no spaces)
 *   4. amount in grosze, exactly 6 digits zero-padded (so at most 9 999,99 zł)
 *   5. recipient's name (at most 20 characters)
 *   6. transfer title (at most 32 characters)
 *   7. reserve 1 (at most 20; meant for a direct-debit payer id), empty here
 *   8. reserve 2 (at most 12; meant for an Invoobill id), empty here
 *   9. reserve 3 (at most 24), empty here
 *
 * Where this comes from: the recommendation itself (zbp.pl, "2013.12.03 -
 * Rekomendacja - Standard 2D"), as implemented and tested by the open-source
 * formatters MarcinOrlowski/bank-qrcode-formatter (PHP, MIT) and
 * IonBazan/pl-qr-payment (PHP, MIT), which agree on the order and the
 * lengths above. We write our own (a few lines) rather than depend on a PHP
 * library; qrcode (already a dependency) makes the symbol.
 */

export interface PaymentQrData {
  /** The payee's NIP (the utility's), ten digits. */
  nip: string | null;
  /** The NRB the customer pays to (their individual account), 26 digits, spaces allowed. */
  account: string;
  /** The amount in grosze: 1 … 999 999 (the field has six digits). */
  amount: number;
  name: string;
  title: string;
}

export const PAYMENT_QR_MAX_AMOUNT = 999_999;

/** Characters the field separator or a bank app would choke on: `|`, controls, line breaks. */
const clean = (s: string, max: number) =>
  Array.from(s.replace(/[|\u0000-\u001f\u007f]/g, ' ').replace(/\s+/g, ' ').trim())
    .slice(0, max)
    .join('')
    .trim();

/**
 * The text of the payment QR code; null when the amount cannot be carried
 * (zero, a credit, or above 9 999,99 zł: the recommendation's amount field
 * has six digits, so a larger invoice gets no code rather than a wrong one).
 */
export function paymentQrText(d: PaymentQrData): string | null {
  if (!Number.isSafeInteger(d.amount) || d.amount <= 0 || d.amount > PAYMENT_QR_MAX_AMOUNT) return null;
  const account = d.account.replace(/\s/g, '').replace(/^PL/i, '');
  if (!/^\d{26}$/.test(account)) return null;
  const nip = (d.nip ?? '').replace(/[\s-]/g, '').replace(/^PL/i, '');
  const fields = [
    /^\d{10}$/.test(nip) ? nip : '',
    'PL',
    account,
    String(d.amount).padStart(6, '0'),
    clean(d.name, 20),
    clean(d.title, 32),
    '',
    '',
    '',
  ];
  return fields.join('|');
}

/** Reads a payment QR text back (tests, and anyone checking a printed code). */
export function parsePaymentQrText(s: string): { nip: string; country: string; account: string; amount: number; name: string; title: string } | null {
  const f = s.split('|');
  if (f.length !== 9 || !/^\d{6}$/.test(f[3])) return null;
  return { nip: f[0], country: f[1], account: f[2], amount: Number(f[3]), name: f[4], title: f[5] };
}
