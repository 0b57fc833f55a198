/**
 * Every menu entry a user sees is a page that user may open (issue 13: a
 * menu must not offer what is then refused), for a portal user and for each
 * staff role alone.
 */
import { describe, expect, it } from 'vitest';
import { mayAccess } from './access.ts';
import type { SessionUser, StaffRole } from './api/types.ts';
import { customerNav, staffNav } from './nav.ts';
import { routes } from './routes.tsx';

const ROLES: StaffRole[] = ['admin', 'customer_service', 'billing', 'meter_reader', 'auditor'];
const user = (kind: 'customer' | 'staff', roles: StaffRole[] = []): SessionUser => ({
  id: 1, kind, email: 'x@example.com', name: 'X', roles, customerIds: kind === 'customer' ? [1] : [],
  mustChangePassword: false, totpEnabled: false, mfaPending: false,
});

/** The route a link opens: the first whose pattern matches the path, as the shell finds it. */
function routeOf(path: string) {
  return routes.find((r) => new RegExp(`^${r.path.replace(/:[^/]+/g, '[^/]+')}$`).test(path));
}

describe('menus', () => {
  const users = [{ who: 'customer', u: user('customer'), nav: customerNav }, ...ROLES.map((r) => ({ who: r, u: user('staff', [r]), nav: staffNav }))];
  for (const { who, u, nav } of users) {
    it(`offer ${who} only pages ${who} may open`, () => {
      const refused = nav
        .flatMap((g) => g.items)
        .filter((item) => mayAccess(item.access, u))
        .filter((item) => {
          const route = routeOf(item.to);
          return !route || !mayAccess(route.access, u);
        })
        .map((item) => item.to);
      expect(refused).toEqual([]);
    });
  }
});
