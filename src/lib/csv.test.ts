import { describe, expect, it } from 'vitest';
import { csvTable } from './csv.ts';

describe('csvTable', () => {
  it('writes a BOM, semicolons and CRLF, and quotes only what needs it', () => {
    expect(csvTable([['Numer', 'Adres'], ['A1', 'ul. Długa 1; m. 2'], ['B"2', null], [3, 'dwie\nlinie']])).toBe(
      '\uFEFFNumer;Adres\r\nA1;"ul. Długa 1; m. 2"\r\n"B""2";\r\n3;"dwie\nlinie"\r\n',
    );
  });
});
