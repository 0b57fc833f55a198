/**
 * Validation of FA(3) XML against the official schema, in-process, with
 * libxml2 compiled to WebAssembly (libxml2-wasm): the same validator as
 * `xmllint --schema`, no native build, no network. The KSeF sender validates
 * every file before sending it; the tests validate every kind of invoice.
 *
 * The official schema is used unedited. It imports StrukturyDanych by an
 * absolute http URL (and that file includes its neighbours by relative
 * name, which resolve against the same URL); libxml2-wasm has no XML
 * catalog, so an input provider serves those URLs from the local copies in
 * `bazowe/`. Nothing is fetched from the net: a URL not in the map is not
 * matched and the schema fails to compile.
 *
 * The schema directory is `WODNIK_FA3_SCHEMA_DIR`, else `../shared/ksef/schemy/FA`
 * beside the checkout (where the MF files are kept, see README).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { XmlBufferInputProvider, XmlDocument, XmlLibError, XsdValidator, xmlRegisterInputProvider } from 'libxml2-wasm';
import { AppError } from '../../../lib/errors.ts';

export const FA3_SCHEMA_FILE = 'schemat_FA(3)_v1-0E.xsd';
const IMPORTED_BASE = 'http://crd.gov.pl/xml/schematy/dziedzinowe/mf/2022/01/05/eD/DefinicjeTypy/';
const IMPORTED_FILES = ['StrukturyDanych_v10-0E.xsd', 'ElementarneTypyDanych_v10-0E.xsd', 'KodyKrajow_v10-0E.xsd'];

export interface Fa3Problem {
  message: string;
  line?: number;
  path?: string;
}
export type Fa3Result = { valid: true } | { valid: false; problems: Fa3Problem[] };

export function defaultFa3SchemaDir(): string {
  const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../../..');
  return process.env.WODNIK_FA3_SCHEMA_DIR ?? path.resolve(root, '../shared/ksef/schemy/FA');
}

let defaultDir: string | undefined;
let provider: XmlBufferInputProvider | null = null;
const validators = new Map<string, XsdValidator>();

/** The compiled schema of a directory (compiled once per process: ~0.2 s). */
function validatorFor(schemaDir: string): XsdValidator {
  const known = validators.get(schemaDir);
  if (known) return known;
  let schemaBytes: Buffer;
  const imported: Record<string, Uint8Array> = {};
  try {
    schemaBytes = readFileSync(path.join(schemaDir, FA3_SCHEMA_FILE));
    for (const f of IMPORTED_FILES) imported[IMPORTED_BASE + f] = readFileSync(path.join(schemaDir, 'bazowe', f));
  } catch (e) {
    throw new AppError('unavailable', 'fa3.schema_missing', {
      pl: `Brak plików schematu FA(3) w katalogu ${schemaDir}.`,
      en: `The FA(3) schema files are missing from ${schemaDir}.`,
    }, { cause: (e as Error).message });
  }
  // One provider for the process (libxml2's input callbacks are global); the
  // imported files are the same for every copy of the schema.
  if (provider === null) {
    provider = new XmlBufferInputProvider(imported);
    xmlRegisterInputProvider(provider);
  }
  const schemaDoc = XmlDocument.fromBuffer(schemaBytes, { url: path.join(schemaDir, FA3_SCHEMA_FILE) });
  try {
    const v = XsdValidator.fromDoc(schemaDoc);
    validators.set(schemaDir, v);
    return v;
  } finally {
    schemaDoc.dispose();
  }
}

const problemsOf = (e: unknown): Fa3Problem[] => {
  // Parse errors (not well-formed) and validation errors both carry libxml2's details.
  if (e instanceof XmlLibError) {
    return e.details.map((d) => ({ message: d.message.trim(), line: d.line, ...(d.xpath ? { path: d.xpath } : {}) }));
  }
  throw e;
};

/** Whether the bytes are a well-formed FA(3) invoice valid against the schema, with libxml2's messages when not. */
export function validateFa3(xml: Uint8Array, schemaDir?: string): Fa3Result {
  // The default directory is resolved once: resolving paths per call cost 2 % of a validation.
  const validator = validatorFor(schemaDir ?? (defaultDir ??= defaultFa3SchemaDir()));
  let doc: XmlDocument;
  try {
    doc = XmlDocument.fromBuffer(xml);
  } catch (e) {
    return { valid: false, problems: problemsOf(e) };
  }
  try {
    validator.validate(doc);
    return { valid: true };
  } catch (e) {
    return { valid: false, problems: problemsOf(e) };
  } finally {
    doc.dispose();
  }
}

/** validateFa3 for callers that stop on an invalid file (the sender): an AppError with libxml2's messages. */
export function assertValidFa3(xml: Uint8Array, schemaDir?: string): void {
  const r = validateFa3(xml, schemaDir);
  if (!r.valid) {
    throw new AppError('bad_request', 'fa3.schema_invalid', {
      pl: `Plik FA(3) nie jest zgodny ze schematem: ${r.problems[0]?.message ?? ''}`,
      en: `The FA(3) file does not conform to the schema: ${r.problems[0]?.message ?? ''}`,
    }, { problems: r.problems });
  }
}
