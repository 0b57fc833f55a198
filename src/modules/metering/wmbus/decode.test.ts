/**
 * The pipeline on real telegrams (from the dev vectors, inlined here so the
 * unit tests run without ../shared): frame formats and CRCs, each security
 * layer with right, wrong and missing keys, compact frames from memory, and
 * the typed errors.
 */
import { describe, expect, it } from 'vitest';
import { createDecoder, decodeTelegram, type DecodedTelegram, type FailedTelegram } from './index.ts';
import { crc16 } from './crc.ts';
import { parseHex, toHex } from './hex.ts';
import { encryptEllTelegram, encryptLoggedTelegram, withFormatACrcs, withFormatBCrcs } from './test-frames.ts';

// Diehl Hydrus, TPL mode 5 logged decrypted (2F2F): total 1.174 m3.
const evo868 = 'ae4424347677787950077ac10000202f2f041306070000046d1e31b12104fd17000000000e787880048120004413c9040000426c9f2c840113c904000082016c9f2cd3013b9a0200c4016d0534a7218104fd280182046c9f2c840413c9040000c404131b00000084051300000000c405130000000084061300000000c406130000000084071300000000c407130000000084081300000000c408130000000084091300000000c4091300000000ffff';
const hydrus = '4E44A5116464646470077AED0040052F2F01FD08300C13741100007C1300000000FC101300000000FC201300000000726C00000B3B00000002FD748713025A6800C4016D3B177F2ACC011300020000';
// Diehl, ELL + AFL + TPL mode 7 logged decrypted: total 1.717 m3.
const mode7 = '5344A5113344334463078C002A900F002C25B7640000BAD0D4FB907B9BE17AFA003107102F2F0C131717000004FD17000000000C933C000000004C1300020000426C3F3C84046D3B375F318C0413000200002F2F';
// Kamstrup, ELL AES-CTR real ciphertext and its key.
const kamCipher = '2A442D2C998734761B168D2091D37CAC21E1D68CDAFFCD3DC452BD802913FF7B1706CA9E355D6C2701CC24';
const kamKey = '28F64A24988064A079AA2C807D6102AE';
// The same meter, logged decrypted: a full frame (CI 0x78), then a compact frame (CI 0x79).
const kamFull = '2A442D2C998734761B168D2091D37CAC21576C7802FF207100041308190000441308190000615B7F616713';
const kamCompact = '23442D2C998734761B168D2087D19EAD217F1779EDA86AB6710008190000081900007F13';
// Wired M-Bus long frame (Apator), CI 0x72.
const wired = '68565668086C7257513400010615072EF800000C7857513400046D0BAB5934041307590000023B00004413A2560000426C41340227CB0803FD175E0B0004FF0A0404010002FF0B000003FF0C9700B90F0004351BFF0001020100A716';

const key = parseHex('000102030405060708090a0b0c0d0e0f');
const ok = (r: ReturnType<typeof decodeTelegram>) => {
  if (r.error) throw new Error(`${r.error.code}: ${r.error.message}`);
  return r as DecodedTelegram;
};
const err = (r: ReturnType<typeof decodeTelegram>) => r as FailedTelegram;

describe('link layer', () => {
  it('reads identity and the generic register from a telegram without CRCs', () => {
    const r = ok(decodeTelegram(hydrus));
    expect(r.identity).toMatchObject({ manufacturer: 'DME', id: '64646464', version: 0x70, deviceType: 0x07 });
    expect(r.values.total_m3).toBe(1.174);
  });

  it('accepts frame format A and B with their CRCs and gives the same result', () => {
    const plain = ok(decodeTelegram(hydrus));
    const a = withFormatACrcs(parseHex(hydrus));
    const b = withFormatBCrcs(parseHex(hydrus));
    expect(ok(decodeTelegram(a)).values).toEqual(plain.values);
    expect(ok(decodeTelegram(b)).values).toEqual(plain.values);
    // Longer than 128 bytes: format B has a second CRC block.
    expect(ok(decodeTelegram(withFormatBCrcs(parseHex(evo868)))).values.total_m3).toBe(1.798);
    expect(ok(decodeTelegram(withFormatACrcs(parseHex(evo868)))).values.total_m3).toBe(1.798);
  });

  it('reads a frame without CRCs whose last two bytes happen to look like a format-B CRC', () => {
    // Search (deterministically) for the one-in-65,536 case: a mode-5 frame whose last two
    // ciphertext bytes equal the CRC of everything before them.
    const base = parseHex(hydrus);
    let found: Uint8Array | null = null;
    for (let n = 0; n < 1 << 22 && !found; n++) {
      const f = base.slice();
      f[11] = n & 0xff; // access number (in the IV)
      f[8] = (n >> 8) & 0xff; // version (in the IV)
      f[4] = (n >> 16) & 0xff; // lowest id byte (in the IV)
      const enc = encryptLoggedTelegram(f, key);
      if (crc16(enc, 0, enc.length - 2) === ((enc[enc.length - 2] << 8) | enc[enc.length - 1])) found = enc;
    }
    expect(found).not.toBeNull();
    const r = ok(decodeTelegram(found!, { key }));
    expect(r.values.total_m3).toBe(1.174);
    expect(r.warnings).toBeUndefined();
  });

  it('refuses a format-A frame with a broken CRC, and frames of the wrong length', () => {
    const a = withFormatACrcs(parseHex(hydrus));
    a[20] ^= 0x01;
    expect(err(decodeTelegram(a)).error.code).toBe('wmbus.crc');
    expect(err(decodeTelegram(hydrus.slice(0, -4))).error.code).toBe('wmbus.truncated');
    // Extra bytes after the L field's end (a receiver's RSSI byte): decoded without them, with a warning.
    const extra = ok(decodeTelegram(hydrus + '00C4'));
    expect(extra.values.total_m3).toBe(1.174);
    expect(extra.warnings?.[0]).toMatch(/^wmbus.length/);
    const badL = parseHex(hydrus);
    badL[0] = 5;
    expect(err(decodeTelegram(badL)).error.code).toBe('wmbus.length');
    expect(err(decodeTelegram('12')).error.code).toBe('wmbus.truncated');
    expect(err(decodeTelegram('5E44xyz')).error.code).toBe('wmbus.hex');
    expect(err(decodeTelegram('5E4')).error.code).toBe('wmbus.hex');
  });

  it('says wmbus.unknown_ci with the identity for a CI it does not know', () => {
    const b = parseHex(hydrus);
    b[10] = 0x01;
    const r = err(decodeTelegram(b));
    expect(r.error.code).toBe('wmbus.unknown_ci');
    expect(r.identity?.id).toBe('64646464');
  });

  it('reads a wired M-Bus long frame with the long header identity', () => {
    const r = ok(decodeTelegram(wired));
    expect(r.identity).toMatchObject({ id: '00345157', manufacturer: 'APA', deviceType: 0x07 });
    expect(r.values).toMatchObject({ total_m3: 22.791, target_m3: 22.178, target_date: '2026-04-01', meter_datetime: '2026-04-25 11:11' });
    const bad = parseHex(wired);
    bad[bad.length - 2] ^= 1;
    expect(err(decodeTelegram(bad)).error.code).toBe('wmbus.crc');
  });
});

describe('security', () => {
  it('mode 5: decrypts with the key, says no_key (with identity) without it and wrong_key with another', () => {
    const cipher = encryptLoggedTelegram(parseHex(hydrus), key);
    expect(toHex(cipher)).not.toBe(hydrus.toLowerCase());
    expect(ok(decodeTelegram(cipher, { key })).values.total_m3).toBe(1.174);
    expect(ok(decodeTelegram(cipher, { key: toHex(key) })).values.total_m3).toBe(1.174);
    const none = err(decodeTelegram(cipher));
    expect(none.error.code).toBe('wmbus.no_key');
    expect(none.identity?.id).toBe('64646464');
    const wrong = parseHex('ff0102030405060708090a0b0c0d0e0f');
    expect(err(decodeTelegram(cipher, { key: wrong })).error.code).toBe('wmbus.wrong_key');
  });

  it("mode 5: tries the manufacturer's published default key when the meter's own key is unknown or wrong", () => {
    const diehlDefault = parseHex('51728910e66d83f851728910e66d83f8');
    const cipher = encryptLoggedTelegram(parseHex(hydrus), diehlDefault);
    expect(ok(decodeTelegram(cipher)).values.total_m3).toBe(1.174);
    expect(ok(decodeTelegram(cipher, { key })).values.total_m3).toBe(1.174);
  });

  it('mode 5 with no block count announced decrypts every whole block', () => {
    const cipher = encryptLoggedTelegram(parseHex(hydrus), key); // all 4 blocks encrypted
    cipher[13] &= 0x0f; // CFG: 0 blocks announced (not part of the IV)
    const r = ok(decodeTelegram(cipher, { key }));
    expect(r.securityMode).toBe(5);
    expect(r.values.total_m3).toBe(1.174);
  });

  it('mode 5: a telegram logged already decrypted decodes with or without a key', () => {
    expect(ok(decodeTelegram(hydrus, { key })).values.total_m3).toBe(1.174);
  });

  it('mode 7: decrypts with the OMS key derivation from the AFL counter', () => {
    const cipher = encryptLoggedTelegram(parseHex(mode7), key);
    expect(ok(decodeTelegram(cipher, { key })).values.total_m3).toBe(1.717);
    expect(err(decodeTelegram(cipher)).error.code).toBe('wmbus.no_key');
    expect(err(decodeTelegram(cipher, { key: parseHex('00'.repeat(16)) })).error.code).toBe('wmbus.wrong_key');
    // The counter is part of the key: a different counter does not decrypt.
    const otherCounter = cipher.slice();
    otherCounter[18] ^= 1; // first byte of the AFL message counter
    expect(err(decodeTelegram(otherCounter, { key })).error.code).toBe('wmbus.wrong_key');
  });

  it('ELL AES-CTR: decrypts a real Kamstrup telegram; wrong and missing keys are typed errors', () => {
    const r = ok(decodeTelegram(kamCipher, { key: kamKey }));
    expect(r.identity.id).toBe('76348799');
    expect(r.values.total_m3).toBe(6.408);
    expect(err(decodeTelegram(kamCipher)).error.code).toBe('wmbus.no_key');
    expect(err(decodeTelegram(kamCipher, { key })).error.code).toBe('wmbus.wrong_key');
    // Forwarded by a repeater: the hop-count bit in CC is set, the IV leaves it out.
    const repeated = parseHex(kamCipher);
    repeated[11] |= 0x10;
    expect(ok(decodeTelegram(repeated, { key: kamKey })).values.total_m3).toBe(6.408);
    // Round trip of our own CTR encryption over the logged-decrypted full frame.
    const again = encryptEllTelegram(parseHex(kamFull), key);
    expect(ok(decodeTelegram(again, { key })).values.total_m3).toBe(6.408);
  });
});

describe('input bytes', () => {
  it('are never changed, also when they are a Node Buffer (format B stripping, ELL decryption)', () => {
    for (const [hex, k] of [
      [toHex(withFormatBCrcs(parseHex(hydrus))), undefined],
      [kamCipher, kamKey],
    ] as const) {
      const input = Buffer.from(hex, 'hex');
      const before = input.toString('hex');
      expect(ok(decodeTelegram(input, { key: k })).values.total_m3).toBeGreaterThan(0);
      expect(input.toString('hex')).toBe(before);
    }
  });
});

describe('decoder with memory', () => {
  it('reads a compact frame after it saw the full frame with the same format signature', () => {
    const decoder = createDecoder({ drivers: [] });
    expect(err(decodeTelegram(kamCompact, { drivers: [] })).error?.code ?? 'none').toBe('none'); // no format known: no values, no error
    const full = ok(decoder.decode(kamFull));
    expect(full.values.total_m3).toBe(6.408);
    const compact = ok(decoder.decode(kamCompact));
    expect(compact.values).toMatchObject({ total_m3: 6.408, target_m3: 6.408 });
  });

  it('reads a compact frame whose format is published (Engelmann FAW, CI 0x73 after mode-5 decryption)', () => {
    const telegram = '7644c5145528502202077320248622c5140007700060255f2aa2967eb77d0bf310341e3636d9acc17cc5d69ce5632d7b494cc0718e2dbb916bbec0c3ff2b0d6087fd0abb3ba0779564cc089e4527987ef2221d26d7ea448ca59759acfbea4e5b0026ef463592b6668fbf680896e78b461dbb77c32903e0';
    const r = ok(decodeTelegram(telegram, { key: '5CDB04C8EDFDC09EC49B5E76A24D4822', drivers: [] }));
    expect(r.values).toMatchObject({ total_m3: 253.409, target_m3: 228.854, target_date: '2025-12-31', meter_datetime: '2026-05-04 11:58' });
    expect(r.values.consumption_at_set_date_2_m3).toBe(252.159);
  });

  it('reads a compact frame whose format a driver declares, if the declaration has that signature', () => {
    const difvif = '02FF2004134413615B6167';
    const declaring = (signature: number) => ({ name: 'test-format', match: () => false, decode: () => ({}), compactFormats: [{ signature, difvif }] });
    expect(ok(decodeTelegram(kamCompact, { drivers: [] })).values.total_m3).toBeUndefined();
    expect(ok(decodeTelegram(kamCompact, { drivers: [declaring(0xa8ed)] })).values).toMatchObject({ total_m3: 6.408, target_m3: 6.408 });
    // A declaration under the wrong signature is not believed.
    const compact = parseHex(kamCompact);
    compact[20] = 0xee; // signature 0xa8ee: same data, other format
    const crc = crc16(compact, 19); // the ELL payload CRC (LSB first) must still fit
    compact[17] = crc & 0xff;
    compact[18] = crc >> 8;
    expect(ok(decodeTelegram(compact, { drivers: [declaring(0xa8ee)] })).values.total_m3).toBeUndefined();
  });

  it('looks keys up per meter id', () => {
    const cipher = encryptLoggedTelegram(parseHex(hydrus), key);
    const seen: string[] = [];
    const decoder = createDecoder({ keyFor: (id, m) => (seen.push(`${m}:${id}`), id === '64646464' ? key : null) });
    expect(ok(decoder.decode(cipher)).values.total_m3).toBe(1.174);
    expect(seen).toEqual(['DME:64646464']);
  });
});
