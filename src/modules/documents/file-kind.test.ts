import { describe, expect, it } from 'vitest';
import { formFileKind } from './file-kind.ts';

const zip = (firstName: string, content: string) => {
  const header = Buffer.alloc(30);
  header.writeUInt32LE(0x04034b50, 0);
  header.writeUInt16LE(firstName.length, 26);
  return Buffer.concat([header, Buffer.from(firstName), Buffer.from(content)]);
};

describe('formFileKind', () => {
  it('knows a PDF by its bytes and its name', () => {
    expect(formFileKind(Buffer.from('%PDF-1.7\n...'), 'wniosek.pdf')).toBe('pdf');
    expect(formFileKind(Buffer.from('%PDF-1.7\n...'), 'wniosek.PDF')).toBe('pdf');
    expect(formFileKind(Buffer.from('MZ\x90\x00'), 'wniosek.pdf')).toBeNull();
    expect(formFileKind(Buffer.from('%PDF-1.7'), 'wniosek.exe')).toBeNull();
  });
  it('knows an ODT by its mimetype entry and a DOCX by its content types', () => {
    expect(formFileKind(zip('mimetype', 'application/vnd.oasis.opendocument.text'), 'w.odt')).toBe('odt');
    expect(formFileKind(zip('mimetype', 'application/vnd.oasis.opendocument.spreadsheet'), 'w.odt')).toBeNull();
    expect(formFileKind(zip('[Content_Types].xml', '<Types/>'), 'w.docx')).toBe('docx');
    expect(formFileKind(zip('readme.txt', 'hello'), 'w.docx')).toBeNull();
    expect(formFileKind(Buffer.from('plain text'), 'w.docx')).toBeNull();
  });
});
