/**
 * Addresses for demo service points: the seat's streets first, then the
 * villages; houses numbered along each street, blocks of flats on the
 * estates. `routeOrder` is a reader's walk: up the odd side, back down the
 * even side.
 */
import { ESTATE_STREETS, TOWN_STREETS, VILLAGE_STREETS } from './names.ts';
import type { UtilityProfile } from './profiles.ts';
import { Rng } from './random.ts';

export interface Address {
  street: string;
  building: string;
  postalCode: string;
  locality: string;
  routeOrder: number;
}

interface StreetSlot {
  street: string;
  locality: string;
  postalCode: string;
  cap: number;
  next: number;
}

const walkOrder = (n: number) => (n % 2 === 1 ? n : 100_000 - n);

export class AddressBook {
  private readonly streets: StreetSlot[] = [];
  private current = 0;
  private round = 1;
  private readonly blocks: number[] = ESTATE_STREETS.map(() => 0);
  private blockTurn = 0;

  /** `seed` fixes the layout; the same profile always has the same streets. */
  constructor(profile: UtilityProfile, seed: number) {
    const rng = new Rng(seed);
    const [seat, ...villages] = profile.localities;
    for (const street of TOWN_STREETS) this.streets.push({ street, locality: seat.name, postalCode: seat.postalCode, cap: rng.int(5, 20), next: 1 });
    for (const v of villages) {
      const n = rng.int(3, 8);
      const pool = [...VILLAGE_STREETS];
      for (let i = 0; i < n; i++) {
        const street = pool.splice(rng.int(0, pool.length - 1), 1)[0];
        this.streets.push({ street, locality: v.name, postalCode: v.postalCode, cap: rng.int(8, 35), next: 1 });
      }
    }
  }

  get seat(): { name: string; postalCode: string } {
    return { name: this.streets[0].locality, postalCode: this.streets[0].postalCode };
  }

  /** A house: the next number on the current street; a full street hands over to the next. */
  house(): Address {
    for (;;) {
      const s = this.streets[this.current];
      if (s.next <= s.cap * this.round) {
        const n = s.next++;
        return { street: s.street, building: String(n), postalCode: s.postalCode, locality: s.locality, routeOrder: walkOrder(n) };
      }
      this.current++;
      if (this.current === this.streets.length) {
        // Every street is full: the town grows, each street gets as many houses again.
        this.current = 0;
        this.round++;
      }
    }
  }

  /** A block of flats on one of the seat's estates. */
  block(): Address {
    const i = this.blockTurn++ % ESTATE_STREETS.length;
    const n = ++this.blocks[i];
    return { street: ESTATE_STREETS[i], building: String(n), postalCode: this.seat.postalCode, locality: this.seat.name, routeOrder: walkOrder(n) };
  }

  /** Skips addresses already handed out by an earlier seed of the same utility. */
  skip(houses: number, blocks: number): void {
    for (let i = 0; i < houses; i++) this.house();
    for (let i = 0; i < blocks; i++) this.block();
  }
}
