/**
 * The consumption chart of the last billing periods, drawn as vectors (bars,
 * an axis, labels): no raster, so it prints sharp and adds little to the
 * file. Every bar carries its figure as text too, so the chart is also its
 * own table (and the PDF's text says the same as the picture).
 */
import { formatNumber } from '../../../lib/polish-format.ts';

export interface PeriodConsumption {
  from: string;
  to: string;
  /** m³ in thousandths. */
  volume: number;
  estimated: boolean;
  /** The period of the invoice being printed (drawn in the utility's colour). */
  current?: boolean;
}

/** "01–02.2026" for a period inside one year, else "12.2025–01.2026". */
export function periodLabel(from: string, to: string): string {
  const [fy, fm] = from.split('-');
  const [ty, tm] = to.split('-');
  if (fy === ty) return fm === tm ? `${fm}.${fy}` : `${fm}–${tm}.${ty}`;
  return `${fm}.${fy}–${tm}.${ty}`;
}

export function drawConsumptionChart(
  doc: PDFKit.PDFDocument,
  periods: readonly PeriodConsumption[],
  box: { x: number; y: number; width: number; height: number },
  colours: { primary: string; muted: string },
): void {
  const { x, y, width, height } = box;
  doc.font('bold').fontSize(8.5).fillColor('black').text(width < 160 ? 'Zużycie wody [m³]' : 'Zużycie wody w okresach [m³]', x, y, { width, height: 11, ellipsis: true });
  const top = y + 16;
  const bottom = y + height - 16;
  const shown = periods.slice(-8);
  if (shown.length === 0) {
    doc.font('regular').fontSize(8).text('Brak wcześniejszych okresów.', x, top + 10, { width, lineBreak: false });
    return;
  }
  const max = Math.max(1, ...shown.map((p) => p.volume));
  const slot = width / shown.length;
  const barWidth = Math.min(36, slot * 0.6);
  doc.lineWidth(0.5).strokeColor('#888888').moveTo(x, bottom).lineTo(x + width, bottom).stroke();
  shown.forEach((p, i) => {
    const h = Math.max(0.5, ((bottom - top - 12) * Math.max(0, p.volume)) / max);
    const bx = x + i * slot + (slot - barWidth) / 2;
    doc.rect(bx, bottom - h, barWidth, h).fill(p.current ? colours.primary : colours.muted);
    if (p.estimated) {
      // Estimated periods are outlined with a dashed line as well as marked with an asterisk.
      doc.save().dash(2, { space: 1.5 }).lineWidth(0.8).rect(bx, bottom - h, barWidth, h).stroke('#333333').undash().restore();
    }
    doc.font('regular').fontSize(6.5).fillColor('black');
    doc.text(`${formatNumber(p.volume / 1000, 'pl', 1)}${p.estimated ? '*' : ''}`, x + i * slot, bottom - h - 9, { width: slot, height: 9, align: 'center', ellipsis: true });
    doc.text(periodLabel(p.from, p.to), x + i * slot, bottom + 3, { width: slot, height: 9, align: 'center', ellipsis: true });
  });
  if (shown.some((p) => p.estimated)) {
    doc.fontSize(6.5).text('* zużycie szacunkowe', x, bottom + 11, { width, height: 9, ellipsis: true });
  }
}
