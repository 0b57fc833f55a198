/**
 * The utility's logo (utilities.logo_svg) drawn as vectors into a PDF. PDF
 * has no SVG, but pdfkit draws SVG path data natively (`doc.path`), so the
 * shapes a logo is made of (path, circle, ellipse, rect, line, polygon, and
 * groups of them) are drawn with their fill, stroke and width, scaled from
 * the viewBox into the box given. Text, gradients, filters and images are
 * skipped (a logo's lettering is better printed as text next to it, which the
 * invoice header does anyway). Parsed with fast-xml-parser; a logo that
 * cannot be parsed is left out rather than failing the invoice.
 */
import { XMLParser } from 'fast-xml-parser';

type Node = Record<string, unknown> & { ':@'?: Record<string, string> };
export interface Shape {
  kind: 'path' | 'circle' | 'ellipse' | 'rect' | 'line' | 'polygon' | 'polyline';
  attrs: Record<string, string>;
}
export interface ParsedLogo {
  viewBox: [number, number, number, number];
  shapes: Shape[];
}

const parser = new XMLParser({ ignoreAttributes: false, attributeNamePrefix: '', preserveOrder: true, processEntities: true });
const cache = new Map<string, ParsedLogo | null>();

export function parseLogo(svg: string): ParsedLogo | null {
  if (cache.has(svg)) return cache.get(svg)!;
  let result: ParsedLogo | null = null;
  try {
    const tree = parser.parse(svg) as Node[];
    const root = tree.find((n) => 'svg' in n);
    if (root) {
      const a = root[':@'] ?? {};
      const vb = (a.viewBox ?? `0 0 ${parseFloat(a.width ?? '100')} ${parseFloat(a.height ?? '100')}`).trim().split(/[\s,]+/).map(Number);
      const shapes: Shape[] = [];
      collect(root.svg as Node[], {}, shapes);
      if (vb.length === 4 && vb.every(Number.isFinite) && vb[2] > 0 && vb[3] > 0) result = { viewBox: vb as ParsedLogo['viewBox'], shapes };
    }
  } catch {
    result = null;
  }
  if (cache.size > 100) cache.clear();
  cache.set(svg, result);
  return result;
}

const KINDS = new Set(['path', 'circle', 'ellipse', 'rect', 'line', 'polygon', 'polyline']);
const INHERITED = ['fill', 'stroke', 'stroke-width', 'stroke-linecap', 'stroke-linejoin', 'opacity'];

function collect(children: Node[] | undefined, inherited: Record<string, string>, out: Shape[]) {
  for (const n of children ?? []) {
    const tag = Object.keys(n).find((k) => k !== ':@');
    if (!tag) continue;
    const attrs = { ...inherited, ...styleAttrs(n[':@'] ?? {}) };
    if (tag === 'g') collect(n.g as Node[], Object.fromEntries(INHERITED.filter((k) => k in attrs).map((k) => [k, attrs[k]])), out);
    else if (KINDS.has(tag)) out.push({ kind: tag as Shape['kind'], attrs });
  }
}

/** Attributes plus what a `style="fill:…"` says (style wins, as in SVG). */
function styleAttrs(a: Record<string, string>): Record<string, string> {
  const out = { ...a };
  for (const decl of (a.style ?? '').split(';')) {
    const [k, v] = decl.split(':').map((s) => s?.trim());
    if (k && v) out[k] = v;
  }
  return out;
}

const num = (s: string | undefined, d = 0) => {
  const n = parseFloat(s ?? '');
  return Number.isFinite(n) ? n : d;
};
const colour = (c: string | undefined): string | null => {
  if (!c || c === 'none' || c === 'transparent') return null;
  if (/^#[0-9a-f]{3}([0-9a-f]{3})?$/i.test(c)) return c;
  if (/^[a-z]+$/i.test(c)) return c.toLowerCase();
  return null;
};

/** Draws the logo into the box (x, y, size × size), keeping its aspect. */
export function drawLogo(doc: PDFKit.PDFDocument, svg: string | null | undefined, x: number, y: number, size: number): boolean {
  if (!svg) return false;
  const logo = parseLogo(svg);
  if (!logo || logo.shapes.length === 0) return false;
  const [vx, vy, vw, vh] = logo.viewBox;
  const scale = size / Math.max(vw, vh);
  doc.save();
  doc.translate(x + (size - vw * scale) / 2, y + (size - vh * scale) / 2).scale(scale).translate(-vx, -vy);
  for (const s of logo.shapes) {
    const a = s.attrs;
    switch (s.kind) {
      case 'path':
        if (!a.d) continue;
        doc.path(a.d);
        break;
      case 'circle':
        doc.circle(num(a.cx), num(a.cy), num(a.r));
        break;
      case 'ellipse':
        doc.ellipse(num(a.cx), num(a.cy), num(a.rx), num(a.ry));
        break;
      case 'rect':
        if (num(a.rx) > 0) doc.roundedRect(num(a.x), num(a.y), num(a.width), num(a.height), num(a.rx));
        else doc.rect(num(a.x), num(a.y), num(a.width), num(a.height));
        break;
      case 'line':
        doc.moveTo(num(a.x1), num(a.y1)).lineTo(num(a.x2), num(a.y2));
        break;
      case 'polygon':
      case 'polyline': {
        const p = (a.points ?? '').trim().split(/[\s,]+/).map(Number);
        if (p.length < 4 || p.some((v) => !Number.isFinite(v))) continue;
        doc.polygon(...Array.from({ length: p.length >> 1 }, (_, i) => [p[2 * i], p[2 * i + 1]] as [number, number]));
        break;
      }
    }
    // SVG's default fill is black; a line or an explicit fill="none" is stroked only.
    const fill = s.kind === 'line' ? null : a.fill === undefined ? 'black' : colour(a.fill);
    const stroke = colour(a.stroke);
    if (stroke) {
      doc.lineWidth(num(a['stroke-width'], 1));
      if (a['stroke-linecap'] === 'round' || a['stroke-linecap'] === 'square' || a['stroke-linecap'] === 'butt') doc.lineCap(a['stroke-linecap']);
    }
    if (fill && stroke) doc.fillAndStroke(fill, stroke);
    else if (fill) doc.fill(fill);
    else if (stroke) doc.stroke(stroke);
  }
  doc.restore();
  return true;
}
