/**
 * DejaVu Sans (the dejavu-fonts-ttf package), embedded in every invoice PDF:
 * PDF's standard fonts cannot show Polish letters (ą, ł, ż…) and would print
 * garbage without any error. pdfkit embeds only the glyphs a document uses.
 *
 * Speed: pdfkit parses a TrueType font anew for every document (fontkit
 * decodes its tables, GSUB/GPOS included), which costs tens of
 * milliseconds, more than drawing a whole invoice. So the parsed fonts are
 * made once per process and each new document gets its own pdfkit font
 * object (its own subset and widths) around the shared parsed font, together
 * with a shared text-layout cache that is emptied when it grows large (the
 * print batch draws thousands of invoices). This reaches into pdfkit's
 * document internals (`_fontFamilies`, `_fontCount`); should a pdfkit
 * upgrade change them, `installFonts` falls back to plain `registerFont`
 * (slower, same output), and the invoice tests still pass.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import PDFDocument from 'pdfkit';

const fontDir = path.join(path.dirname(createRequire(import.meta.url).resolve('dejavu-fonts-ttf/package.json')), 'ttf');
const FACES = { regular: 'DejaVuSans.ttf', bold: 'DejaVuSans-Bold.ttf' } as const;
type Face = keyof typeof FACES;

interface Internals {
  _fontFamilies: Record<string, unknown>;
  _fontCount: number;
  _font: { constructor: new (doc: unknown, font: unknown, id: string) => { layoutCache?: Record<string, unknown> }; font: unknown };
}

let bytes: Record<Face, Buffer> | undefined;
let shared: { make: Internals['_font']['constructor']; parsed: Record<Face, unknown> } | null | undefined;
// One cache per face: a run laid out in one face holds that face's glyph ids.
const newCaches = (): Record<Face, Record<string, unknown>> => ({ regular: Object.create(null), bold: Object.create(null) });
let layoutCaches = newCaches();
let layoutEntries = 0;
const LAYOUT_CACHE_MAX = 20_000;

function load(): Record<Face, Buffer> {
  return (bytes ??= { regular: readFileSync(path.join(fontDir, FACES.regular)), bold: readFileSync(path.join(fontDir, FACES.bold)) });
}

function probe() {
  if (shared !== undefined) return shared;
  try {
    const doc = new PDFDocument({ autoFirstPage: false }) as unknown as PDFKit.PDFDocument & Internals;
    const parsed = {} as Record<Face, unknown>;
    let make: Internals['_font']['constructor'] | undefined;
    for (const face of Object.keys(FACES) as Face[]) {
      doc.registerFont(face, load()[face]);
      doc.font(face);
      parsed[face] = doc._font.font;
      make = doc._font.constructor;
    }
    shared = make && parsed.regular && parsed.bold ? { make, parsed } : null;
  } catch {
    shared = null;
  }
  return shared;
}

/** Makes the faces 'regular' and 'bold' available in a new document. */
export function installFonts(doc: PDFKit.PDFDocument): void {
  const f = load();
  for (const face of Object.keys(FACES) as Face[]) doc.registerFont(face, f[face]);
  const s = probe();
  const d = doc as unknown as Internals;
  if (!s || typeof d._fontFamilies !== 'object' || typeof d._fontCount !== 'number') return;
  for (const face of Object.keys(FACES) as Face[]) {
    const font = new s.make(doc, s.parsed[face], `F${++d._fontCount}`);
    if (font.layoutCache) font.layoutCache = layoutCaches[face];
    d._fontFamilies[face] = font;
  }
}

/** Called between invoices of a long document: bounds the memory the layout cache holds. */
export function trimLayoutCache(doc: PDFKit.PDFDocument): void {
  layoutEntries += 100;
  if (layoutEntries < LAYOUT_CACHE_MAX) return;
  layoutEntries = 0;
  layoutCaches = newCaches();
  const d = doc as unknown as Internals;
  for (const face of Object.keys(FACES) as Face[]) {
    const font = d._fontFamilies?.[face] as { layoutCache?: Record<string, unknown> } | undefined;
    if (font?.layoutCache) font.layoutCache = layoutCaches[face];
  }
}
