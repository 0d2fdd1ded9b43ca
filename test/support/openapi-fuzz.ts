import fc from 'fast-check';

/** The parts of an OpenAPI 3 document the fuzzer reads. */
export interface Schema {
  $ref?: string;
  allOf?: Schema[];
  type?: string;
  properties?: Record<string, Schema>;
  required?: string[];
  items?: Schema;
  enum?: unknown[];
  format?: string;
  pattern?: string;
  maxLength?: number;
  minimum?: number;
  maximum?: number;
  minItems?: number;
  maxItems?: number;
  uniqueItems?: boolean;
}

export interface Parameter {
  name: string;
  in: string;
  required?: boolean;
  schema?: Schema;
}

export interface Operation {
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses?: Record<string, { content?: Record<string, unknown> }>;
}

export interface OpenApiDocument {
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

/** One request: the fuzzer fills in a route's path parameters, query string and body. */
export interface FuzzRequest {
  /** What was done to it, for the failure message. */
  kind: string;
  pathParams: Record<string, string>;
  query: Array<[string, string]>;
  /** The raw body text (JSON, or deliberately not), sent as application/json. */
  body?: string;
  /** The request breaks its schema: it must be refused (400, or 413 when too large). */
  invalid: boolean;
  /** For an invalid request: the field (dotted path) a validation problem must name. */
  field?: string;
}

/** The body limit of the JSON parser (src/bootstrap.ts); bodies above it must get 413. */
const BODY_LIMIT_BYTES = 100 * 1024;

/**
 * Characters that break naive code: controls, right-to-left override and mark, zero-width
 * characters, a byte-order mark, a line separator, emoji (a surrogate pair and a ZWJ sequence),
 * a combining accent, and the quote and escape characters of JSON, SQL and HTML.
 */
const HOSTILE_CHARS = ['\u0007', '\u001b', '\u202e', '\u200f', '\u200b', '\u200d', '\ufeff', '\u2028', '🧬', '👩‍👩‍👧', 'é', 'e\u0301', 'Ø', '"', '\\', "'", '<', '%', '{'];
/** Text no database column can hold (NUL, unpaired surrogates): the service must refuse it, naming the field. */
const UNSTORABLE_CHARS = ['\u0000', '\ud800', '\udfff'];
/** BMP characters only: class-validator counts a surrogate pair as one character of a maximum length. */
const ONE_UNIT_CHARS = ['\u0007', '\u202e', '\u200b', '\u2028', 'é', 'Ø', '"', '\\', "'", '<', 'a', 'Z', '0', ' '];
/** Keys that pollute prototypes when code merges objects carelessly, and operators of query languages. */
const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', '__defineGetter__', 'hasOwnProperty', 'toString', '$where', '$gt', 'isAdmin', '', ' ', '\u0000', '🧬'];

/** Any Unicode scalar value (no surrogate halves). */
const anyCharacter = fc.integer({ min: 1, max: 0x10ffff }).filter((code) => code < 0xd800 || code > 0xdfff).map((code) => String.fromCodePoint(code));

const hostileString = (constraints: { minLength?: number; maxLength?: number } = {}): fc.Arbitrary<string> =>
  fc.string({ unit: fc.oneof(fc.constantFrom(...HOSTILE_CHARS), anyCharacter), maxLength: 40, ...constraints });

/** Survives a URL: URLSearchParams and encodeURIComponent turn unpaired surrogates into U+FFFD, or throw. */
const wellFormed = (text: string): boolean => Buffer.from(text, 'utf8').toString('utf8') === text;

/** A string that is longer than `max` characters by any way of counting them. */
const tooLong = (max: number): fc.Arbitrary<string> =>
  fc.string({ unit: fc.constantFrom(...ONE_UNIT_CHARS), minLength: max + 1, maxLength: max + 64 });

/**
 * {"a":{"a":…}} or [[[…]]] nested thousands of levels deep (JSON.parse reads that, JSON.stringify
 * cannot write it): `toJsonText` writes it as text.
 */
class DeepNesting {
  constructor(
    readonly depth: number,
    readonly asArrays: boolean,
    readonly leaf: string,
  ) {}

  text(): string {
    const leaf = JSON.stringify(this.leaf);
    return this.asArrays ? `${'['.repeat(this.depth)}${leaf}${']'.repeat(this.depth)}` : `${'{"a":'.repeat(this.depth)}${leaf}${'}'.repeat(this.depth)}`;
  }
}

const deeplyNested = fc.tuple(fc.integer({ min: 1000, max: 16_000 }), fc.boolean(), hostileString({ maxLength: 8 })).map(([depth, asArrays, leaf]) => new DeepNesting(depth, asArrays, leaf));

/** JSON text of a generated value, deep nestings included. */
function toJsonText(value: unknown): string {
  const deep: DeepNesting[] = [];
  const text = JSON.stringify(value, (_key, item: unknown) => (item instanceof DeepNesting ? `\u0001deep${deep.push(item) - 1}\u0001` : item));
  return text.replace(/"\\u0001deep(\d+)\\u0001"/g, (_match, index: string) => deep[Number(index)].text());
}

/**
 * A key for a JSON object. Not one with a backslash: Node 24.21's JSON.parse (V8) reads an escaped
 * key such as "\u0000" as an earlier key that its escape text starts with, once an object with
 * that key was parsed ("\\" makes a later "\u0000" read as "\\"), so the service would name a
 * field the request did not send. No field of the API has a backslash, so such a misread key is
 * refused as unknown either way (docs/RELIABILITY.md).
 */
const hostileKey = (constraints: { minLength?: number; maxLength?: number }): fc.Arbitrary<string> => hostileString(constraints).filter((key) => !key.includes('\\'));

/** A JSON value of any shape, hostile strings and keys included. */
const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  hostileString(),
  fc.array(hostileString(), { maxLength: 3 }),
  fc.dictionary(fc.oneof(fc.constantFrom(...HOSTILE_KEYS), hostileKey({ maxLength: 8 })), hostileString(), { maxKeys: 3 }).map(ownKeys),
  deeplyNested,
);

/**
 * A copy of `entries` as an object whose keys are all own, enumerable data properties, so that
 * `__proto__` is sent as a key (as JSON.parse on the server will read it) rather than setting the prototype.
 */
function ownKeys(entries: Record<string, unknown> | Array<[string, unknown]>): Record<string, unknown> {
  const object: Record<string, unknown> = {};
  for (const [key, value] of Array.isArray(entries) ? entries : Object.entries(entries)) {
    Object.defineProperty(object, key, { value, enumerable: true, writable: true, configurable: true });
  }
  return object;
}

interface Mutation {
  kind: string;
  value: unknown;
  field: string;
}

/** Reads schemas, following $ref into the document's components. */
export class SchemaFuzzer {
  constructor(
    private readonly document: OpenApiDocument,
    /** Values that reach deeper than random ones (ids that exist), by property name. */
    private readonly known: (property: string) => string[] = () => [],
  ) {}

  resolve(schema: Schema): Schema {
    if (schema.$ref) {
      const name = schema.$ref.split('/').pop() ?? '';
      const target = this.document.components?.schemas?.[name];
      if (!target) throw new Error(`the OpenAPI document has no schema ${schema.$ref}`);
      return this.resolve(target);
    }
    if (schema.allOf?.length === 1) return this.resolve(schema.allOf[0]);
    return schema;
  }

  /** A value the schema allows, with hostile characters wherever free text is allowed. */
  valid(raw: Schema, property = ''): fc.Arbitrary<unknown> {
    const schema = this.resolve(raw);
    if (schema.enum) return fc.constantFrom(...schema.enum);
    switch (schema.type) {
      case 'object':
        return this.validObject(schema);
      case 'array': {
        const items = this.valid(schema.items ?? {}, property);
        const constraints = { minLength: schema.minItems ?? 0, maxLength: Math.min(schema.maxItems ?? 3, 3) };
        return schema.uniqueItems ? fc.uniqueArray(items, { ...constraints, selector: (item) => JSON.stringify(item) }) : fc.array(items, constraints);
      }
      case 'number':
      case 'integer':
        return fc.integer({ min: schema.minimum ?? -1_000_000, max: schema.maximum ?? 1_000_000 });
      case 'boolean':
        return fc.boolean();
      default:
        return this.validString(schema, property);
    }
  }

  private validObject(schema: Schema): fc.Arbitrary<Record<string, unknown>> {
    const properties = schema.properties ?? {};
    const model = Object.fromEntries(Object.entries(properties).map(([name, property]) => [name, this.valid(property, name)]));
    return fc.record(model, { requiredKeys: (schema.required ?? []).filter((name) => Object.hasOwn(properties, name)) }) as fc.Arbitrary<Record<string, unknown>>;
  }

  private validString(schema: Schema, property: string): fc.Arbitrary<string> {
    const known = this.known(property);
    const pick = (arbitrary: fc.Arbitrary<string>) => (known.length > 0 ? fc.oneof(fc.constantFrom(...known), arbitrary) : arbitrary);
    if (schema.pattern) return pick(fc.stringMatching(new RegExp(schema.pattern, 'u')));
    if (schema.format === 'uuid' || /Id$/.test(property)) return pick(fc.uuid());
    if (schema.format === 'email') return pick(fc.emailAddress().filter((email) => email.length <= (schema.maxLength ?? 254)));
    if (schema.format === 'uri') return fc.webUrl();
    if (schema.format === 'date-time') return fc.date({ noInvalidDate: true }).map((date) => date.toISOString());
    return hostileString({ minLength: 1, maxLength: Math.min(schema.maxLength ?? 40, 40) });
  }

  /** Values that break the schema, each with the field a validation error must name. */
  private invalidValue(raw: Schema, field: string, required: boolean): fc.Arbitrary<Mutation> {
    const schema = this.resolve(raw);
    const options: Array<fc.Arbitrary<Mutation>> = [];
    const as = (kind: string, arbitrary: fc.Arbitrary<unknown>, at = field) => options.push(arbitrary.map((value) => ({ kind, value, field: at })));
    // Null is refused for optional fields too: @IsOptional() would take it for an absent field.
    as(required ? 'null where a value is required' : 'null for an optional field', fc.constant(null));
    const type = schema.enum ? 'string' : (schema.type ?? 'string');
    if (type === 'string') {
      as('wrong type', fc.oneof(fc.integer(), fc.boolean(), fc.array(hostileString(), { maxLength: 2 }), fc.constant({}), deeplyNested));
      if (schema.maxLength !== undefined) as('longer than maxLength', tooLong(schema.maxLength));
      as('unstorable text', fc.tuple(this.validString(schema, field.split('.').pop() ?? field), fc.constantFrom(...UNSTORABLE_CHARS), fc.nat()).map(([text, bad, at]) => `${text.slice(0, at % (text.length + 1))}${bad}${text.slice(at % (text.length + 1))}`));
      if (schema.enum) {
        const allowed = schema.enum.map(String);
        as('not one of the enum', fc.oneof(
          fc.tuple(fc.constantFrom(...allowed), fc.constantFrom('\u200b', '\u202e', '\u0000', ' ', 'é')).map(([value, extra]) => `${value}${extra}`),
          fc.constantFrom(...allowed).map((value) => value.toUpperCase()).filter((value) => !allowed.includes(value)),
          hostileString().filter((value) => !allowed.includes(value)),
        ));
      }
      if (schema.pattern) {
        const pattern = new RegExp(schema.pattern, 'u');
        as('not matching the pattern', fc.oneof(
          fc.stringMatching(pattern).map((value) => `${value}\u200b`),
          fc.stringMatching(pattern).map((value) => `\u202e${value}`),
          hostileString(),
        ).filter((value) => !pattern.test(value)));
      }
      if (schema.format === 'uuid') as('not a uuid', fc.oneof(fc.uuid().map((id) => `${id}\u200b`), hostileString()));
      if (schema.format === 'email') as('not an email address', hostileString().filter((value) => !value.includes('@')));
      if (schema.format === 'uri') as('not a URL', hostileString().filter((value) => !value.includes(':')));
    }
    if (type === 'number' || type === 'integer') {
      as('wrong type', fc.oneof(fc.boolean(), hostileString().filter((value) => value.trim() === '' || Number.isNaN(Number(value))), fc.array(fc.integer(), { maxLength: 2 }), fc.constant({})));
      if (schema.minimum !== undefined) as('below minimum', fc.integer({ min: -1e9, max: schema.minimum - 1 }));
      if (schema.maximum !== undefined) as('above maximum', fc.integer({ min: schema.maximum + 1, max: 1e15 }));
    }
    if (type === 'boolean') as('wrong type', fc.oneof(fc.constantFrom('true', 'yes', 1, 0), fc.constant([]), fc.constant({}), hostileString()));
    if (type === 'array') {
      as('an object where an array is expected', this.valid(schema.items ?? {}).map((item) => ({ 0: item })));
      as('a string where an array is expected', hostileString());
      if (schema.items) options.push(this.invalidValue(schema.items, field, true).map((item) => ({ kind: `an item ${item.kind}`, value: [item.value], field })));
      if (schema.uniqueItems) as('repeated items', this.valid(schema.items ?? {}).map((item) => [item, item]));
      if (schema.minItems) as('fewer items than minItems', fc.constant([]));
    }
    if (type === 'object') {
      as('an array where an object is expected', this.validObject(schema).map((object) => [object]));
      as('a scalar where an object is expected', fc.oneof(hostileString(), fc.integer(), fc.boolean()));
      options.push(this.invalidObject(schema, field));
    }
    return fc.oneof(...options);
  }

  /** An object of the schema broken in exactly one place: a required property missing, an unknown one, or one bad value. */
  private invalidObject(schema: Schema, parent: string): fc.Arbitrary<Mutation> {
    const properties = schema.properties ?? {};
    const required = (schema.required ?? []).filter((name) => Object.hasOwn(properties, name));
    const at = (name: string) => (parent ? `${parent}.${name}` : name);
    const base = this.validObject(schema);
    const options: Array<fc.Arbitrary<Mutation>> = [
      fc.tuple(base, fc.oneof(fc.constantFrom(...HOSTILE_KEYS), hostileKey({ minLength: 1, maxLength: 12 })).filter((key) => !Object.hasOwn(properties, key)), anyJson).map(([object, key, value]) => ({
        kind: `unknown property ${JSON.stringify(key)}`,
        value: ownKeys([...Object.entries(object), [key, value]]),
        field: at(key),
      })),
    ];
    if (required.length > 0) {
      options.push(fc.tuple(base, fc.constantFrom(...required)).map(([object, name]) => ({ kind: `missing ${name}`, value: ownKeys(Object.entries(object).filter(([key]) => key !== name)), field: at(name) })));
    }
    for (const [name, property] of Object.entries(properties)) {
      options.push(fc.tuple(base, this.invalidValue(property, at(name), required.includes(name))).map(([object, mutation]) => ({
        kind: `${name}: ${mutation.kind}`,
        value: ownKeys({ ...object, [name]: mutation.value }),
        field: mutation.field,
      })));
    }
    return fc.oneof(...options);
  }

  /**
   * Requests for one operation. `invalid`: each breaks the schema in one place (or is not JSON, or
   * is too large), or undefined when the operation takes no input that could break it. Otherwise:
   * valid-shaped requests with hostile text, and unknown query parameters.
   */
  requests(method: string, operation: Operation, pathParams: string[], invalid: boolean): fc.Arbitrary<FuzzRequest> | undefined {
    const parameters = operation.parameters ?? [];
    const paramSchema = (name: string) => parameters.find((parameter) => parameter.in === 'path' && parameter.name === name)?.schema ?? { type: 'string' };
    const validPath = fc.record(Object.fromEntries(pathParams.map((name) => [name, this.valid(paramSchema(name), name).map(String)])));
    const queryParams = parameters.filter((parameter) => parameter.in === 'query');
    const validQuery = fc
      .tuple(
        ...queryParams.map((parameter) => {
          const pair = this.valid(parameter.schema ?? {}, parameter.name).map((value) => [parameter.name, String(value)] as [string, string]);
          return parameter.required ? pair : fc.option(pair, { nil: undefined });
        }),
      )
      .map((pairs) => pairs.filter((pair) => pair !== undefined));
    const bodySchema = operation.requestBody?.content['application/json']?.schema;
    const validBody = bodySchema ? this.valid(bodySchema).map((value) => JSON.stringify(value)) : fc.constant(undefined);
    const request = (kind: string, changes: fc.Arbitrary<Partial<FuzzRequest>>): fc.Arbitrary<FuzzRequest> =>
      fc.tuple(validPath, validQuery, validBody, changes).map(([path, query, body, change]) => ({ kind, pathParams: path, query, body, invalid, ...change }));

    if (!invalid) {
      const extraQuery = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...HOSTILE_KEYS, '__proto__[polluted]', 'constructor[prototype][polluted]'), hostileString({ maxLength: 8 })), hostileString()), { minLength: 1, maxLength: 2 });
      return fc.oneof(request('valid-shaped, hostile text', fc.constant({})), request('unknown query parameters', fc.tuple(validQuery, extraQuery).map(([query, extra]) => ({ query: [...query, ...extra] }))));
    }

    const options: Array<fc.Arbitrary<FuzzRequest>> = [];
    if (method !== 'GET') {
      // The JSON parser reads the body of every route, before any guard or DTO.
      options.push(request('malformed JSON', fc.oneof(hostileString(), fc.constantFrom('{', '{"a":', '[1,', '{"a":1}}', "{'a':1}", '{"__proto__":'))
        // An empty body is no body, not a malformed one; so is a lone byte-order mark, which the JSON parser strips.
        .filter((body) => body.replace(/^\uFEFF/, '') !== '' && isNotJson(body)).map((body) => ({ body }))));
      options.push(request('a body above the size limit', fc.integer({ min: BODY_LIMIT_BYTES + 1, max: 3 * BODY_LIMIT_BYTES }).map((size) => ({ body: JSON.stringify({ padding: 'x'.repeat(size) }) }))));
    }
    if (bodySchema) {
      const schema = this.resolve(bodySchema);
      options.push(request('a body of the wrong JSON type', fc.oneof(fc.constant('[]'), this.valid(schema).map((value) => toJsonText([value])), fc.constantFrom('"text"', '42', 'null', 'true')).map((body) => ({ body }))));
      options.push(this.invalidObject(schema, '').chain((mutation) => request(`body: ${mutation.kind}`, fc.constant({ body: toJsonText(mutation.value), field: mutation.field }))));
    }
    for (const parameter of queryParams) {
      const schema = parameter.schema ? this.resolve(parameter.schema) : undefined;
      if (!schema) continue;
      // A query string holds only text: a number or boolean reads as text, an array as a repeated parameter.
      const breaks = (value: unknown) => (Array.isArray(value) ? value.length >= 2 : typeof value === 'string' ? wellFormed(value) : schema.type !== 'string' && !schema.enum && value !== null && typeof value !== 'object');
      options.push(
        this.invalidValue(schema, parameter.name, true)
          .filter((mutation) => breaks(mutation.value))
          .chain((mutation) => {
            const values = Array.isArray(mutation.value) ? mutation.value.map((value) => (typeof value === 'string' ? value : toJsonText(value))) : [String(mutation.value)];
            return request(`query ${parameter.name}: ${mutation.kind}`, validQuery.map((query) => ({ query: [...query.filter(([name]) => name !== parameter.name), ...values.map((value) => [parameter.name, value] as [string, string])], field: parameter.name })));
          }),
      );
    }
    for (const name of pathParams) {
      const schema = paramSchema(name);
      if (!schema.pattern && !schema.format) continue;
      options.push(
        this.invalidValue({ ...schema, type: 'string' }, name, false)
          .filter((mutation) => typeof mutation.value === 'string' && mutation.value !== '' && wellFormed(mutation.value))
          .chain((mutation) => request(`path ${name}: ${mutation.kind}`, validPath.map((path) => ({ pathParams: { ...path, [name]: String(mutation.value) }, field: name })))),
      );
    }
    return options.length > 0 ? fc.oneof(...options) : undefined;
  }
}

/** Every value an enum of the document allows: messages may list them, so they do not count as echoed input. */
export function enumValuesOf(document: OpenApiDocument): Set<string> {
  const values = new Set<string>();
  JSON.stringify(document, (key, value: unknown) => {
    if (key === 'enum' && Array.isArray(value)) for (const item of value) values.add(String(item));
    return value;
  });
  return values;
}

function isNotJson(text: string): boolean {
  try {
    JSON.parse(text);
    return false;
  } catch {
    return true;
  }
}
