import type { ExecutionContext } from '@nestjs/common';
import type { ThrottlerOptions } from '@nestjs/throttler';
import type { Pool } from 'pg';
import { loadConfig } from '../../config/app-config';
import { KeyVault } from '../../crypto/key-vault';
import { EmailClaims } from '../../membership/email-claims';
import { PER_ADDRESS, PER_CLIENT, signInThrottlerOptions } from './sign-in-throttling';

/** Only the digest is used, which needs the master key and no database. */
const claims = new EmailClaims({} as Pool, new KeyVault({} as Pool, Buffer.alloc(32, 7)));
const config = loadConfig({ SIGN_IN_LIMIT_PER_CLIENT: '12', SIGN_IN_LIMIT_PER_ADDRESS: '3', SIGN_IN_LIMIT_WINDOW_SECONDS: '600' });
const { throttlers } = signInThrottlerOptions(config, claims) as { throttlers: ThrottlerOptions[] };
const perAddress = throttlers.find((throttler) => throttler.name === PER_ADDRESS) as ThrottlerOptions;

const requestWith = (body: unknown) => ({ body });
const contextOf = (request: { body: unknown }) => ({ switchToHttp: () => ({ getRequest: () => request }) }) as unknown as ExecutionContext;
const trackerOf = (body: unknown) => {
  const request = requestWith(body);
  return perAddress.getTracker?.(request, contextOf(request));
};

describe('the sign-in rate limits', () => {
  it('are the configured limits per client and per address, over the configured window', () => {
    expect(throttlers.map(({ name, limit, ttl }) => ({ name, limit, ttl }))).toEqual([
      { name: PER_CLIENT, limit: 12, ttl: 600_000 },
      { name: PER_ADDRESS, limit: 3, ttl: 600_000 },
    ]);
  });

  it('track an address by its keyed digest, the same in any letter case, never by the address itself', () => {
    const tracker = trackerOf({ email: 'Anna.Aerø@Example.org' });
    expect(tracker).toBe(claims.digest('anna.aerø@example.org'));
    expect(tracker).toBe(trackerOf({ email: 'anna.aerø@example.org' }));
    expect(tracker).not.toBe(trackerOf({ email: 'bo@example.org' }));
    expect(String(tracker)).not.toMatch(/anna|example/i);
  });

  it('leave a request without an address to the per-client limit (validation refuses it)', () => {
    for (const body of [{}, { email: 42 }, undefined]) expect(perAddress.skipIf?.(contextOf(requestWith(body)))).toBe(true);
    expect(perAddress.skipIf?.(contextOf(requestWith({ email: 'bo@example.org' })))).toBe(false);
  });
});
