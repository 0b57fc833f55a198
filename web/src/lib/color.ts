/**
 * Contrast arithmetic of WCAG 2.1 (relative luminance, contrast ratio), so
 * that a utility's own colours never make text unreadable: text on the brand
 * colour is black or white, whichever contrasts more, and the brand colour
 * used for links and buttons on white is darkened until it reaches 4.5:1.
 */

export type Rgb = [number, number, number];

export function parseHex(hex: string): Rgb | undefined {
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(hex.trim());
  if (!m) return undefined;
  const h = m[1].length === 3 ? [...m[1]].map((c) => c + c).join('') : m[1];
  return [0, 2, 4].map((i) => parseInt(h.slice(i, i + 2), 16)) as Rgb;
}

export const toHex = (rgb: Rgb) => `#${rgb.map((c) => Math.round(c).toString(16).padStart(2, '0')).join('')}`;

export function luminance([r, g, b]: Rgb): number {
  const lin = (c: number) => {
    const s = c / 255;
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
}

export function contrast(a: Rgb, b: Rgb): number {
  const [l1, l2] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (l1 + 0.05) / (l2 + 0.05);
}

const WHITE: Rgb = [255, 255, 255];
const INK: Rgb = [17, 24, 39];

/** The text colour (white or near-black) that reads best on `bg`. */
export function textOn(bg: Rgb): string {
  return contrast(bg, WHITE) >= contrast(bg, INK) ? '#ffffff' : toHex(INK);
}

/** `color` darkened step by step until it has at least `ratio` against `bg` (white by default). */
export function darkenTo(color: Rgb, ratio = 4.5, bg: Rgb = WHITE): Rgb {
  let c: Rgb = [...color];
  for (let i = 0; i < 40 && contrast(c, bg) < ratio; i++) c = c.map((v) => v * 0.92) as Rgb;
  return c;
}

export interface BrandColours {
  brand: string;
  onBrand: string;
  /** Brand colour usable for text and outlines on white (≥ 4.5:1). */
  brandInk: string;
  accent: string;
  onAccent: string;
}

export function brandColours(primary: string, accent: string): BrandColours {
  const p = parseHex(primary) ?? parseHex('#0b5cad')!;
  const a = parseHex(accent) ?? parseHex('#00897b')!;
  return { brand: toHex(p), onBrand: textOn(p), brandInk: toHex(darkenTo(p)), accent: toHex(a), onAccent: textOn(a) };
}
