import { type CanActivate, type ExecutionContext, Inject, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { type ApiKey, AppConfig, type StaffRole, parseApiKeys } from '../config/app-config';
import { MemberSessions } from '../member-access/member-sessions';
import { webCookies } from '../web/web-cookies';
import { ACCESS_RULE, type AccessRule } from './access';
import { ProblemException } from './problem';
import { StaffTokens } from './staff-tokens';

/** What a request is known to be after the guard: its role, and which key (by index) or member it is. */
export interface Caller {
  role: 'public' | StaffRole | 'member';
  /** Index of the API key in API_KEYS: names the key in the access log without revealing it. Unset for a token from the identity provider. */
  keyIndex?: number;
  /** The signed-in member (role 'member'): the only member whose data the request may reach. */
  memberId?: string;
}

/** The request of a route marked @MemberOnly() or @MemberPage(), after the guard. */
export type RequestWithMember = Request & { caller: Caller & { role: 'member'; memberId: string } };

export type RequestWithCaller = Request & { caller?: Caller };

const UNAUTHORIZED = (): ProblemException =>
  new ProblemException(401, 'unauthorized', 'Unauthorized', 'A valid API key is required (Authorization: Bearer <key>).');
const WRONG_ROLE = (): ProblemException => new ProblemException(403, 'forbidden', 'Forbidden', 'Your role may not use this route.');
const NO_MEMBER_SESSION = (): ProblemException =>
  new ProblemException(401, 'unauthorized', 'Unauthorized', 'Sign in with the link emailed to you: a live session token is required (Authorization: Bearer <session token>).');

@Injectable()
export class AccessGuard implements CanActivate {
  private readonly keys: Array<ApiKey & { digest: Buffer }>;
  private readonly sessionCookie: string;
  private readonly staffTokens?: StaffTokens;
  private readonly metricsToken?: Buffer;

  constructor(
    private readonly reflector: Reflector,
    @Inject(AppConfig) config: AppConfig,
    private readonly memberSessions: MemberSessions,
  ) {
    this.keys = parseApiKeys(config.API_KEYS).map((key) => ({ ...key, digest: digest(key.key) }));
    this.sessionCookie = webCookies(config).session.name;
    this.staffTokens = StaffTokens.fromConfig(config);
    this.metricsToken = config.METRICS_TOKEN ? digest(config.METRICS_TOKEN) : undefined;
  }

  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_RULE, [context.getHandler(), context.getClass()]);
    const request = context.switchToHttp().getRequest<RequestWithCaller>();
    if (!rule) throw new ProblemException(403, 'forbidden', 'Forbidden', 'This route has no access rule.');
    // A web page reads the cookie only (the browser sends it); an Authorization header is not asked for there.
    if (rule.kind === 'member-page') return this.admitMember(request, (request.cookies as Record<string, string> | undefined)?.[this.sessionCookie]);
    if (rule.kind === 'metrics') return this.admitScraper(request);
    const caller = this.staffCaller(request);
    if (rule.kind === 'member') {
      if (caller) throw new ProblemException(403, 'forbidden', 'Forbidden', 'This route serves a signed-in member; staff use the /commands and /members routes.');
      return this.admitMember(request, bearerToken(request));
    }
    const token = bearerToken(request);
    if (!caller && token && this.staffTokens?.looksLikeToken(token)) return this.admitStaffToken(request, rule, this.staffTokens, token);
    if (rule.kind === 'public') {
      // A public route may still be called by staff (a sign-up entered by the secretariat);
      // a key that is presented must then be valid.
      if (request.headers.authorization !== undefined && !caller) throw UNAUTHORIZED();
      request.caller = caller ?? { role: 'public' };
      return true;
    }
    if (!caller) throw UNAUTHORIZED();
    if (!rule.roles.includes(caller.role as StaffRole)) throw WRONG_ROLE();
    request.caller = caller;
    return true;
  }

  private async admitMember(request: RequestWithCaller, token: string | undefined): Promise<boolean> {
    const memberId = token ? await this.memberSessions.resolve(token) : undefined;
    if (!memberId) throw NO_MEMBER_SESSION();
    request.caller = { role: 'member', memberId };
    return true;
  }

  /** A token from the identity provider: valid (else 401), granting a role this route accepts (else 403). */
  private async admitStaffToken(request: RequestWithCaller, rule: AccessRule & { kind: 'public' | 'staff' }, tokens: StaffTokens, token: string): Promise<boolean> {
    const roles = await tokens.rolesOf(token);
    const role = rule.kind === 'staff' ? rule.roles.find((accepted) => roles.includes(accepted)) : roles[0];
    if (!role) throw WRONG_ROLE();
    request.caller = { role };
    return true;
  }

  /** GET /metrics: METRICS_TOKEN, compared in constant time; with none configured, nobody. The scraper is no caller of ours. */
  private admitScraper(request: RequestWithCaller): boolean {
    const token = bearerToken(request);
    if (!this.metricsToken || !token || !timingSafeEqual(digest(token), this.metricsToken)) {
      throw new ProblemException(401, 'unauthorized', 'Unauthorized', 'The metrics token is required (Authorization: Bearer <METRICS_TOKEN>).');
    }
    return true;
  }

  /**
   * Compares the presented key with every configured key in constant time (digests of equal
   * length, no early exit), so timing reveals neither a key nor which one matched.
   */
  private staffCaller(request: Request): Caller | undefined {
    const token = bearerToken(request);
    if (!token) return undefined;
    const presented = digest(token);
    let found: Caller | undefined;
    this.keys.forEach((key, keyIndex) => {
      if (timingSafeEqual(presented, key.digest) && !found) found = { role: key.role, keyIndex };
    });
    return found;
  }
}

function bearerToken(request: Request): string | undefined {
  return /^Bearer (\S+)$/.exec(request.headers.authorization ?? '')?.[1];
}

function digest(value: string): Buffer {
  return createHash('sha256').update(value, 'utf8').digest();
}
