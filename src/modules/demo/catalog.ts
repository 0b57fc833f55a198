/**
 * What a demo utility has besides customers: the utility row itself,
 * tariffs with their groups, terms of the portal and of e-invoices, staff
 * (one per role), the portal login, notices and cases with their threads.
 */
import { sql } from 'kysely';
import type { Db } from '../../db/connection.ts';
import type { StaffRole } from '../../http/access.ts';
import type { UtilityProfile } from './profiles.ts';
import type { Rng } from './random.ts';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

export async function insertUtility(db: Db, p: UtilityProfile): Promise<number> {
  const row = await db
    .insertInto('utilities')
    .values({
      slug: p.slug,
      name: p.name,
      short_name: p.shortName,
      street: p.street,
      postal_code: p.postalCode,
      city: p.city,
      nip: p.nip,
      regon: p.regon,
      krs: p.krs,
      bank_account: p.bankAccount,
      virtual_account_prefix: p.virtualAccountPrefix,
      sender_email: p.senderEmail,
      phone: p.phone,
      website: p.website,
      primary_color: p.primaryColor,
      accent_color: p.accentColor,
      logo_svg: p.logoSvg,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return row.id;
}

export async function insertTariffs(db: Db, utilityId: number, p: UtilityProfile): Promise<void> {
  for (const t of p.tariffs) {
    const { id } = await db
      .insertInto('tariffs')
      .values({ utility_id: utilityId, name: t.name, decision_number: t.decisionNumber, decision_date: t.decisionDate, valid_from: t.validFrom, valid_to: t.validTo })
      .returning('id')
      .executeTakeFirstOrThrow();
    await db
      .insertInto('tariff_groups')
      .values(
        t.groups.map((g) => ({
          utility_id: utilityId,
          tariff_id: id,
          code: g.code,
          name: g.name,
          water_price_net_grosze: g.water,
          sewage_price_net_grosze: g.sewage,
          subscription_fee_paper_net_grosze: g.feePaper,
          subscription_fee_einvoice_net_grosze: g.feeEinvoice,
          vat_rate_percent: 8,
        })),
      )
      .execute();
  }
}

export async function insertTerms(db: Db, utilityId: number, p: UtilityProfile): Promise<void> {
  const portal = [
    `§ 1. Postanowienia ogólne`,
    `1. Regulamin określa zasady korzystania z Internetowego Biura Obsługi Klienta (e-BOK) prowadzonego przez ${p.name}, ${p.street}, ${p.postalCode} ${p.city}, NIP ${p.nip}.`,
    `2. e-BOK umożliwia odbiorcom usług przeglądanie danych umów, punktów poboru i wodomierzy, odczytów, faktur i płatności, zgłaszanie odczytów, awarii i reklamacji oraz kontakt z przedsiębiorstwem.`,
    `§ 2. Rejestracja`,
    `1. Konto zakłada odbiorca, podając numer klienta, kod aktywacyjny wydrukowany na fakturze lub piśmie aktywacyjnym oraz adres e-mail, który potwierdza, otwierając przesłany link.`,
    `2. Hasło ma co najmniej 10 znaków i zawiera litery oraz cyfry. Odbiorca nie udostępnia hasła osobom trzecim.`,
    `§ 3. Reklamacje`,
    `Reklamacje dotyczące usług i działania e-BOK przedsiębiorstwo rozpatruje w terminie 14 dni od ich otrzymania.`,
    `§ 4. Dane osobowe`,
    `Administratorem danych osobowych jest ${p.name}. Dane są przetwarzane w celu wykonania umowy o zaopatrzenie w wodę lub odprowadzanie ścieków (art. 6 ust. 1 lit. b RODO). Dostęp pracowników do danych odbiorcy jest rejestrowany.`,
  ].join('\n\n');
  // Adapted from the seed utility's "AKCEPTACJA PRZESYŁANIA I UDOSTĘPNIANIA E-FAKTUR"; promises only what the system does.
  const einvoice = [
    `§ 1. Przedmiot`,
    `1. Odbiorca usług akceptuje wystawianie, przesyłanie i udostępnianie przez ${p.name}, ${p.street}, ${p.postalCode} ${p.city}, NIP ${p.nip} (dalej: przedsiębiorstwo), faktur i faktur korygujących w formie elektronicznej (e-faktur), zgodnie z ustawą o podatku od towarów i usług.`,
    `2. E-faktura ma taką samą moc prawną jak faktura papierowa.`,
    `§ 2. Udostępnianie i przesyłanie`,
    `1. E-faktury są udostępniane w e-BOK, w zakładce „Faktury”, w formacie PDF oraz jako plik XML w strukturze FA(3).`,
    `2. Odbiorca, który przy akceptacji wybrał także wysyłkę e-mailem, otrzymuje każdą e-fakturę w formacie PDF na adres e-mail wskazany przy akceptacji.`,
    `3. Od następnego okresu rozliczeniowego po akceptacji faktury papierowe nie są wysyłane.`,
    `§ 3. Opłata abonamentowa`,
    `Od pierwszego dnia następnego okresu rozliczeniowego po akceptacji stosuje się opłatę abonamentową właściwą dla e-faktury, określoną w obowiązującej taryfie.`,
    `§ 4. Zmiana sposobu doręczania i wycofanie akceptacji`,
    `1. Odbiorca może w e-BOK zmienić sposób doręczania (tylko e-BOK albo także e-mail) oraz w każdej chwili wycofać akceptację w e-BOK lub w Biurze Obsługi Klienta.`,
    `2. Od pierwszego dnia następnego okresu rozliczeniowego po wycofaniu akceptacji faktury są wysyłane w formie papierowej na adres korespondencyjny i stosuje się opłatę abonamentową właściwą dla faktury papierowej.`,
    `§ 5. Akceptacja na formularzu`,
    `Odbiorca, który nie ma konta w e-BOK, może złożyć akceptację na podpisanym formularzu w Biurze Obsługi Klienta. Przedsiębiorstwo przechowuje skan formularza.`,
    `§ 6. Rejestrowanie akceptacji`,
    `Przedsiębiorstwo rejestruje, kto i kiedy zaakceptował niniejsze warunki, której ich wersji akceptacja dotyczy oraz adres IP, z którego jej dokonano (w przypadku formularza: datę jego podpisania).`,
  ].join('\n\n');
  await db
    .insertInto('terms_versions')
    .values([
      { utility_id: utilityId, kind: 'portal', version: '2026-01', title: 'Regulamin Internetowego Biura Obsługi Klienta (e-BOK)', body: portal, published_at: new Date('2026-01-02T08:00:00Z') },
      { utility_id: utilityId, kind: 'einvoice', version: '2026-01', title: 'Akceptacja przesyłania i udostępniania e-faktur', body: einvoice, published_at: new Date('2026-01-02T08:00:00Z') },
    ])
    .execute();
}

export interface StaffSpec {
  role: StaffRole;
  local: string;
  name: string;
}

/** Every role of a municipal works; another utility starts with its administrator only. */
export function staffFor(p: UtilityProfile, fullTeam: boolean): StaffSpec[] {
  const all: StaffSpec[] = [
    { role: 'admin', local: 'admin', name: 'Tomasz Wiśniewski' },
    { role: 'customer_service', local: 'bok', name: 'Katarzyna Nowak' },
    { role: 'billing', local: 'rozliczenia', name: 'Ewa Zielińska' },
    { role: 'meter_reader', local: 'inkasent', name: 'Marek Wójcik' },
    { role: 'auditor', local: 'audytor', name: 'Jolanta Mazur' },
  ];
  void p;
  return fullTeam ? all : all.slice(0, 1);
}

export async function insertUser(
  db: Db,
  utilityId: number,
  u: { kind: 'customer' | 'staff'; email: string; name: string; passwordHash: string; roles?: StaffRole[]; customerIds?: number[] },
): Promise<number> {
  const { id } = await db
    .insertInto('users')
    .values({ utility_id: utilityId, kind: u.kind, email: u.email, name: u.name, password_hash: u.passwordHash, email_verified_at: new Date() })
    .returning('id')
    .executeTakeFirstOrThrow();
  if (u.roles?.length) await db.insertInto('staff_roles').values(u.roles.map((role) => ({ utility_id: utilityId, user_id: id, role }))).execute();
  if (u.customerIds?.length)
    await db.insertInto('user_customers').values(u.customerIds.map((customer_id) => ({ utility_id: utilityId, user_id: id, customer_id }))).execute();
  return id;
}

export async function insertNotices(db: Db, utilityId: number, seat: string, villages: string[], nowMs: number, authorId: number | null): Promise<void> {
  const notices = [
    {
      kind: 'outage',
      title: 'Awaria sieci wodociągowej – ul. Lipowa i ul. Klonowa',
      body: 'W związku z awarią magistrali wodociągowej wystąpi przerwa w dostawie wody. Beczkowóz z wodą pitną stoi przy skrzyżowaniu ul. Lipowej i Klonowej. Przepraszamy za utrudnienia.',
      starts_at: new Date(nowMs - 2 * HOUR),
      ends_at: new Date(nowMs + 4 * HOUR),
      areas: [
        { locality: seat, street: 'ul. Lipowa', from_number: 1, to_number: 40 },
        { locality: seat, street: 'ul. Klonowa', from_number: null, to_number: null },
      ],
    },
    {
      kind: 'planned_interruption',
      title: `Planowana przerwa w dostawie wody – ${villages[0]}`,
      body: `Z powodu wymiany zasuw na sieci wodociągowej w miejscowości ${villages[0]} nastąpi przerwa w dostawie wody w godzinach 9:00–14:00.`,
      starts_at: new Date(startOfDay(nowMs + 7 * DAY) + 8 * HOUR),
      ends_at: new Date(startOfDay(nowMs + 7 * DAY) + 13 * HOUR),
      areas: [{ locality: villages[0], street: null, from_number: null, to_number: null }],
    },
    {
      kind: 'info',
      title: 'Nowa taryfa od 1 czerwca 2026 r.',
      body: 'Państwowe Gospodarstwo Wodne Wody Polskie zatwierdziło nową taryfę na lata 2026–2029. Opłata abonamentowa przy fakturze elektronicznej wynosi 3,60 zł netto, przy fakturze papierowej 6,00 zł netto.',
      // Midnight in Poland (summer time), not in UTC: shown as the day the tariff starts.
      starts_at: new Date('2026-06-01T00:00:00+02:00'),
      ends_at: null,
      areas: [],
    },
  ];
  for (const n of notices) {
    const { id } = await db
      .insertInto('notices')
      .values({ utility_id: utilityId, kind: n.kind, title: n.title, body: n.body, starts_at: n.starts_at, ends_at: n.ends_at, published_at: new Date(nowMs - 3 * HOUR), created_by: authorId })
      .returning('id')
      .executeTakeFirstOrThrow();
    if (n.areas.length) await db.insertInto('notice_areas').values(n.areas.map((a) => ({ utility_id: utilityId, notice_id: id, ...a }))).execute();
  }
}

const startOfDay = (ms: number) => ms - (ms % DAY);

interface CaseSpec {
  kind: 'complaint' | 'failure' | 'reading' | 'message' | 'dataChange';
  subject: string;
  status: 'new' | 'in_progress' | 'waiting_for_customer' | 'resolved' | 'closed';
  daysAgo: number;
  thread: Array<['customer' | 'staff', string]>;
}

const CASES: CaseSpec[] = [
  {
    kind: 'complaint',
    subject: 'Reklamacja faktury – zbyt wysokie zużycie',
    status: 'in_progress',
    daysAgo: 4,
    thread: [
      ['customer', 'Dzień dobry, na ostatniej fakturze zużycie jest dwa razy wyższe niż zwykle, a w domu nic nie cieknie. Proszę o sprawdzenie odczytu.'],
      ['staff', 'Dzień dobry, przyjęliśmy reklamację. Inkasent sprawdzi wodomierz i szczelność instalacji za licznikiem w ciągu 7 dni.'],
    ],
  },
  {
    kind: 'failure',
    subject: 'Wyciek wody przy studzience na chodniku',
    status: 'resolved',
    daysAgo: 40,
    thread: [
      ['customer', 'Przy studzience przed moim domem od rana wypływa woda na chodnik.'],
      ['staff', 'Dziękujemy za zgłoszenie. Pogotowie wodociągowe usunęło nieszczelność zasuwy.'],
    ],
  },
  {
    kind: 'reading',
    subject: 'Zgłoszenie odczytu wodomierza ogrodowego',
    status: 'closed',
    daysAgo: 75,
    thread: [['customer', 'Podaję stan wodomierza ogrodowego na koniec sezonu, zdjęcie w załączniku.'], ['staff', 'Odczyt przyjęty, dziękujemy.']],
  },
  {
    kind: 'message',
    subject: 'Pytanie o fakturę elektroniczną',
    status: 'waiting_for_customer',
    daysAgo: 12,
    thread: [
      ['customer', 'Czy po przejściu na e-fakturę opłata abonamentowa będzie niższa?'],
      ['staff', 'Tak, od następnego okresu rozliczeniowego opłata wyniesie 3,60 zł netto. Czy potwierdza Pani zgodę na e-fakturę w e-BOK?'],
    ],
  },
  {
    kind: 'dataChange',
    subject: 'Zmiana numeru telefonu',
    status: 'new',
    daysAgo: 1,
    thread: [['customer', 'Proszę o zmianę numeru telefonu kontaktowego.']],
  },
];

/**
 * Cases for the given customers: the portal demo customer gets one of each
 * kind; others one drawn at random. Returns how many were made.
 */
export async function insertCases(
  db: Db,
  utilityId: number,
  rng: Rng,
  nowMs: number,
  args: { rich?: { customerId: number; userId: number }; sample: number[]; staffId: number | null },
): Promise<number> {
  const rows: Array<{ customerId: number; spec: CaseSpec; userId: number | null; at: Date; number?: string }> = [];
  if (args.rich) for (const spec of CASES) rows.push({ customerId: args.rich.customerId, spec, userId: args.rich.userId, at: new Date(nowMs - spec.daysAgo * DAY) });
  for (const customerId of args.sample) {
    const spec = rng.pick(CASES.slice(0, 4));
    rows.push({ customerId, spec, userId: null, at: new Date(nowMs - (spec.daysAgo + rng.int(0, 300)) * DAY) });
  }
  // Numbers continue the utility's gapless series per year, SPR/<year>/<n>, in
  // number_series as the portal takes them (src/modules/cases/numbering.ts).
  rows.sort((a, b) => a.at.getTime() - b.at.getTime());
  const years = new Map<string, typeof rows>();
  for (const r of rows) {
    const y = String(r.at.getUTCFullYear());
    years.set(y, [...(years.get(y) ?? []), r]);
  }
  for (const [year, inYear] of years) {
    const { last_number } = await db
      .insertInto('number_series')
      .values({ utility_id: utilityId, series: 'SPR', period: year, last_number: inYear.length })
      .onConflict((oc) => oc.columns(['utility_id', 'series', 'period']).doUpdateSet((eb) => ({ last_number: sql<number>`${eb.ref('number_series.last_number')} + ${inYear.length}` })))
      .returning('last_number')
      .executeTakeFirstOrThrow();
    const first = Number(last_number) - inYear.length + 1;
    inYear.forEach((r, k) => (r.number = `SPR/${year}/${String(first + k).padStart(6, '0')}`));
  }
  for (let i = 0; i < rows.length; i += 500) {
    const chunk = rows.slice(i, i + 500);
    const created = await db
      .insertInto('cases')
      .values(
        chunk.map(({ customerId, spec, userId, at, number }) => {
          const closed = spec.status === 'resolved' || spec.status === 'closed';
          return {
            utility_id: utilityId,
            case_number: number!,
            customer_id: customerId,
            kind: spec.kind,
            subject: spec.subject,
            status: spec.status,
            assignee_id: spec.status === 'new' ? null : args.staffId,
            due_on: spec.kind === 'complaint' ? new Date(at.getTime() + 14 * DAY).toISOString().slice(0, 10) : null,
            created_by: userId,
            created_at: at,
            updated_at: new Date(at.getTime() + DAY),
            closed_at: closed ? new Date(at.getTime() + 3 * DAY) : null,
            last_message_at: new Date(at.getTime() + (spec.thread.length - 1) * 5 * HOUR),
          };
        }),
      )
      .returning(['id', 'created_at'])
      .execute();
    const messages = created.flatMap((c, j) =>
      chunk[j].spec.thread.map(([author, body], k) => ({
        utility_id: utilityId,
        case_id: c.id,
        author_kind: author,
        author_id: author === 'staff' ? args.staffId : chunk[j].userId,
        body,
        created_at: new Date(new Date(c.created_at).getTime() + k * 5 * HOUR),
      })),
    );
    await db.insertInto('case_messages').values(messages).execute();
    await db
      .insertInto('case_events')
      .values(created.map((c, j) => ({ utility_id: utilityId, case_id: c.id, at: c.created_at, actor_id: chunk[j].userId, event: 'created', data: JSON.stringify({ kind: chunk[j].spec.kind }) })))
      .execute();
  }
  return rows.length;
}
