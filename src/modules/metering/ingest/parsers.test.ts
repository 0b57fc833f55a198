import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { parseKeyFile } from './keys.ts';
import { readLines, MAX_LINE } from './line-reader.ts';
import { parseMqttPayload, subscriptionOf, topicParts } from './mqtt-payload.ts';
import { assessReading, averageDaily } from './plausibility.ts';
import { parseWalkbyLine } from './walkby-format.ts';
import { transitions } from './alarms.ts';

const HEX = '2E4401067856341201077A07002005376BF74A209B06A7B962D579CB8EE778458B1D3C7D077FD67FC17DBF4B6CC62E';

describe('walk-by line formats', () => {
  it('reads bare hex, upper or lower case, with 0x', () => {
    expect(parseWalkbyLine(HEX)).toEqual({ kind: 'telegram', hex: HEX });
    expect(parseWalkbyLine(HEX.toLowerCase())).toEqual({ kind: 'telegram', hex: HEX });
    expect(parseWalkbyLine(`0x${HEX}\r`)).toEqual({ kind: 'telegram', hex: HEX });
  });

  it('reads timestamp;rssi;hex and its variants', () => {
    const want = { kind: 'telegram', hex: HEX, receivedAt: new Date('2026-11-25T08:15:02Z'), rssi: -71 };
    expect(parseWalkbyLine(`2026-11-25T08:15:02Z;-71;${HEX}`)).toEqual(want);
    expect(parseWalkbyLine(`2026-11-25T08:15:02Z,-71,${HEX}`)).toEqual(want);
    expect(parseWalkbyLine(`2026-11-25T08:15:02Z\t-71\t${HEX}`)).toEqual(want);
    expect(parseWalkbyLine(`${HEX} -71dBm 2026-11-25T09:15:02+01:00`)).toEqual(want);
    // Without a zone: Warsaw civil time (CET in November).
    expect(parseWalkbyLine(`2026-11-25 09:15:02 -71 ${HEX}`)).toEqual(want);
    expect(parseWalkbyLine(`2026-07-01 10:00:00;${HEX}`)).toEqual({ kind: 'telegram', hex: HEX, receivedAt: new Date('2026-07-01T08:00:00Z') });
  });

  it('refuses a day that does not exist instead of rolling it into the next month', () => {
    for (const line of [`2026-02-30T08:15:02Z;-71;${HEX}`, `2026-02-29 09:15:02 -71 ${HEX}`, `2026-04-31 10:00:00;${HEX}`, `${HEX} -71dBm 2026-06-31T09:15:02+02:00`]) {
      expect(parseWalkbyLine(line), line).toEqual({ kind: 'bad', reason: expect.stringContaining('unreadable timestamp') });
    }
    // 2028 is a leap year.
    expect(parseWalkbyLine(`2028-02-29T08:15:02Z;-71;${HEX}`)).toMatchObject({ kind: 'telegram', receivedAt: new Date('2028-02-29T08:15:02Z') });
  });

  it('reads hex written as spaced bytes', () => {
    const spaced = HEX.match(/../g)!.join(' ');
    expect(parseWalkbyLine(spaced)).toEqual({ kind: 'telegram', hex: HEX });
  });

  it('reads rtl_wmbus lines and refuses their CRC failures', () => {
    const line = `T1;1;1;2019-04-17 09:47:37.000;97;148;12345678;0x${HEX.toLowerCase()}`;
    expect(parseWalkbyLine(line)).toEqual({ kind: 'telegram', hex: HEX, receivedAt: new Date('2019-04-17T07:47:37Z') });
    expect(parseWalkbyLine(line.replace('T1;1;1', 'T1;0;1'))).toEqual({ kind: 'bad', reason: expect.stringContaining('CRC') });
    expect(parseWalkbyLine(`C1;1;1;2019-04-17 09:47:37.000;97;148;12345678;0x${HEX}`).kind).toBe('telegram');
  });

  it('reads the wmbusmeters telegram log with _ and + inside', () => {
    const split = `${HEX.slice(0, 22)}_${HEX.slice(22, 40)}+${HEX.slice(40)}`;
    expect(parseWalkbyLine(`(wmbus) telegram=|${split}|+34`)).toEqual({ kind: 'telegram', hex: HEX });
    expect(parseWalkbyLine(`[2026-11-25 09:15:02] telegram=|${HEX}|`)).toEqual({ kind: 'telegram', hex: HEX, receivedAt: new Date('2026-11-25T08:15:02Z') });
    expect(parseWalkbyLine('telegram=|2E44').kind).toBe('bad');
  });

  it('skips blanks, comments and a header line; reports garbage with a reason', () => {
    expect(parseWalkbyLine('')).toEqual({ kind: 'skip' });
    expect(parseWalkbyLine('# walk-by 2026-11-25')).toEqual({ kind: 'skip' });
    expect(parseWalkbyLine('timestamp;rssi;telegram', 1)).toEqual({ kind: 'skip' });
    expect(parseWalkbyLine('timestamp;rssi;telegram', 7).kind).toBe('bad');
    expect(parseWalkbyLine('hello world')).toEqual({ kind: 'bad', reason: 'no telegram in the line' });
    expect(parseWalkbyLine(HEX.slice(1))).toEqual({ kind: 'bad', reason: 'odd number of hex digits' });
    expect(parseWalkbyLine('2E44AB')).toEqual({ kind: 'bad', reason: 'too short for a telegram' });
    expect(parseWalkbyLine(`2026-13-45T99:00:00;${HEX}`).kind).toBe('bad');
    expect(parseWalkbyLine(`${HEX};banana`)).toEqual({ kind: 'bad', reason: 'unexpected field "banana"' });
  });
});

async function collect(chunks: Array<Buffer | string>) {
  const out: Array<{ no: number; text: string | null }> = [];
  for await (const g of readLines((async function* () { yield* chunks; })())) out.push(...g);
  return out;
}

describe('streaming lines', () => {
  it('splits across chunk borders, handles CRLF and a last line without newline', async () => {
    expect(await collect(['ab', 'c\r\nde', 'f\n\ngh'])).toEqual([
      { no: 1, text: 'abc' },
      { no: 2, text: 'def' },
      { no: 3, text: '' },
      { no: 4, text: 'gh' },
    ]);
  });

  it('unpacks gzip on the fly', async () => {
    const gz = gzipSync(Buffer.from('one\ntwo\n'));
    expect(await collect([gz.subarray(0, 5), gz.subarray(5)])).toEqual([
      { no: 1, text: 'one' },
      { no: 2, text: 'two' },
    ]);
  });

  it('cuts an overlong line instead of buffering it', async () => {
    const long = 'x'.repeat(MAX_LINE * 3);
    expect(await collect([long.slice(0, 5000), long.slice(5000), '\nok'])).toEqual([
      { no: 1, text: null },
      { no: 2, text: 'ok' },
    ]);
  });

  it('refuses a broken gzip with a clear error', async () => {
    const gz = gzipSync(Buffer.from('one\ntwo\n'.repeat(100)));
    await expect(collect([gz.subarray(0, 20)])).rejects.toMatchObject({ code: 'walkby.bad_gzip' });
  });
});

describe('plausibility', () => {
  const day = 86_400_000;
  const h = { last: { at: 100 * day, valueM3: 50 }, avgDailyM3: 0.2 };
  it('accepts a normal increase and an equal value', () => {
    expect(assessReading(h, 110 * day, 52).status).toBe('accepted');
    expect(assessReading(h, 110 * day, 50).status).toBe('accepted');
  });
  it('holds a decrease and a spike', () => {
    expect(assessReading(h, 110 * day, 49.9)).toMatchObject({ status: 'pending', reason: expect.stringContaining('lower') });
    expect(assessReading(h, 110 * day, 50 + 0.2 * 10 * 10 + 0.5)).toMatchObject({ status: 'pending', reason: expect.stringContaining('10×') });
  });
  it('holds an older telegram above the later reading', () => {
    expect(assessReading(h, 90 * day, 51).status).toBe('pending');
    expect(assessReading(h, 90 * day, 49).status).toBe('accepted');
  });
  it('needs a week of history for an average', () => {
    expect(averageDaily({ at: 0, valueM3: 1 }, { at: 3 * day, valueM3: 2 })).toBeNull();
    expect(averageDaily({ at: 0, valueM3: 1 }, { at: 10 * day, valueM3: 3 })).toBeCloseTo(0.2);
  });
});

describe('alarm episodes', () => {
  it('starts on the first flag, ends on the first later telegram without it, ignores older ones', () => {
    const s = new Map();
    expect(transitions(s, 10, ['leak'])).toEqual({ start: ['leak'], end: [] });
    s.set('leak', { active: true, changedAt: 10 });
    expect(transitions(s, 20, ['leak'])).toEqual({ start: [], end: [] });
    expect(transitions(s, 5, [])).toEqual({ start: [], end: [] });
    expect(transitions(s, 30, [])).toEqual({ start: [], end: ['leak'] });
  });
});

describe('key files', () => {
  const K = '00112233445566778899AABBCCDDEEFF';
  it('reads comma and semicolon files with an optional header', () => {
    const r = parseKeyFile(`radio_id;key;manufacturer\n12345678;${K};apa\n87654321,${K}\n`);
    expect(r.problems).toEqual([]);
    expect(r.keys.map((k) => [k.line, k.radioId, k.manufacturer])).toEqual([
      [2, '12345678', 'APA'],
      [3, '87654321', ''],
    ]);
  });
  it('reports bad lines by number and never quotes a key', () => {
    const r = parseKeyFile(`12345678,${K}\n1234,${K}\n12345679,${K.slice(2)}\n12345678,${K}\n`);
    expect(r.problems.map((p) => [p.line, p.code])).toEqual([
      [2, 'keys.radio_id'],
      [3, 'keys.key'],
      [4, 'keys.duplicate'],
    ]);
    expect(JSON.stringify(r.problems)).not.toContain(K.slice(2));
  });
});

describe('MQTT payloads and topics', () => {
  const now = new Date('2026-11-25T10:00:00Z');
  it('reads hex, JSON and arrays', () => {
    expect(parseMqttPayload(HEX, now).telegrams).toEqual([{ hex: HEX, receivedAt: now }]);
    expect(parseMqttPayload(JSON.stringify({ hex: HEX.toLowerCase(), rssi: -70, received_at: '2026-11-25T09:00:00Z' }), now).telegrams).toEqual([
      { hex: HEX, receivedAt: new Date('2026-11-25T09:00:00Z'), rssi: -70 },
    ]);
    expect(parseMqttPayload(JSON.stringify([{ hex: HEX }, { hex: 'zz' }]), now)).toMatchObject({ telegrams: [{ hex: HEX }], problems: [expect.any(String)] });
    expect(parseMqttPayload('{nope', now)).toEqual({ telegrams: [], problems: ['invalid JSON'] });
  });
  it('turns placeholders into wildcards and reads them back', () => {
    const p = 'wodnik/{utility}/gateways/{gateway}/telegrams';
    expect(subscriptionOf(p)).toBe('wodnik/+/gateways/+/telegrams');
    expect(topicParts(p, 'wodnik/zgk/gateways/gw-7/telegrams')).toEqual({ utility: 'zgk', gateway: 'gw-7' });
    expect(topicParts(p, 'other/zgk/gateways/gw-7/telegrams')).toBeNull();
  });
});
