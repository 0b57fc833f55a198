/**
 * Bank statement bytes → text. Polish banks export MT940 in CP1250, CP852
 * (DOS-era MultiCash), ISO-8859-2 or UTF-8, and never say which; the file
 * does not tell, so the encoding is guessed from the Polish letters each
 * candidate decoding produces (the single-byte encodings place ą, ś, ź … at
 * different bytes, so only the right one yields Polish letters where the
 * others yield symbols and control characters).
 *
 * A further trap seen in real files: a CP852 export read as CP1250 and saved
 * as UTF-8 (ZAPŁATA becomes "ZAPťATA"). Such text is repaired when the repair
 * reads clearly better. mBank wraps its files in SOH (0x01) … ETX (0x03)
 * bytes; those are dropped here.
 */
import iconv from 'iconv-lite';

export interface DecodedText {
  text: string;
  /** 'utf-8', 'windows-1250', 'cp852', 'iso-8859-2'; 'utf-8 (cp852 repaired)' for the mojibake case. */
  encoding: string;
}

const POLISH = /[ąćęłńóśźżĄĆĘŁŃÓŚŹŻ]/gu;
// Any non-ASCII character; the Polish ones are subtracted from it below.
const NON_ASCII = /[^\x00-\x7f]/gu;
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]/gu;

/** How Polish a text reads: + for each Polish letter, − for other non-ASCII symbols and control characters. */
export function polishScore(text: string): number {
  const polish = text.match(POLISH)?.length ?? 0;
  const other = (text.match(NON_ASCII)?.length ?? 0) - polish;
  const control = text.match(CONTROL)?.length ?? 0;
  return polish - 2 * other - 3 * control;
}

const SINGLE_BYTE = ['windows-1250', 'iso-8859-2', 'cp852'] as const;

function isUtf8(bytes: Uint8Array): boolean {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    return true;
  } catch {
    return false;
  }
}

/** UTF-8 text whose letters are CP852 bytes shown as CP1250: back to the bytes, read as CP852. */
function repairCp852Mojibake(text: string): string | null {
  const bytes = iconv.encode(text, 'windows-1250');
  // Characters CP1250 cannot hold come back as '?': then this is not that mojibake.
  if (iconv.decode(bytes, 'windows-1250') !== text) return null;
  return iconv.decode(bytes, 'cp852');
}

/** Strips mBank's SOH … ETX wrapper (each statement may be wrapped) and a byte order mark. */
function unwrap(text: string): string {
  return text.replace(/^\uFEFF/, '').replace(/[\x01\x03]/g, '');
}

export function decodeStatementBytes(bytes: Uint8Array, forced?: string): DecodedText {
  if (forced) {
    if (!iconv.encodingExists(forced)) throw new RangeError(`unknown encoding ${forced}`);
    return { text: unwrap(iconv.decode(Buffer.from(bytes), forced)), encoding: forced };
  }
  const ascii = bytes.every((b) => b < 0x80);
  if (ascii) return { text: unwrap(Buffer.from(bytes).toString('latin1')), encoding: 'us-ascii' };
  if (isUtf8(bytes)) {
    const text = new TextDecoder('utf-8').decode(bytes);
    const repaired = repairCp852Mojibake(text);
    if (repaired !== null && polishScore(repaired) > polishScore(text)) {
      return { text: unwrap(repaired), encoding: 'utf-8 (cp852 repaired)' };
    }
    return { text: unwrap(text), encoding: 'utf-8' };
  }
  let best: DecodedText | null = null;
  let bestScore = -Infinity;
  // On a tie the earlier (more common) encoding wins: CP1250, then ISO-8859-2, then CP852.
  for (const enc of SINGLE_BYTE) {
    const text = iconv.decode(Buffer.from(bytes), enc);
    const score = polishScore(text);
    if (score > bestScore) {
      best = { text, encoding: enc };
      bestScore = score;
    }
  }
  return { text: unwrap(best!.text), encoding: best!.encoding };
}
