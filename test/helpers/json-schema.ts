/**
 * A validator for the part of JSON Schema (2020-12) that schema/ovs-envelope.schema.json
 * uses: type (with integer), enum, const, properties, required, additionalProperties, items,
 * $ref (local), allOf, oneOf, not, if/then. A keyword it does not know is an error, so the
 * schema cannot silently say more than is checked.
 */
import { readFileSync } from 'node:fs';

type Schema = Record<string, unknown>;

const KNOWN = new Set(['$schema', '$id', 'title', 'description', '$defs', 'type', 'enum', 'const', 'properties', 'required', 'additionalProperties', 'items', '$ref', 'allOf', 'oneOf', 'not', 'if', 'then']);

function typeOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'array';
  return typeof v;
}

function hasType(v: unknown, t: string): boolean {
  if (t === 'integer') return Number.isInteger(v);
  return typeOf(v) === t;
}

function resolve(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) throw new Error(`unsupported $ref ${ref}`);
  let at: unknown = root;
  for (const part of ref.slice(2).split('/')) at = (at as Record<string, unknown>)?.[part.replace(/~1/g, '/').replace(/~0/g, '~')];
  if (!at || typeof at !== 'object') throw new Error(`$ref ${ref} points nowhere`);
  return at as Schema;
}

/** Every violation, as `path: what` lines (empty when the value is valid). */
export function validate(root: Schema, value: unknown, schema: Schema = root, path = '$'): string[] {
  for (const k of Object.keys(schema)) if (!KNOWN.has(k)) throw new Error(`schema keyword '${k}' at ${path} is not supported by this validator`);
  const errors: string[] = [];
  if (schema.$ref) errors.push(...validate(root, value, resolve(root, schema.$ref as string), path));
  if (schema.type !== undefined) {
    const types = ([] as string[]).concat(schema.type as string | string[]);
    if (!types.some((t) => hasType(value, t))) return [...errors, `${path}: is ${typeOf(value)}, not ${types.join(' or ')}`];
  }
  if (schema.enum && !(schema.enum as unknown[]).includes(value)) errors.push(`${path}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if ('const' in schema && schema.const !== value) errors.push(`${path}: ${JSON.stringify(value)} is not ${JSON.stringify(schema.const)}`);
  if (typeOf(value) === 'object') errors.push(...validateObject(root, value as Record<string, unknown>, schema, path));
  if (Array.isArray(value) && schema.items) value.forEach((v, i) => errors.push(...validate(root, v, schema.items as Schema, `${path}[${i}]`)));
  for (const sub of (schema.allOf as Schema[] | undefined) ?? []) errors.push(...validate(root, value, sub, path));
  if (schema.oneOf) {
    const passing = (schema.oneOf as Schema[]).filter((s) => validate(root, value, s, path).length === 0).length;
    if (passing !== 1) errors.push(`${path}: matches ${passing} of the oneOf alternatives, not exactly 1`);
  }
  if (schema.not && validate(root, value, schema.not as Schema, path).length === 0) errors.push(`${path}: matches a schema it must not`);
  if (schema.if && validate(root, value, schema.if as Schema, path).length === 0 && schema.then) errors.push(...validate(root, value, schema.then as Schema, path));
  return errors;
}

function validateObject(root: Schema, value: Record<string, unknown>, schema: Schema, path: string): string[] {
  const errors: string[] = [];
  const props = (schema.properties as Record<string, Schema> | undefined) ?? {};
  for (const key of (schema.required as string[] | undefined) ?? []) if (!(key in value)) errors.push(`${path}: '${key}' is required`);
  for (const [key, v] of Object.entries(value)) {
    const p = props[key];
    if (p) errors.push(...validate(root, v, p, `${path}.${key}`));
    else if (schema.additionalProperties === false) errors.push(`${path}: '${key}' is not allowed`);
    else if (schema.additionalProperties && typeof schema.additionalProperties === 'object') errors.push(...validate(root, v, schema.additionalProperties as Schema, `${path}.${key}`));
  }
  return errors;
}

export const ENVELOPE_SCHEMA: Schema = JSON.parse(readFileSync(new URL('../../schema/ovs-envelope.schema.json', import.meta.url), 'utf8'));

/** The violations of an `ovs --json` document against the shipped schema. */
export const envelopeErrors = (doc: unknown): string[] => validate(ENVELOPE_SCHEMA, doc);
