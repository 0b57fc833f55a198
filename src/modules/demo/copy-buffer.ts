/**
 * COPY text rows written straight into bytes. The readings are millions of
 * rows; as JS strings they would be millions of small objects surviving
 * until the COPY, and the garbage collector would cost more than the
 * generating. Only ASCII is written here (digits, fixed words).
 */
export class CopyBuffer {
  private buf = Buffer.allocUnsafe(1 << 20);
  length = 0;
  rows = 0;

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

  /** An instant as 'YYYY-MM-DD HH:MM:SS+00'. */
  timestamp(ms: number, sep = 9): this {
    const d = new Date(ms);
    this.room(24);
    const b = this.buf;
    let p = this.length;
    const two = (n: number) => {
      b[p++] = 48 + Math.floor(n / 10);
      b[p++] = 48 + (n % 10);
    };
    const y = d.getUTCFullYear();
    two(Math.floor(y / 100));
    two(y % 100);
    b[p++] = 45;
    two(d.getUTCMonth() + 1);
    b[p++] = 45;
    two(d.getUTCDate());
    b[p++] = 32;
    two(d.getUTCHours());
    b[p++] = 58;
    two(d.getUTCMinutes());
    b[p++] = 58;
    two(d.getUTCSeconds());
    b[p++] = 43;
    two(0);
    b[p++] = sep;
    this.length = p;
    return this;
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.length);
  }

  reset(): void {
    this.length = 0;
    this.rows = 0;
  }
}
