/**
 * COPY text rows written straight into bytes. The demo readings and a
 * walk-by import's telegrams are millions of rows; as JS strings they would
 * be millions of small objects surviving until the COPY (and copied again
 * between threads and into the socket), and the garbage collector would cost
 * more than the work. Only ASCII is written here (digits, hex, fixed words);
 * text that may need COPY escapes goes through copyValue first.
 */
import { copyValue } from './copy-text.ts';

export class CopyBuffer {
  private buf: Buffer;
  length = 0;
  rows = 0;
  private lastStampMs = NaN;
  private readonly lastStamp = Buffer.alloc(32);
  private lastStampLength = 0;

  constructor(capacity = 1 << 20) {
    this.buf = Buffer.allocUnsafe(Math.max(capacity, 64));
  }

  private room(n: number): void {
    if (this.length + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.length + n));
    this.buf.copy(next, 0, 0, this.length);
    this.buf = next;
  }

  /** A non-negative integer and a separator (9 tab, 10 newline). */
  int(n: number, sep = 9): this {
    this.room(24);
    if (n === 0) this.buf[this.length++] = 48;
    else {
      let digits = 0;
      for (let x = n; x > 0; x = Math.floor(x / 10)) digits++;
      for (let i = digits - 1, x = n; i >= 0; i--, x = Math.floor(x / 10)) this.buf[this.length + i] = 48 + (x % 10);
      this.length += digits;
    }
    this.buf[this.length++] = sep;
    return this;
  }

  /** Litres as m³ with three decimals ('1234.567'). */
  m3(litres: number, sep = 9): this {
    const whole = Math.floor(litres / 1000);
    const frac = litres - whole * 1000;
    this.int(whole, 46); // '.'
    this.room(4);
    this.buf[this.length++] = 48 + Math.floor(frac / 100);
    this.buf[this.length++] = 48 + (Math.floor(frac / 10) % 10);
    this.buf[this.length++] = 48 + (frac % 10);
    this.buf[this.length++] = sep;
    return this;
  }

  ascii(s: string, sep = 9): this {
    this.room(s.length + 1);
    this.length += this.buf.write(s, this.length, 'latin1');
    this.buf[this.length++] = sep;
    return this;
  }

  /** An instant as 'YYYY-MM-DD HH:MM:SS+00', with '.mmm' when it has milliseconds. */
  timestamp(ms: number, sep = 9): this {
    this.room(28);
    const b = this.buf;
    let p = this.length;
    // Rows in a row often share their instant (a receiver's second, a meter's clock minute): copy the last one.
    if (ms === this.lastStampMs) {
      b.set(this.lastStamp.subarray(0, this.lastStampLength), p);
      p += this.lastStampLength;
      b[p++] = sep;
      this.length = p;
      return this;
    }
    const start = p;
    const d = new Date(ms);
    // Two digits at a time, inline: a helper closure per call showed up in the walk-by profile.
    const y = d.getUTCFullYear();
    p = two(b, p, Math.floor(y / 100));
    p = two(b, p, y % 100);
    b[p++] = 45;
    p = two(b, p, d.getUTCMonth() + 1);
    b[p++] = 45;
    p = two(b, p, d.getUTCDate());
    b[p++] = 32;
    p = two(b, p, d.getUTCHours());
    b[p++] = 58;
    p = two(b, p, d.getUTCMinutes());
    b[p++] = 58;
    p = two(b, p, d.getUTCSeconds());
    const milli = d.getUTCMilliseconds();
    if (milli !== 0) {
      b[p++] = 46;
      b[p++] = 48 + Math.floor(milli / 100);
      p = two(b, p, milli % 100);
    }
    b[p++] = 43;
    p = two(b, p, 0);
    this.lastStampMs = ms;
    this.lastStampLength = p - start;
    b.copy(this.lastStamp, 0, start, p);
    b[p++] = sep;
    this.length = p;
    return this;
  }

  /** An integer, negative too, and a separator. */
  signed(n: number, sep = 9): this {
    if (n < 0) {
      this.room(1);
      this.buf[this.length++] = 45;
      return this.int(-n, sep);
    }
    return this.int(n, sep);
  }

  /** \N (null) and a separator. */
  nul(sep = 9): this {
    this.room(3);
    this.buf[this.length++] = 92;
    this.buf[this.length++] = 78;
    this.buf[this.length++] = sep;
    return this;
  }

  /** Any text (UTF-8), escaped for COPY, and a separator. */
  text(s: string, sep = 9): this {
    const v = copyValue(s);
    this.room(v.length * 3 + 1);
    this.length += this.buf.write(v, this.length, 'utf8');
    this.buf[this.length++] = sep;
    return this;
  }

  /** Bytes as a bytea value in COPY text ("\\x" and lower-case hex), and a separator. */
  bytea(bytes: Uint8Array, sep = 9): this {
    this.room(bytes.length * 2 + 4);
    const b = this.buf;
    let p = this.length;
    b[p++] = 92;
    b[p++] = 92;
    b[p++] = 120;
    for (let i = 0; i < bytes.length; i++) {
      const v = bytes[i];
      b[p++] = HEX[v >> 4];
      b[p++] = HEX[v & 15];
    }
    b[p++] = sep;
    this.length = p;
    return this;
  }

  /** Bytes as they are (a prefix formatted once), without a separator. */
  raw(bytes: Uint8Array): this {
    this.room(bytes.length);
    this.buf.set(bytes, this.length);
    this.length += bytes.length;
    return this;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  /** The bytes written so far in an ArrayBuffer of their own (to transfer to another thread); the buffer starts over empty. */
  take(): Uint8Array {
    const out = new Uint8Array(new ArrayBuffer(this.length));
    out.set(this.buf.subarray(0, this.length));
    this.reset();
    return out;
  }

  reset(): void {
    this.length = 0;
    this.rows = 0;
  }
}

const HEX = Buffer.from('0123456789abcdef', 'latin1');

/** Writes n (0–99) as two digits at p; returns the next position. */
function two(b: Buffer, p: number, n: number): number {
  b[p] = 48 + Math.floor(n / 10);
  b[p + 1] = 48 + (n % 10);
  return p + 2;
}
