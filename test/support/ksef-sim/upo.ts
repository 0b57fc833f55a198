/**
 * UPO ("urzędowe poświadczenie odbioru") documents in the structure of
 * upo-v4-3.xsd: one per accepted invoice and the session's collective UPO in
 * pages of at most 10,000 documents. NazwaPodmiotuPrzyjmujacego is the value
 * the schema fixes ("Ministerstwo Finansów"). The real UPO also carries the
 * Ministry's XAdES signature; the simulator's is unsigned.
 * ZakresDokumentowDo follows MF's published example (the last document, inclusive),
 * although the XSD's comment says "exclusive".
 */
export interface UpoDocument {
  sellerNip: string;
  ksefNumber: string;
  invoiceNumber: string;
  issueDate: string;
  sentAt: Date;
  numberedAt: Date;
  invoiceHash: string;
  mode: 'Online' | 'Offline';
}

export interface UpoContext {
  sessionReferenceNumber: string;
  contextNip: string;
  /** Token sign-in: the KSeF token's reference number; XAdES sign-in: SHA-256 (Base64) of the signed document. */
  auth: { ksefTokenReference: string } | { documentHash: string };
}

export const UPO_PAGE_SIZE = 10_000;

const esc = (t: string) => t.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');

function dokument(d: UpoDocument): string {
  return `  <Dokument>
    <NipSprzedawcy>${d.sellerNip}</NipSprzedawcy>
    <NumerKSeFDokumentu>${d.ksefNumber}</NumerKSeFDokumentu>
    <NumerFaktury>${esc(d.invoiceNumber)}</NumerFaktury>
    <DataWystawieniaFaktury>${d.issueDate}</DataWystawieniaFaktury>
    <DataPrzeslaniaDokumentu>${d.sentAt.toISOString()}</DataPrzeslaniaDokumentu>
    <DataNadaniaNumeruKSeF>${d.numberedAt.toISOString()}</DataNadaniaNumeruKSeF>
    <SkrotDokumentu>${d.invoiceHash}</SkrotDokumentu>
    <TrybWysylki>${d.mode}</TrybWysylki>
  </Dokument>
`;
}

function head(c: UpoContext): string {
  const auth = 'ksefTokenReference' in c.auth
    ? `<NumerReferencyjnyTokenaKSeF>${c.auth.ksefTokenReference}</NumerReferencyjnyTokenaKSeF>`
    : `<SkrotDokumentuUwierzytelniajacego>${c.auth.documentHash}</SkrotDokumentuUwierzytelniajacego>`;
  return `<?xml version="1.0" encoding="utf-8"?>
<Potwierdzenie xmlns="http://upo.schematy.mf.gov.pl/KSeF/v4-3" wersjaSchemy="4-3">
  <NazwaPodmiotuPrzyjmujacego>Ministerstwo Finansów</NazwaPodmiotuPrzyjmujacego>
  <NumerReferencyjnySesji>${c.sessionReferenceNumber}</NumerReferencyjnySesji>
  <Uwierzytelnienie>
    <IdKontekstu>
      <Nip>${c.contextNip}</Nip>
    </IdKontekstu>
    ${auth}
  </Uwierzytelnienie>
`;
}

const FORM = `  <NazwaStrukturyLogicznej>Schemat_FA(3)_v1-0E.xsd</NazwaStrukturyLogicznej>
  <KodFormularza>FA (3)</KodFormularza>
`;

/** The UPO of one invoice. */
export function invoiceUpo(c: UpoContext, d: UpoDocument): string {
  return `${head(c)}${FORM}${dokument(d)}</Potwierdzenie>
`;
}

/** The session's UPO pages (an empty list when no invoice was accepted). */
export function sessionUpoPages(c: UpoContext, docs: UpoDocument[], pageSize = UPO_PAGE_SIZE): string[] {
  const pages: string[] = [];
  const count = Math.ceil(docs.length / pageSize);
  for (let p = 0; p < count; p++) {
    const part = docs.slice(p * pageSize, (p + 1) * pageSize);
    const from = p * pageSize + 1;
    pages.push(`${head(c)}  <OpisPotwierdzenia>
    <Strona>${p + 1}</Strona>
    <LiczbaStron>${count}</LiczbaStron>
    <ZakresDokumentowOd>${from}</ZakresDokumentowOd>
    <ZakresDokumentowDo>${from + part.length - 1}</ZakresDokumentowDo>
    <CalkowitaLiczbaDokumentow>${docs.length}</CalkowitaLiczbaDokumentow>
  </OpisPotwierdzenia>
${FORM}${part.map(dokument).join('')}</Potwierdzenie>
`);
  }
  return pages;
}

/** How control.invalidUpos breaks a UPO it serves (KSeF sending a receipt that does not validate). */
export type UpoFault = 'missing-element' | 'wrong-namespace' | 'not-xml';

/** The UPO as served while the fault is on: the stored UPO stays valid, so clearing the fault serves it again. */
export function brokenUpo(xml: string, fault: UpoFault): string {
  switch (fault) {
    case 'missing-element':
      // A required element gone: upo-v4-3.xsd expects NumerKSeFDokumentu after NipSprzedawcy.
      return xml.replace(/\s*<NumerKSeFDokumentu>[^<]*<\/NumerKSeFDokumentu>/g, '');
    case 'wrong-namespace':
      return xml.replace('http://upo.schematy.mf.gov.pl/KSeF/v4-3', 'http://upo.schematy.mf.gov.pl/KSeF/v4-2');
    case 'not-xml':
      return `<html><body>Service temporarily degraded</body>`;
  }
}
