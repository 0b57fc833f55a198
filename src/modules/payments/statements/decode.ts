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

const POLISH = new Set(Array.from('ąćęłńóśźżĄĆĘŁŃÓŚŹŻ', (c) => c.charCodeAt(0)));

/** The score of one non-ASCII character: + a Polish letter, − any other symbol, more − a control character. */
function charScore(code: number): number {
  if (POLISH.has(code)) return 1;
  return code <= 0x9f || code === 0xfffd ? -5 : -2;
}

/** How Polish a text reads: + for each Polish letter, − for other non-ASCII symbols and control characters (ASCII counts nothing). */
export function polishScore(text: string): number {
  let score = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0x80) score += charScore(c);
  }
  return score;
}

const SINGLE_BYTE = ['windows-1250', 'iso-8859-2', 'cp852'] as const;

// The score of each byte 0x80–0xFF in each single-byte encoding, so a file is scored in one pass over its bytes, not decoded three times.
const byteScores = new Map<string, Int8Array>();
function scoresOf(encoding: string): Int8Array {
  let t = byteScores.get(encoding);
  if (!t) {
    t = new Int8Array(256);
    for (let b = 0x80; b <= 0xff; b++) t[b] = charScore(iconv.decode(Buffer.from([b]), encoding).charCodeAt(0));
    byteScores.set(encoding, t);
  }
  return t;
}

function scoreBytes(bytes: Uint8Array, encoding: string): number {
  const t = scoresOf(encoding);
  let score = 0;
  for (let i = 0; i < bytes.length; i++) if (bytes[i] >= 0x80) score += t[bytes[i]];
  return score;
}

function utf8(bytes: Uint8Array): string | null {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return null;
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
  const text = utf8(bytes);
  if (text !== null) {
    const repaired = repairCp852Mojibake(text);
    if (repaired !== null && polishScore(repaired) > polishScore(text)) {
      return { text: unwrap(repaired), encoding: 'utf-8 (cp852 repaired)' };
    }
    return { text: unwrap(text), encoding: 'utf-8' };
  }
  // On a tie the earlier (more common) encoding wins: CP1250, then ISO-8859-2, then CP852.
  let best: string = SINGLE_BYTE[0];
  let bestScore = -Infinity;
  for (const enc of SINGLE_BYTE) {
    const score = scoreBytes(bytes, enc);
    if (score > bestScore) {
      best = enc;
      bestScore = score;
    }
  }
  return { text: unwrap(iconv.decode(Buffer.from(bytes), best)), encoding: best };
}
