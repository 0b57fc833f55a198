/**
 * The utility's own look (GET /api/utility): name, logo and colours. The
 * colours become CSS variables, adjusted for WCAG AA contrast (lib/color.ts).
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { api } from './api/client.ts';
import type { Utility } from './api/types.ts';
import { brandColours } from './lib/color.ts';

const BrandingContext = createContext<Utility | null>(null);

export function BrandingProvider({ children }: { children: ReactNode }) {
  const [utility, setUtility] = useState<Utility | null>(null);
  useEffect(() => {
    api
      .get<Utility>('/api/utility')
      .then((u) => {
        setUtility(u);
        const c = brandColours(u.primaryColor, u.accentColor);
        const s = document.documentElement.style;
        s.setProperty('--brand', c.brand);
        s.setProperty('--on-brand', c.onBrand);
        s.setProperty('--brand-ink', c.brandInk);
        s.setProperty('--accent', c.accent);
        s.setProperty('--on-accent', c.onAccent);
      })
      .catch(() => setUtility(null));
  }, []);
  return <BrandingContext.Provider value={utility}>{children}</BrandingContext.Provider>;
}

export const useUtility = () => useContext(BrandingContext);

/** The logo as an image (an <img> never runs scripts an SVG might carry). */
export function Logo({ utility }: { utility: Utility }) {
  if (!utility.logoSvg) return null;
  return <img className="logo" src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(utility.logoSvg)}`} alt="" width={40} height={40} />;
}
