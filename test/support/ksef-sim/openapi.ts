/**
 * Request checking against the official KSeF 2.0 OpenAPI document
 * (../shared/ksef/open-api.json), the contract the simulator and the client
 * both follow. Every operation's JSON request body, path and query parameters
 * are compiled once with ajv (OpenAPI 3.0 schemas are JSON Schema draft-04-ish
 * plus `nullable`, which ajv supports; ajv-formats knows int32/int64/byte/date-time).
 * A request that does not match answers 400 with code 21405
 * "Błąd walidacji danych wejściowych." and ajv's messages as details,
 * which is what the API lists for every operation.
 */
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';

// ajv-formats is CommonJS with a default export; under NodeNext-style interop it arrives wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => Ajv;

type Json = Record<string, unknown>;

export interface OperationCheck {
  /** Rate limits of the operation as the spec's x-rate-limits (production values). */
  rateLimits?: { perSecond?: number; perMinute?: number; perHour?: number };
  /** The operation needs a Bearer token (its `security`). */
  secured: boolean;
  body?: ValidateFunction;
  params?: ValidateFunction;
  query?: ValidateFunction;
}

export interface OpenApiChecker {
  /** The checks of `METHOD /path/{param}` as written in the spec, or undefined when the spec has no such operation. */
  operation(method: string, specPath: string): OperationCheck | undefined;
  /** ajv's errors as short texts for the `details` of a 21405 answer. */
  describe(v: ValidateFunction): string[];
}

/** Rewrites local refs to point into the document registered under `doc`. */
function rebase(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rebase);
  if (node && typeof node === 'object') {
    const out: Json = {};
    for (const [k, v] of Object.entries(node as Json)) {
      if (k === '$ref' && typeof v === 'string' && v.startsWith('#/')) out[k] = `openapi.json${v}`;
      else if (k === 'example' || k === 'examples') continue;
      else out[k] = rebase(v);
    }
    // ajv accepts OpenAPI's `nullable` only beside a `type`; `allOf: [$ref], nullable` becomes "that or null".
    if (out.nullable === true && out.type === undefined) {
      const { nullable: _n, ...rest } = out;
      return { anyOf: [rest, { type: 'null' }] };
    }
    return out;
  }
  return node;
}

const cache = new Map<string, OpenApiChecker>();

export function loadOpenApi(specFile: string): OpenApiChecker {
  const known = cache.get(specFile);
  if (known) return known;
  const spec = JSON.parse(readFileSync(specFile, 'utf8')) as { paths: Record<string, Record<string, Json>>; components: Json };
  // The spec's patterns are .NET regexes (e.g. `\ ` inside a class), valid without the `u` flag only.
  const ajvOptions = { strict: false, allErrors: true, validateFormats: true, unicodeRegExp: false } as const;
  const ajv = new Ajv(ajvOptions);
  addFormats(ajv);
  ajv.addSchema({ $id: 'openapi.json', components: rebase(spec.components) } as Json);
  // Query strings arrive as text (and a repeated key as a list): a second instance coerces numbers,
  // booleans and single values to lists, like an ASP.NET binder.
  const ajvQuery = new Ajv({ ...ajvOptions, coerceTypes: 'array' });
  addFormats(ajvQuery);
  ajvQuery.addSchema({ $id: 'openapi.json', components: rebase(spec.components) } as Json);

  // Compiled on first use: most of the spec's 80 operations are never called.
  const ops = new Map<string, OperationCheck>();
  const compile = (key: string): OperationCheck | undefined => {
    const [m, p] = [key.slice(0, key.indexOf(' ')).toLowerCase(), key.slice(key.indexOf(' ') + 1)];
    const op = spec.paths[p]?.[m];
    if (!op) return undefined;
    const check: OperationCheck = { secured: Array.isArray(op.security) && op.security.length > 0 };
    const rl = op['x-rate-limits'] as OperationCheck['rateLimits'];
    if (rl) check.rateLimits = rl;
    const body = (op.requestBody as Json | undefined)?.content as Record<string, { schema?: Json }> | undefined;
    const jsonSchema = body?.['application/json']?.schema;
    if (jsonSchema) check.body = ajv.compile(rebase(jsonSchema) as Json);
    const params = (op.parameters as Array<{ name: string; in: string; required?: boolean; schema: Json }> | undefined) ?? [];
    for (const where of ['path', 'query'] as const) {
      const list = params.filter((x) => x.in === where);
      if (list.length === 0) continue;
      const schema = {
        type: 'object',
        properties: Object.fromEntries(list.map((x) => [x.name, rebase(x.schema)])),
        required: list.filter((x) => x.required).map((x) => x.name),
      };
      check[where === 'path' ? 'params' : 'query'] = (where === 'query' ? ajvQuery : ajv).compile(schema);
    }
    ops.set(key, check);
    return check;
  };
  const checker: OpenApiChecker = {
    operation: (method, specPath) => { const key = `${method.toUpperCase()} ${specPath}`; return ops.get(key) ?? compile(key); },
    describe: (v) => (v.errors ?? []).map((e) => `${e.instancePath || '(root)'} ${e.message ?? 'is invalid'}${e.params && 'missingProperty' in e.params ? `: ${String(e.params.missingProperty)}` : ''}`),
  };
  cache.set(specFile, checker);
  return checker;
}
