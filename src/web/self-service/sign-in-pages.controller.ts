import { Body, Controller, Get, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import type { Request, Response } from 'express';
import { RequestSignInLinkDto } from '../../../contracts/commands/sign-in.dto';
import { AppConfig } from '../../config/app-config';
import { Public } from '../../http/access';
import { MemberSessions } from '../../member-access/member-sessions';
import { SignInLinks } from '../../member-access/sign-in/sign-in-links';
import { PER_ADDRESS, SignInThrottlerGuard } from '../../member-access/sign-in/sign-in-throttling';
import { CsrfGuard } from '../csrf';
import { NO_ERRORS, type FormErrors, formBody, formErrorsOf, validated } from '../forms';
import { TEXTS, fill } from '../i18n';
import { WebErrorFilter } from '../web-error.filter';
import { webCookies } from '../web-cookies';
import { WebPages, pageLanguage, requestedLanguage } from '../web-pages';

/**
 * Signing in to the member pages: ask for a link by email (the same SignInLinks as POST
 * /me/login-link, the same answer whatever the address), and the link's landing page
 * (PUBLIC_URL/me/sign-in?token=…), whose button exchanges the token once (MemberSessions, as
 * POST /me/session) and keeps the session in an HttpOnly cookie. Opening the link changes nothing.
 * Rate-limited like the API's sign-in routes, with the same counters' settings.
 */
@ApiTags('web pages')
@Controller('me/sign-in')
@UseFilters(WebErrorFilter)
export class SignInPagesController {
  constructor(
    private readonly links: SignInLinks,
    private readonly sessions: MemberSessions,
    private readonly pages: WebPages,
    private readonly config: AppConfig,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'Sign in to the member pages: ask for a link by email; with ?token=, the emailed link’s landing page (HTML).' })
  @ApiProduces('text/html')
  page(@Query('token') token: unknown, @Req() request: Request, @Res() response: Response): void {
    const language = pageLanguage(request);
    const t = TEXTS[language].signIn;
    if (typeof token === 'string' && token !== '') {
      this.pages.send(request, response, 'sign-in-confirm', { language, title: t.confirmTitle }, { token, chosenLanguage: requestedLanguage(request) });
      return;
    }
    this.showForm(request, response, '', NO_ERRORS);
  }

  @Post()
  @Public()
  @UseGuards(SignInThrottlerGuard, CsrfGuard)
  @ApiOperation({ summary: 'Ask for a sign-in link (form-encoded email and CSRF token); the answer is the same whatever the address.' })
  @ApiProduces('text/html')
  async requestLink(@Body() raw: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { email = '' } = formBody(raw);
    const language = pageLanguage(request);
    const t = TEXTS[language];
    try {
      const dto = await validated(RequestSignInLinkDto, { email: email.trim() });
      await this.links.request(dto.email);
    } catch (error) {
      const errors = formErrorsOf(error, t, 'DK');
      if (!errors) throw error;
      return this.showForm(request, response, email, errors, 400);
    }
    const sent = { paragraphs: [fill(t.signIn.sentBody, { minutes: this.config.SIGN_IN_LINK_TTL_MINUTES })] };
    this.pages.send(request, response, 'message', { language, title: t.signIn.sentTitle }, sent);
  }

  @Post('session')
  @Public()
  @UseGuards(SignInThrottlerGuard, CsrfGuard)
  @SkipThrottle({ [PER_ADDRESS]: true })
  @ApiOperation({ summary: 'Use the sign-in link (form-encoded token and CSRF token): sets the session cookie and goes on to the member pages.' })
  @ApiProduces('text/html')
  async openSession(@Body() raw: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { token = '' } = formBody(raw);
    const session = await this.sessions.exchange(token);
    if (!session) return this.showForm(request, response, '', NO_ERRORS, 400, true);
    const { name, options } = webCookies(this.config).session;
    response.cookie(name, session.sessionToken, { ...options, expires: new Date(session.expiresAt) });
    // The member pages speak the member's own language unless the visitor chose one here.
    const chosen = requestedLanguage(request);
    response.redirect(303, chosen ? `/me/overview?lang=${chosen}` : '/me/overview');
  }

  private showForm(request: Request, response: Response, email: string, errors: FormErrors, status = 200, linkFailed = false): void {
    const language = pageLanguage(request);
    const t = TEXTS[language].signIn;
    const title = linkFailed ? t.invalidTitle : t.title;
    this.pages.send(request, response, 'sign-in', { language, title, status, hasErrors: errors.summary.length > 0 }, { email, errors, linkFailed });
  }
}
