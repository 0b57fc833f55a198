/**
 * The demo utilities: a municipal works of a small town (zgk-demo) and a
 * regional water company (pwik-demo); any other slug gets a plain profile.
 * Tax ids and bank accounts carry valid check digits.
 */
import { completeNip, completeRegon, completeSortCode, nrbFromBban } from '../../lib/check-digits.ts';
import { VILLAGES } from './names.ts';

export interface TariffGroupSpec {
  code: 'G1' | 'G2' | 'G3';
  name: string;
  water: number;
  sewage: number;
  feePaper: number;
  feeEinvoice: number;
}

export interface TariffSpec {
  name: string;
  decisionNumber: string;
  decisionDate: string;
  validFrom: string;
  validTo: string | null;
  groups: TariffGroupSpec[];
}

export interface UtilityProfile {
  slug: string;
  name: string;
  shortName: string;
  street: string;
  postalCode: string;
  city: string;
  nip: string;
  regon: string;
  krs: string;
  bankAccount: string;
  /** Sort code + utility prefix (12 digits): + 12-digit customer number = the customer's BBAN. */
  virtualAccountPrefix: string;
  senderEmail: string;
  phone: string;
  website: string;
  primaryColor: string;
  accentColor: string;
  logoSvg: string;
  /** Localities served, the seat first; the seat uses the town's street list. */
  localities: Array<{ name: string; postalCode: string }>;
  tariffs: TariffSpec[];
  /** The prefix of case numbers and e-mail domain of staff. */
  staffDomain: string;
  /** Seed of the random generator, so that two utilities differ. */
  seed: number;
}

/** First NIP with a check digit from the given 9-digit body upwards. */
function nip(body: number): string {
  for (let b = body; ; b++) {
    const n = completeNip(String(b));
    if (n) return n;
  }
}

function account(sortBody: string, rest: string): string {
  return nrbFromBban(completeSortCode(sortBody) + rest);
}

function logo(initials: string, color: string): string {
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 120 120" role="img" aria-label="${initials}">` +
    `<circle cx="60" cy="60" r="56" fill="${color}"/>` +
    `<path d="M60 18 C60 18 30 56 30 74 a30 30 0 0 0 60 0 C90 56 60 18 60 18 Z" fill="#ffffff"/>` +
    `<path d="M44 76 q8 10 20 6" stroke="${color}" stroke-width="5" fill="none" stroke-linecap="round"/>` +
    `<text x="60" y="112" font-family="DejaVu Sans, Arial, sans-serif" font-size="14" font-weight="700" text-anchor="middle" fill="#ffffff">${initials}</text>` +
    `</svg>`
  );
}

function tariffs(prefix: string, prices: { g1: [number, number]; g2: [number, number]; g3: [number, number] }, rise: number): TariffSpec[] {
  const groups = (k: number): TariffGroupSpec[] => [
    { code: 'G1', name: 'Gospodarstwa domowe', water: Math.round(prices.g1[0] * k), sewage: Math.round(prices.g1[1] * k), feePaper: 600, feeEinvoice: 360 },
    { code: 'G2', name: 'Pozostali odbiorcy', water: Math.round(prices.g2[0] * k), sewage: Math.round(prices.g2[1] * k), feePaper: 600, feeEinvoice: 360 },
    { code: 'G3', name: 'Odbiorcy przemysłowi', water: Math.round(prices.g3[0] * k), sewage: Math.round(prices.g3[1] * k), feePaper: 1200, feeEinvoice: 720 },
  ];
  // The previous tariff had lower prices and fees (the e-invoice discount came with the current one).
  const previous = groups(1 / rise).map((g) => ({ ...g, feePaper: Math.round(g.feePaper * 0.9), feeEinvoice: Math.round(g.feePaper * 0.9) }));
  return [
    {
      name: 'Taryfa dla zbiorowego zaopatrzenia w wodę i zbiorowego odprowadzania ścieków na lata 2023–2026',
      decisionNumber: `${prefix}.RZT.70.112.2023`,
      decisionDate: '2023-04-27',
      validFrom: '2023-06-01',
      validTo: '2026-05-31',
      groups: previous,
    },
    {
      name: 'Taryfa dla zbiorowego zaopatrzenia w wodę i zbiorowego odprowadzania ścieków na lata 2026–2029',
      decisionNumber: `${prefix}.RZT.70.41.2026`,
      decisionDate: '2026-04-22',
      validFrom: '2026-06-01',
      validTo: '2029-05-31',
      groups: groups(1),
    },
  ];
}

const ZGK: UtilityProfile = {
  slug: 'zgk-demo',
  name: 'Zakład Gospodarki Komunalnej w Wodnikowie Sp. z o.o.',
  shortName: 'ZGK Wodnikowo',
  street: 'ul. Wodna 7',
  postalCode: '16-060',
  city: 'Wodnikowo',
  nip: nip(542318764),
  regon: completeRegon('20178452'),
  krs: '0000412376',
  bankAccount: account('1020132', '0000980201234567'),
  virtualAccountPrefix: `${completeSortCode('1020132')}7701`,
  senderEmail: 'ebok@zgk-demo.example',
  phone: '+48 85 713 20 40',
  website: 'https://zgk-demo.example',
  primaryColor: '#0b5cad',
  accentColor: '#00897b',
  logoSvg: logo('ZGK', '#0b5cad'),
  localities: [{ name: 'Wodnikowo', postalCode: '16-060' }, ...VILLAGES.map((v, i) => ({ name: v, postalCode: `16-0${61 + (i % 9)}` }))],
  tariffs: tariffs('BI', { g1: [612, 947], g2: [612, 1120], g3: [645, 1280] }, 1.08),
  staffDomain: 'zgk-demo.example',
  seed: 20261125,
};

const PWIK: UtilityProfile = {
  slug: 'pwik-demo',
  name: 'Przedsiębiorstwo Wodociągów i Kanalizacji w Nadrzeczu Sp. z o.o.',
  shortName: 'PWiK Nadrzecze',
  street: 'ul. Zdrojowa 15',
  postalCode: '58-300',
  city: 'Nadrzecze',
  nip: nip(886102455),
  regon: completeRegon('89061743'),
  krs: '0000098765',
  bankAccount: account('1240193', '0000111100002222'),
  virtualAccountPrefix: `${completeSortCode('1240193')}5520`,
  senderEmail: 'ebok@pwik-demo.example',
  phone: '+48 74 842 11 00',
  website: 'https://pwik-demo.example',
  primaryColor: '#1d4e89',
  accentColor: '#f39c12',
  logoSvg: logo('PWiK', '#1d4e89'),
  localities: [{ name: 'Nadrzecze', postalCode: '58-300' }, ...VILLAGES.slice().reverse().map((v, i) => ({ name: v, postalCode: `58-3${10 + i}` }))],
  tariffs: tariffs('WR', { g1: [538, 1012], g2: [538, 1145], g3: [571, 1390] }, 1.06),
  staffDomain: 'pwik-demo.example',
  seed: 4122026,
};

export const DEMO_UTILITY = ZGK.slug;
export const SECOND_DEMO_UTILITY = PWIK.slug;

/** The profile for a slug: one of the demo utilities, or a plain waterworks named after the slug. */
export function profileFor(slug: string): UtilityProfile {
  if (slug === ZGK.slug) return ZGK;
  if (slug === PWIK.slug) return PWIK;
  let h = 0;
  for (const c of slug) h = (Math.imul(h, 31) + c.charCodeAt(0)) >>> 0;
  const town = slug.replace(/-/g, ' ').replace(/\b\p{L}/gu, (c) => c.toUpperCase());
  return {
    ...ZGK,
    slug,
    name: `Wodociągi ${town} Sp. z o.o.`,
    shortName: `Wodociągi ${town}`,
    city: VILLAGES[h % VILLAGES.length],
    nip: nip(600000000 + (h % 99999999)),
    regon: completeRegon(String(30000000 + (h % 9999999))),
    krs: String(h % 10 ** 10).padStart(10, '0'),
    bankAccount: account('1050154', String(h).padStart(16, '0').slice(-16)),
    virtualAccountPrefix: `${completeSortCode('1050154')}${String(h % 10000).padStart(4, '0')}`,
    senderEmail: `ebok@${slug}.example`,
    website: `https://${slug}.example`,
    logoSvg: logo(town.slice(0, 3).toUpperCase(), ZGK.primaryColor),
    staffDomain: `${slug}.example`,
    seed: h,
  };
}
