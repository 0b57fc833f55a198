/**
 * Alarms from the meters (leak, burst, backflow, tamper, removal). An episode
 * runs from the first telegram with the flag to the first later telegram
 * without it. Its start opens a staff task (one open task per kind and meter)
 * and, for a leak or a burst, e-mails the customer once. Telegrams older than
 * the last change (a file imported again, a late gateway) change nothing.
 */
import { sql } from 'kysely';
import type { Tx } from '../../../db/tenant.ts';
import { queueEmail } from '../../notify/index.ts';
import { ALARM_KINDS, type AlarmKind } from './decode-core.ts';

export interface AlarmEvent {
  meterId: number;
  at: Date;
  alarms: AlarmKind[];
}

interface State {
  active: boolean;
  changedAt: number;
}

/** Pure: which episodes a telegram starts and ends, given the states it finds. */
export function transitions(states: Map<AlarmKind, State>, at: number, alarms: AlarmKind[]): { start: AlarmKind[]; end: AlarmKind[] } {
  const start: AlarmKind[] = [];
  const end: AlarmKind[] = [];
  for (const kind of ALARM_KINDS) {
    const s = states.get(kind);
    if (s && at <= s.changedAt) continue;
    const on = alarms.includes(kind);
    if (on && !s?.active) start.push(kind);
    else if (!on && s?.active) end.push(kind);
  }
  return { start, end };
}

const TITLES: Record<AlarmKind, string> = {
  leak: 'Wyciek wody',
  burst: 'Pęknięcie rury / nagły duży przepływ',
  backflow: 'Przepływ wsteczny',
  tamper: 'Ingerencja w wodomierz lub nakładkę',
  removal: 'Zdjęcie nakładki radiowej z wodomierza',
};

interface MeterPlace {
  serial_number: string;
  street: string;
  building: string;
  apartment: string | null;
  postal_code: string;
  locality: string;
  customer_id: number | null;
  email: string | null;
  utility_name: string;
  utility_phone: string;
}

export class AlarmTracker {
  private states: Map<number, Map<AlarmKind, State>> | null = null;
  readonly opened: Array<{ kind: AlarmKind; meterId: number }> = [];
  emails = 0;

  constructor(
    private readonly tx: Tx,
    private readonly utilityId: number,
  ) {}

  private async load(): Promise<Map<number, Map<AlarmKind, State>>> {
    if (this.states) return this.states;
    const rows = await this.tx.selectFrom('alarm_states').select(['meter_id', 'kind', 'active', 'changed_at']).execute();
    this.states = new Map();
    for (const r of rows) this.stateOf(r.meter_id).set(r.kind as AlarmKind, { active: r.active, changedAt: new Date(r.changed_at).getTime() });
    return this.states;
  }

  private stateOf(meterId: number): Map<AlarmKind, State> {
    let m = this.states!.get(meterId);
    if (!m) this.states!.set(meterId, (m = new Map()));
    return m;
  }

  /** Meters with a known alarm state: only their telegrams (or flagged ones) can change anything. */
  async tracked(): Promise<ReadonlyMap<number, unknown>> {
    return this.load();
  }

  async apply(events: AlarmEvent[]): Promise<void> {
    const states = await this.load();
    // Only telegrams with a flag, or from meters with an episode running, can change anything.
    // (Checked in time order, so that a telegram without the flag after a flagged one of the same batch ends its episode.)
    const sorted = [...events].sort((a, b) => a.at.getTime() - b.at.getTime());
    for (const e of sorted) {
      if (e.alarms.length === 0 && !states.has(e.meterId)) continue;
      const st = this.stateOf(e.meterId);
      const { start, end } = transitions(st, e.at.getTime(), e.alarms);
      for (const kind of [...start, ...end]) {
        const active = start.includes(kind);
        st.set(kind, { active, changedAt: e.at.getTime() });
        await this.tx
          .insertInto('alarm_states')
          .values({ utility_id: this.utilityId, meter_id: e.meterId, kind, active, changed_at: e.at })
          .onConflict((oc) => oc.columns(['utility_id', 'meter_id', 'kind']).doUpdateSet({ active, changed_at: e.at }))
          .execute();
        if (active) await this.startEpisode(kind, e.meterId, e.at);
      }
    }
  }

  private async startEpisode(kind: AlarmKind, meterId: number, at: Date): Promise<void> {
    const place = await this.place(meterId);
    const address = place ? formatAddress(place) : '';
    const title = `${TITLES[kind]}: wodomierz ${place?.serial_number ?? meterId}${address ? `, ${address}` : ''}`;
    const opened = await sql<{ id: number }>`
      insert into staff_tasks (utility_id, kind, meter_id, customer_id, title, data, opened_at)
      values (${this.utilityId}, ${kind}, ${meterId}, ${place?.customer_id ?? null}, ${title}, ${JSON.stringify({ telegramAt: at.toISOString() })}::jsonb, ${at})
      on conflict (utility_id, meter_id, kind) where status = 'open' do nothing
      returning id`.execute(this.tx);
    if (opened.rows.length) this.opened.push({ kind, meterId });
    if ((kind === 'leak' || kind === 'burst') && place?.email) {
      await queueEmail(this.tx, { utilityId: this.utilityId, to: place.email, ...alarmEmail(kind, place, at), template: `${kind}_alarm` });
      this.emails++;
    }
  }

  private async place(meterId: number): Promise<MeterPlace | undefined> {
    const r = await sql<MeterPlace>`
      select m.serial_number, sp.street, sp.building, sp.apartment, sp.postal_code, sp.locality,
             c.id as customer_id, c.email, u.name as utility_name, u.phone as utility_phone
      from meters m
      join service_points sp on sp.utility_id = m.utility_id and sp.id = m.service_point_id
      join utilities u on u.id = m.utility_id
      left join lateral (
        select ct.customer_id from contracts ct
        where ct.utility_id = m.utility_id and ct.service_point_id = sp.id and ct.status = 'active'
        order by ct.valid_from desc limit 1) ct on true
      left join customers c on c.utility_id = m.utility_id and c.id = ct.customer_id
      where m.id = ${meterId}`.execute(this.tx);
    return r.rows[0];
  }
}

export function formatAddress(p: Pick<MeterPlace, 'street' | 'building' | 'apartment' | 'postal_code' | 'locality'>): string {
  return `${p.street} ${p.building}${p.apartment ? `/${p.apartment}` : ''}, ${p.postal_code} ${p.locality}`.trim();
}

const warsaw = new Intl.DateTimeFormat('pl-PL', { timeZone: 'Europe/Warsaw', dateStyle: 'long', timeStyle: 'short' });

export function alarmEmail(kind: 'leak' | 'burst', p: MeterPlace, at: Date): { subject: string; text: string } {
  const address = formatAddress(p);
  const what =
    kind === 'leak'
      ? 'zgłosił możliwy wyciek wody: woda płynie bez przerwy, także wtedy, gdy zwykle nikt jej nie pobiera'
      : 'zgłosił bardzo duży, nagły przepływ wody, jaki zdarza się przy pęknięciu rury';
  const subject = kind === 'leak' ? `Możliwy wyciek wody – ${address}` : `Możliwe pęknięcie rury – ${address}`;
  const text = [
    'Dzień dobry,',
    '',
    `wodomierz nr ${p.serial_number} pod adresem ${address} ${what} (${warsaw.format(at)}).`,
    '',
    'Prosimy sprawdzić instalację wodną: krany, spłuczkę, podlewanie ogrodu i rury. Jeśli woda wycieka, prosimy zamknąć zawór główny',
    'i skontaktować się z hydraulikiem. Koszt wody, która przepłynie przez wodomierz, obciąża odbiorcę.',
    '',
    'Tę wiadomość wysyłamy raz na jedno zdarzenie: kolejną wyślemy dopiero wtedy, gdy alarm ustanie i pojawi się ponownie.',
    '',
    `${p.utility_name}${p.utility_phone ? `, tel. ${p.utility_phone}` : ''}`,
  ].join('\n');
  return { subject, text };
}

/**
 * Meters with an alarm: an open staff task, or an alarm flag still on in
 * their latest telegrams. (The reading routes ask this module rather than
 * reading its tables.)
 */
export async function openAlarmMeterIds(tx: Tx, meterIds: readonly number[]): Promise<Set<number>> {
  if (meterIds.length === 0) return new Set();
  const list = sql.val([...new Set(meterIds)]);
  const { rows } = await sql<{ meter_id: number }>`
    select meter_id from staff_tasks where status = 'open' and meter_id = any(${list}::bigint[])
    union
    select meter_id from alarm_states where active and meter_id = any(${list}::bigint[])`.execute(tx);
  return new Set(rows.map((r) => Number(r.meter_id)));
}
