import { Logger } from '@nestjs/common';
import { createRemoteJWKSet, errors, jwtVerify } from 'jose';
import { type AppConfig, type StaffRole, parseOidcRoles } from '../config/app-config';
import { ProblemException } from './problem';

/** Three base64url parts: the only bearer tokens worth verifying as JWTs. */
const JWT_SHAPE = /^[\w-]+\.[\w-]+\.[\w-]+$/;

/** The provider's keys cannot be had (fetch failed, timed out, unusable answer): our problem, not the caller's. */
const KEYS_UNAVAILABLE = new Set([errors.JWKSTimeout.code, errors.JWKSInvalid.code, errors.JOSEError.code]);

const INVALID_TOKEN = (): ProblemException =>
  new ProblemException(401, 'unauthorized', 'Unauthorized', 'The token is not valid for this service (signature, issuer, audience or expiry).');

/**
 * Staff sign-in with the organisation's identity provider (OIDC): a bearer JWT signed by a key
 * from OIDC_JWKS_URL, issued by OIDC_ISSUER for OIDC_AUDIENCE and not expired. The values of its
 * OIDC_ROLE_CLAIM grant staff roles through OIDC_ROLES. Tokens are never logged or stored; the
 * access log records such a caller by role only (keyIndex is for API keys).
 */
export class StaffTokens {
  private readonly logger = new Logger('StaffTokens');
  /** jose caches the key set and fetches it again for an unknown key id (key rotation), at most every 30 s. */
  private readonly keys: ReturnType<typeof createRemoteJWKSet>;
  private readonly roles: Map<string, StaffRole>;

  private constructor(
    private readonly issuer: string,
    private readonly audience: string,
    jwksUrl: string,
    private readonly roleClaim: string,
    oidcRoles: string,
  ) {
    this.keys = createRemoteJWKSet(new URL(jwksUrl));
    this.roles = parseOidcRoles(oidcRoles);
  }

  /** Undefined when no identity provider is configured. */
  static fromConfig(config: AppConfig): StaffTokens | undefined {
    const { OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URL } = config;
    if (!OIDC_ISSUER || !OIDC_AUDIENCE || !OIDC_JWKS_URL) return undefined;
    return new StaffTokens(OIDC_ISSUER, OIDC_AUDIENCE, OIDC_JWKS_URL, config.OIDC_ROLE_CLAIM, config.OIDC_ROLES);
  }

  looksLikeToken(bearer: string): boolean {
    return JWT_SHAPE.test(bearer);
  }

  /**
   * The staff roles a valid token grants, maybe none. An invalid token is a 401; keys that cannot
   * be fetched are a 503 (logged by error code only, never with the token).
   */
  async rolesOf(token: string): Promise<StaffRole[]> {
    let claim: unknown;
    try {
      // Clock tolerance: the provider's clock and ours may differ by a few seconds.
      const { payload } = await jwtVerify(token, this.keys, { issuer: this.issuer, audience: this.audience, requiredClaims: ['exp'], clockTolerance: 30 });
      claim = payload[this.roleClaim];
    } catch (error) {
      if (error instanceof errors.JOSEError && !KEYS_UNAVAILABLE.has(error.code)) throw INVALID_TOKEN();
      this.logger.warn(`identity provider keys unavailable (${error instanceof errors.JOSEError ? error.code : error instanceof Error ? error.name : typeof error})`);
      throw new ProblemException(503, 'identity-provider-unavailable', 'Service unavailable', "The identity provider's signing keys cannot be fetched; retry shortly.");
    }
    const values = Array.isArray(claim) ? claim : [claim];
    return [...new Set(values.flatMap((value) => (typeof value === 'string' ? (this.roles.get(value) ?? []) : [])))];
  }
}
