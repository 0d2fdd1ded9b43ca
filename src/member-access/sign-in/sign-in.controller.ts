import { Body, Controller, HttpCode, Post, UseGuards } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import { OpenMemberSessionDto, RequestSignInLinkDto } from '../../../contracts/commands/sign-in.dto';
import { Public } from '../../http/access';
import { ProblemException } from '../../http/problem';
import { MemberSessions } from '../member-sessions';
import { SignInLinks } from './sign-in-links';
import { MemberSessionResponse, SignInLinkRequestedResponse } from './sign-in.responses';
import { PER_ADDRESS, SignInThrottlerGuard } from './sign-in-throttling';

const TOO_MANY = { status: 429, description: 'Too many requests from this client (or for this address): wait and try again. Retry-After says how long.' };

/** Signing in: an emailed one-time link, exchanged for a short-lived session. */
@ApiTags('self-service')
@Controller('me')
@UseGuards(SignInThrottlerGuard)
export class SignInController {
  constructor(
    private readonly links: SignInLinks,
    private readonly sessions: MemberSessions,
  ) {}

  @Post('login-link')
  @Public()
  @HttpCode(202)
  @ApiOperation({
    summary: 'Ask for a sign-in link by email.',
    description:
      'If members have this verified address, each gets a one-time link (PUBLIC_URL/me/sign-in?token=…) in their language, valid for SIGN_IN_LINK_TTL_MINUTES. The answer is the same whether or not anyone has the address.',
  })
  @ApiBody({ type: RequestSignInLinkDto, description: '`{email}`' })
  @ApiResponse({ status: 202, type: SignInLinkRequestedResponse, description: '`{accepted: true}`, always.' })
  @ApiResponse({ status: 400, description: 'Not an email address.' })
  @ApiResponse(TOO_MANY)
  async requestLink(@Body() body: RequestSignInLinkDto): Promise<SignInLinkRequestedResponse> {
    await this.links.request(body.email);
    return { accepted: true };
  }

  @Post('session')
  @Public()
  @SkipThrottle({ [PER_ADDRESS]: true })
  @ApiOperation({ summary: 'Exchange the token of a sign-in link for a member session (the link works once).' })
  @ApiBody({ type: OpenMemberSessionDto, description: '`{token}`' })
  @ApiResponse({ status: 201, type: MemberSessionResponse })
  @ApiResponse({ status: 401, description: 'The link is unknown, used already or expired (/problems/invalid-sign-in-link).' })
  @ApiResponse(TOO_MANY)
  async openSession(@Body() body: OpenMemberSessionDto): Promise<MemberSessionResponse> {
    const session = await this.sessions.exchange(body.token);
    if (!session) throw new ProblemException(401, 'invalid-sign-in-link', 'Unauthorized', 'This sign-in link is unknown, used already or expired: ask for a new one.');
    return { sessionToken: session.sessionToken, expiresAt: session.expiresAt };
  }
}
