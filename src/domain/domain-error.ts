/**
 * A command broke a rule. Thrown by decide functions and handlers; the HTTP layer maps the kind
 * to a status (invalid 400, forbidden 403, not-found 404, conflict 409) and shows `rule`, `field`
 * and `detail`. Messages are written by us and never contain personal data.
 */
export class DomainError extends Error {
  override readonly name = 'DomainError';
  constructor(
    readonly kind: 'invalid' | 'forbidden' | 'not-found' | 'conflict',
    /** A stable slug naming the rule, e.g. 'consent-age'. */
    readonly rule: string,
    readonly detail: string,
    /** The input field the rule is about, as a dotted path (address.postalCode). */
    readonly field?: string,
  ) {
    super(detail);
  }
}

export const invalid = (rule: string, field: string, detail: string): DomainError => new DomainError('invalid', rule, detail, field);
export const conflict = (rule: string, detail: string): DomainError => new DomainError('conflict', rule, detail);
export const notFound = (rule: string, detail: string): DomainError => new DomainError('not-found', rule, detail);
