import { type ArgumentMetadata, BadRequestException, ValidationPipe, type ValidationError } from '@nestjs/common';
import type { FieldError } from './problem';

/** A request body, query or parameter broke the rules of its DTO. */
export class InvalidInputException extends BadRequestException {
  constructor(readonly fieldErrors: FieldError[]) {
    super('The request has invalid fields');
  }
}

/**
 * The global pipe: unknown fields are refused, not dropped; each error names its field by its
 * dotted path (address.postalCode) and never echoes the submitted value.
 */
export function createValidationPipe(): ValidationPipe {
  return new InputValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    validationError: { target: false, value: false },
    exceptionFactory: (errors) => new InvalidInputException(flattenValidationErrors(errors)),
  });
}

/** Deeper than any DTO nests; class-transformer recurses and overflows the stack a few thousand levels down. */
const MAX_DEPTH = 32;
/**
 * Keys class-transformer and Nest drop silently, so forbidNonWhitelisted never sees them: those of
 * Object.prototype (__proto__, constructor, toString, …) and `prototype`. Refused like any unknown field.
 */
const isReservedKey = (key: string): boolean => key === 'prototype' || Object.hasOwn(Object.prototype, key);
/** NUL and unpaired surrogates: PostgreSQL stores neither in text or jsonb. */
const UNSTORABLE = /[\u0000\p{Cs}]/u; // eslint-disable-line no-control-regex -- NUL is the point

class InputValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (metadata.type !== 'custom') {
      const errors = unusableInput(value, metadata.data ?? '');
      if (errors.length > 0) throw new InvalidInputException(errors);
    }
    return super.transform(value, metadata);
  }
}

/**
 * What the DTO rules cannot catch, checked first and without recursion (a hostile body must not
 * exhaust the stack here either): nesting deeper than MAX_DEPTH, reserved keys, unstorable text, null.
 */
function unusableInput(input: unknown, name: string): FieldError[] {
  const errors: FieldError[] = [];
  // Paths as arrays: a key may be '' and must still show in its children's paths.
  const pending: Array<{ value: unknown; path: string[] }> = [{ value: input, path: name ? [name] : [] }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      if (UNSTORABLE.test(value)) errors.push({ field: path.join('.'), message: 'must not contain NUL characters or unpaired surrogates' });
      continue;
    }
    if (value === null) {
      // @IsOptional() lets null through as if the field were absent, and handlers that test for
      // undefined would take it as given: an optional field is left out, never null.
      if (path.length > 0) errors.push({ field: path.join('.'), message: 'must not be null: leave an optional field out' });
      continue;
    }
    if (typeof value !== 'object') continue;
    if (path.length >= MAX_DEPTH) {
      errors.push({ field: path.join('.'), message: `is nested more than ${MAX_DEPTH} levels deep` });
      continue;
    }
    for (const [key, child] of Object.entries(value)) {
      if (isReservedKey(key)) errors.push({ field: [...path, key].join('.'), message: `property ${key} should not exist` });
      else pending.push({ value: child, path: [...path, key] });
    }
  }
  return errors;
}

export function flattenValidationErrors(errors: ValidationError[], parent = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = parent ? `${parent}.${error.property}` : error.property;
    const own = Object.values(error.constraints ?? {}).map((message) => ({ field, message: withoutLeadingName(message, error.property) }));
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** class-validator starts messages with the property name; the field is named beside it already. */
function withoutLeadingName(message: string, property: string): string {
  return message.startsWith(`${property} `) ? message.slice(property.length + 1) : message;
}
