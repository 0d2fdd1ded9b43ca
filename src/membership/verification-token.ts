import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * One-time email tokens look like `<memberId>.<secret>`: the member id finds the stream, the
 * secret proves the email arrived. Only the secret's SHA-256 is stored in the clear.
 */
export function newVerificationToken(memberId: string): { token: string; tokenHash: string } {
  const secret = randomBytes(32).toString('base64url');
  return { token: `${memberId}.${secret}`, tokenHash: sha256(secret) };
}

const TOKEN = /^([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\.([A-Za-z0-9_-]{43})$/;

export function parseVerificationToken(token: string): { memberId: string; secret: string } | undefined {
  const match = TOKEN.exec(token);
  return match ? { memberId: match[1], secret: match[2] } : undefined;
}

/** Compares a presented secret with a stored hash in constant time. */
export function secretMatches(secret: string, tokenHash: string): boolean {
  const presented = Buffer.from(sha256(secret), 'hex');
  const stored = Buffer.from(tokenHash, 'hex');
  return presented.length === stored.length && timingSafeEqual(presented, stored);
}

function sha256(value: string): string {
  return createHash('sha256').update(value, 'utf8').digest('hex');
}
