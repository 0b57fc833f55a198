/** KSeF FA(3) structured invoices: the XML for an invoice document, and its validation against the official schema. */
export { buildFa3, FA3_NAMESPACE, formatGrosze, formatThousandths } from './build.ts';
export { assertValidFa3, defaultFa3SchemaDir, validateFa3, type Fa3Problem, type Fa3Result } from './validate.ts';
