/**
 * bytea values as read from the database. The `pg` driver returns a Buffer,
 * PGlite a plain Uint8Array: `.toString('hex')` on the latter ignores its
 * argument and gives "1,2,3", and `Buffer.isBuffer` is false. Every bytea
 * read goes through these (src/db/types.ts types bytea as Uint8Array, so
 * the compiler refuses Buffer methods on a column value).
 */

/** The same bytes as a Buffer, without copying (any Uint8Array: a bytea value, a stream chunk). */
export function asBuffer(v: Uint8Array): Buffer {
  return Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.byteLength);
}

/** Lower-case hex of the bytes, on either engine. */
export const hexOf = (v: Uint8Array): string => asBuffer(v).toString('hex');
