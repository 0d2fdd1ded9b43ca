import { plainToInstance, Transform } from 'class-transformer';
import { IsBase64, IsEmail, IsIn, IsInt, IsNotEmpty, IsOptional, IsString, IsUrl, Matches, Max, Min, ValidateIf, validateSync } from 'class-validator';

const PORT_RULE = 'must be a whole number from 0 to 65535';
const OIDC_ROLE_LIST = /^(?:secretariat|dpo):[^,\s]+(?:,(?:secretariat|dpo):[^,\s]+)*$/;
const ROLE_KEY_LIST = /^(?:(?:secretariat|dpo):[A-Za-z0-9._~+/=-]{16,})(?:,(?:secretariat|dpo):[A-Za-z0-9._~+/=-]{16,})*$/;

/**
 * The service's configuration, read once at boot from the environment and validated.
 * Nothing else in the code reads the environment.
 */
export class AppConfig {
  @Transform(({ value }) => Number(value))
  @IsInt({ message: PORT_RULE })
  @Min(0, { message: PORT_RULE })
  @Max(65535, { message: PORT_RULE })
  PORT!: number;

  @IsString()
  @IsNotEmpty()
  DATA_DIR!: string;

  /** Unset: the service starts its own PostgreSQL under DATA_DIR. */
  @IsOptional()
  @Matches(/^postgres(ql)?:\/\/\S+$/, { message: 'must be a postgres:// or postgresql:// connection string' })
  DATABASE_URL?: string;

  @IsIn(['postgres', 'eventstoredb'])
  EVENT_STORE!: 'postgres' | 'eventstoredb';

  @ValidateIf((config: AppConfig) => config.EVENT_STORE === 'eventstoredb' || config.EVENTSTORE_CONNECTION_STRING !== undefined)
  @Matches(/^(esdb|kurrentdb|kdb)(\+discover)?:\/\/\S+$/, {
    message: 'must be an esdb:// (or esdb+discover://) connection string; it is required when EVENT_STORE=eventstoredb',
  })
  EVENTSTORE_CONNECTION_STRING?: string;

  @IsIn(['file', 'ses'])
  MAIL_TRANSPORT!: 'file' | 'ses';

  @IsOptional()
  @IsUrl({ require_tld: false, protocols: ['http', 'https'] })
  SES_ENDPOINT?: string;

  @Matches(/^[a-z]{2}(-[a-z]+)+-\d$/, { message: 'must be an AWS region such as eu-north-1' })
  AWS_REGION!: string;

  @IsEmail()
  MAIL_FROM!: string;

  /** The secretariat's postal address, its lines separated by commas: printed on every letter (members without email get their mail by post). */
  @IsString()
  @Matches(/^[^,]+(,[^,]+){1,4}$/, { message: 'must be two to five address lines separated by commas' })
  LETTER_RETURN_ADDRESS!: string;

  /** Where people reach the service: the base of links in emails (e.g. the email verification link). */
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be an http:// or https:// URL' })
  PUBLIC_URL!: string;

  /** Comma-separated role:key pairs, roles secretariat or dpo, keys of 16 or more characters. */
  @ValidateIf((config: AppConfig) => config.API_KEYS !== '')
  @Matches(ROLE_KEY_LIST, { message: 'must be comma-separated role:key pairs (roles secretariat, dpo; keys of 16+ characters)' })
  API_KEYS!: string;

  /** Base64 of 32 random bytes. Unset: generated once under DATA_DIR (embedded default only). */
  @ValidateIf((config: AppConfig) => config.MASTER_KEY !== undefined || config.DATABASE_URL !== undefined)
  @IsString({ message: 'is required when DATABASE_URL is set (every instance must share it)' })
  @IsBase64({}, { message: 'must be base64 of 32 random bytes' })
  @Matches(/^[A-Za-z0-9+/]{43}=$/, { message: 'must be base64 of exactly 32 bytes' })
  MASTER_KEY?: string;

  /** Staff sign-in with the organisation's identity provider: the `iss` its tokens carry. Unset: API keys only. */
  @ValidateIf((config: AppConfig) => config.OIDC_ISSUER !== undefined || config.OIDC_AUDIENCE !== undefined || config.OIDC_JWKS_URL !== undefined)
  @IsString({ message: 'is required when OIDC_AUDIENCE or OIDC_JWKS_URL is set' })
  OIDC_ISSUER?: string;

  /** The `aud` a token must carry: this service's client id or API identifier at the identity provider. */
  @ValidateIf((config: AppConfig) => config.OIDC_ISSUER !== undefined || config.OIDC_AUDIENCE !== undefined)
  @IsString({ message: 'is required when OIDC_ISSUER is set' })
  OIDC_AUDIENCE?: string;

  /** Where the identity provider publishes its signing keys (JWKS). */
  @ValidateIf((config: AppConfig) => config.OIDC_ISSUER !== undefined || config.OIDC_JWKS_URL !== undefined)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] }, { message: 'must be the http(s) URL of the JWKS; it is required when OIDC_ISSUER is set' })
  OIDC_JWKS_URL?: string;

  /** The token claim holding the staff member's roles (a string or a list of strings). */
  @Matches(/^\S+$/, { message: 'must be a claim name' })
  OIDC_ROLE_CLAIM!: string;

  /** Comma-separated role:value pairs: a token whose role claim holds `value` acts as `role` (secretariat or dpo). */
  @Matches(OIDC_ROLE_LIST, { message: 'must be comma-separated role:value pairs (roles secretariat, dpo)' })
  OIDC_ROLES!: string;

  /** The bearer token that GET /metrics asks for. Unset: /metrics refuses every caller. */
  @IsOptional()
  @Matches(/^[A-Za-z0-9._~+/=-]{16,}$/, { message: 'must be 16 or more characters (letters, digits, ._~+/=-)' })
  METRICS_TOKEN?: string;

  /** pretty: Nest's coloured lines for people; json: one JSON object per line for a log collector. */
  @IsIn(['pretty', 'json'])
  LOG_FORMAT!: 'pretty' | 'json';

  /**
   * The reverse proxies in front of the service, whose X-Forwarded-For names the client (Express's
   * 'trust proxy': a number of hops, or addresses and subnets such as `loopback,10.0.0.0/8`). Unset:
   * the client is whoever connects, so behind a proxy every client would share one rate limit.
   */
  @IsOptional()
  @Matches(/^(?:\d+|[0-9A-Za-z.:/]+(?:,[0-9A-Za-z.:/]+)*)$/, { message: 'must be a number of proxies, or comma-separated proxy addresses or subnets' })
  TRUST_PROXY?: string;

  /**
   * How long after a member is admitted their group's updated contact list goes out: members
   * admitted within this window are gathered into one list per recipient. 0 sends at once.
   */
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'must be a whole number of seconds, 0 or more' })
  @Min(0, { message: 'must be a whole number of seconds, 0 or more' })
  LIST_UPDATE_DEBOUNCE_SECONDS!: number;

  /**
   * How contact lists reach members. email: the list is in the email. portal: the email carries
   * only a notice and a sign-in link; the list is shown in self-service, and each view is the
   * recorded disclosure. member-choice: each member picks one of the two (email until they do).
   */
  @IsIn(['email', 'portal', 'member-choice'])
  LIST_DELIVERY!: ListDelivery;

  /** How long an emailed sign-in link works (it works once). */
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'must be a whole number of minutes from 1 to 1440' })
  @Min(1, { message: 'must be a whole number of minutes from 1 to 1440' })
  @Max(1440, { message: 'must be a whole number of minutes from 1 to 1440' })
  SIGN_IN_LINK_TTL_MINUTES!: number;

  /** How long a member's self-service session lasts after signing in. */
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'must be a whole number of minutes from 1 to 1440' })
  @Min(1, { message: 'must be a whole number of minutes from 1 to 1440' })
  @Max(1440, { message: 'must be a whole number of minutes from 1 to 1440' })
  MEMBER_SESSION_TTL_MINUTES!: number;

  /** Sign-in requests one client (IP address) may make per window, on each of POST /me/login-link, POST /me/session and the sign-up and sign-in forms (README). */
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'must be a whole number from 1 to 100000' })
  @Min(1, { message: 'must be a whole number from 1 to 100000' })
  @Max(100_000, { message: 'must be a whole number from 1 to 100000' })
  SIGN_IN_LIMIT_PER_CLIENT!: number;

  /** Sign-in links that may be asked for one email address per window (whoever asks). */
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'must be a whole number from 1 to 1000' })
  @Min(1, { message: 'must be a whole number from 1 to 1000' })
  @Max(1000, { message: 'must be a whole number from 1 to 1000' })
  SIGN_IN_LIMIT_PER_ADDRESS!: number;

  /** The window of the sign-in limits; a client or address over its limit waits this long. */
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'must be a whole number of seconds from 1 to 86400' })
  @Min(1, { message: 'must be a whole number of seconds from 1 to 86400' })
  @Max(86_400, { message: 'must be a whole number of seconds from 1 to 86400' })
  SIGN_IN_LIMIT_WINDOW_SECONDS!: number;

  /** Admitted members from which a group shows on the "ready for an association" list (GET /associations/ready). */
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'must be a whole number of members from 2 to 10000' })
  @Min(2, { message: 'must be a whole number of members from 2 to 10000' })
  @Max(10_000, { message: 'must be a whole number of members from 2 to 10000' })
  ASSOCIATION_READY_SIZE!: number;

  /**
   * Contact-list messages the sender hands to the mail transport at the same time. A crash can
   * catch each of them between its send and its record, so it bounds the messages a crash can
   * make go out twice: 1 gives at most one duplicate per crash, at the transport's round-trip rate.
   */
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'must be a whole number from 1 to 64' })
  @Min(1, { message: 'must be a whole number from 1 to 64' })
  @Max(64, { message: 'must be a whole number from 1 to 64' })
  MAIL_SEND_CONCURRENCY!: number;

  /**
   * Read models applied in worker threads of their own (projections/runner/projection-thread.ts),
   * the heaviest first: 1 the disclosure log, 2 also the contact-list planner. 0 applies every
   * projection on the main thread. On more than one core it lets a rebuild use them.
   */
  @Transform(({ value }) => Number(value))
  @IsInt({ message: 'must be a whole number from 0 to 2' })
  @Min(0, { message: 'must be a whole number from 0 to 2' })
  @Max(2, { message: 'must be a whole number from 0 to 2' })
  PROJECTION_THREADS!: number;
}

export type ListDelivery = 'email' | 'portal' | 'member-choice';

export type StaffRole = 'secretariat' | 'dpo';

export interface ApiKey {
  role: StaffRole;
  key: string;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

const DEFAULTS: Record<string, string> = {
  PORT: '3000',
  DATA_DIR: './data',
  EVENT_STORE: 'postgres',
  MAIL_TRANSPORT: 'file',
  AWS_REGION: 'eu-north-1',
  MAIL_FROM: 'netvaerket@sjaeldnediagnoser.dk',
  LETTER_RETURN_ADDRESS: 'Sjældne Diagnoser, Fruebjergvej 3, 2100 København Ø',
  PUBLIC_URL: 'http://localhost:3000',
  API_KEYS: '',
  OIDC_ROLE_CLAIM: 'roles',
  OIDC_ROLES: 'secretariat:secretariat,dpo:dpo',
  LOG_FORMAT: 'pretty',
  LIST_UPDATE_DEBOUNCE_SECONDS: '300',
  LIST_DELIVERY: 'email',
  SIGN_IN_LINK_TTL_MINUTES: '15',
  MEMBER_SESSION_TTL_MINUTES: '60',
  SIGN_IN_LIMIT_PER_CLIENT: '30',
  SIGN_IN_LIMIT_PER_ADDRESS: '5',
  SIGN_IN_LIMIT_WINDOW_SECONDS: '900',
  ASSOCIATION_READY_SIZE: '15',
  MAIL_SEND_CONCURRENCY: '16',
  PROJECTION_THREADS: '0',
};
const KNOWN = [
  'PORT',
  'DATA_DIR',
  'DATABASE_URL',
  'EVENT_STORE',
  'EVENTSTORE_CONNECTION_STRING',
  'MAIL_TRANSPORT',
  'SES_ENDPOINT',
  'AWS_REGION',
  'MAIL_FROM',
  'LETTER_RETURN_ADDRESS',
  'PUBLIC_URL',
  'API_KEYS',
  'MASTER_KEY',
  'OIDC_ISSUER',
  'OIDC_AUDIENCE',
  'OIDC_JWKS_URL',
  'OIDC_ROLE_CLAIM',
  'OIDC_ROLES',
  'METRICS_TOKEN',
  'LOG_FORMAT',
  'TRUST_PROXY',
  'LIST_UPDATE_DEBOUNCE_SECONDS',
  'LIST_DELIVERY',
  'SIGN_IN_LINK_TTL_MINUTES',
  'MEMBER_SESSION_TTL_MINUTES',
  'SIGN_IN_LIMIT_PER_CLIENT',
  'SIGN_IN_LIMIT_PER_ADDRESS',
  'SIGN_IN_LIMIT_WINDOW_SECONDS',
  'ASSOCIATION_READY_SIZE',
  'MAIL_SEND_CONCURRENCY',
  'PROJECTION_THREADS',
] as const;

/** The names of every variable the configuration reads. */
export const CONFIG_VARIABLES: readonly string[] = KNOWN;

/**
 * Reads and validates the configuration. Empty variables count as unset. The error names each
 * wrong variable and the rule it breaks, never the value (it may be a secret).
 */
export function loadConfig(env: Record<string, string | undefined>): AppConfig {
  const plain: Record<string, string> = { ...DEFAULTS };
  for (const name of KNOWN) {
    const value = env[name]?.trim();
    if (value) plain[name] = value;
  }
  const config = plainToInstance(AppConfig, plain);
  const errors = validateSync(config, { validationError: { target: false, value: false } });
  if (errors.length > 0) {
    const lines = errors.map((error) => `  ${error.property}: ${[...new Set(Object.values(error.constraints ?? {}))].join('; ')}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return config;
}

/** OIDC_ROLES as a map from role-claim value to the staff role it grants. */
export function parseOidcRoles(oidcRoles: string): Map<string, StaffRole> {
  return new Map(
    oidcRoles.split(',').map((pair) => {
      const separator = pair.indexOf(':');
      return [pair.slice(separator + 1), pair.slice(0, separator) as StaffRole];
    }),
  );
}

export function parseApiKeys(apiKeys: string): ApiKey[] {
  if (apiKeys === '') return [];
  return apiKeys.split(',').map((pair) => {
    const separator = pair.indexOf(':');
    return { role: pair.slice(0, separator) as StaffRole, key: pair.slice(separator + 1) };
  });
}
