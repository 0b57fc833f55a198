/**
 * Which of a portal user's customers the portal is showing: a landlord or a
 * housing community's manager acts for several. The choice is remembered in
 * this browser (localStorage, per user) and shared by every page through one
 * event; the server checks each request against the user's own customers
 * anyway, so a stale or forged choice shows nothing of anyone else.
 */
import { useCallback, useEffect, useState } from 'react';
import { useSession } from '../session.tsx';

const EVENT = 'wodnik:active-customer';
const keyOf = (userId: number) => `wodnik_customer_${userId}`;

function stored(userId: number): number | undefined {
  try {
    const v = Number(window.localStorage.getItem(keyOf(userId)));
    return Number.isInteger(v) && v > 0 ? v : undefined;
  } catch {
    return undefined;
  }
}

/** The chosen customer (the first one until the user chooses), and a way to choose another. */
export function useActiveCustomer(): { customerId: number | undefined; customerIds: number[]; choose(id: number): void } {
  const { user } = useSession();
  const ids = user?.kind === 'customer' ? user.customerIds : [];
  const pick = useCallback(() => {
    if (!user || ids.length === 0) return undefined;
    const s = stored(user.id);
    return s !== undefined && ids.includes(s) ? s : ids[0];
  }, [user, ids.join(',')]);
  const [customerId, setCustomerId] = useState<number | undefined>(pick);
  useEffect(() => {
    setCustomerId(pick());
    const on = () => setCustomerId(pick());
    window.addEventListener(EVENT, on);
    return () => window.removeEventListener(EVENT, on);
  }, [pick]);
  const choose = useCallback(
    (id: number) => {
      if (!user || !ids.includes(id)) return;
      try {
        window.localStorage.setItem(keyOf(user.id), String(id));
      } catch {
        /* private mode: the choice lasts for this page only */
      }
      setCustomerId(id);
      window.dispatchEvent(new Event(EVENT));
    },
    [user, ids.join(',')],
  );
  return { customerId, customerIds: ids, choose };
}
