/**
 * MT940 text → statements → tags, with the file line of each tag (for
 * messages). A tag starts a line as `:NN:` or `:NNA:`; the lines after it up to
 * the next tag are its continuation. A statement starts at :20: and ends at
 * its closing balance (:62F:/:62M:) or at a `-` line; the SWIFT envelope
 * (`{1:…}{2:…}{4:` … `-}`) some banks keep is ignored.
 */

export interface Tag {
  tag: string; // '20', '25', '28C', '60F', '61', '86', …
  /** The first line's content after the tag and the continuation lines, as they stand. */
  lines: string[];
  fileLine: number;
}

export interface RawStatement {
  tags: Tag[];
  fileLine: number;
  /** False when the text ended before the statement's closing balance. */
  closed: boolean;
}

const TAG = /^:(\d{2}[A-Z]?):(.*)$/;

/** Splits the text into statements; text outside statements (headers, envelopes, blank lines) is skipped. */
export function splitStatements(text: string): RawStatement[] {
  const lines = text.split(/\r\n|\r|\n/);
  const statements: RawStatement[] = [];
  let current: RawStatement | null = null;
  let last: Tag | null = null;
  lines.forEach((raw, i) => {
    // The envelope's block headers may sit on the line of the first tag: "{1:…}{2:…}{4:" / "-}".
    const line = raw.replace(/^(\{\d:[^{}]*\})*\{4:/, '').replace(/^-\}$/, '-');
    const m = TAG.exec(line);
    if (m) {
      if (m[1] === '20' || current === null) {
        // A new :20: starts a statement even when the previous one lacked its end.
        current = { tags: [], fileLine: i + 1, closed: false };
        statements.push(current);
      }
      last = { tag: m[1], lines: [m[2]], fileLine: i + 1 };
      current.tags.push(last);
      if (/^62[FM]$/.test(m[1])) current.closed = true;
      return;
    }
    if (line.trim() === '-' || line.trim() === '') {
      // End of a statement's text; a blank line ends a tag's continuation.
      if (line.trim() === '-') current = null;
      last = null;
      return;
    }
    if (last) (last as Tag).lines.push(line);
  });
  return statements;
}

export const firstTag = (s: RawStatement, ...names: string[]) => s.tags.find((t) => names.includes(t.tag));
