import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import type { Language } from '../../../contracts/events/membership.events';
import { Clock } from '../../domain/clock';
import { DomainError } from '../../domain/domain-error';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { Public } from '../../http/access';
import { commandContextOf } from '../../http/command-context';
import { VerifyEmailCommand } from '../../membership/verify-email/verify-email.command';
import { CsrfGuard } from '../csrf';
import { formBody } from '../forms';
import { TEXTS } from '../i18n';
import { memberOfLink } from '../link-holder';
import { WebErrorFilter } from '../web-error.filter';
import { WebPages, pageLanguage } from '../web-pages';

/** What the page may know before the link is used: the member's language, and whether the link confirms a changed address. */
interface LinkHolder {
  language: Language;
  emailChange: boolean;
}

/**
 * The landing page of the emailed verification link (PUBLIC_URL/verify?token=…). Opening the
 * link changes nothing (mail scanners open links too): the page asks for a click, which posts the
 * token to the same VerifyEmailCommand as POST /commands/verify-email. Both pages speak the
 * member's language when the token names a member.
 */
@ApiTags('web pages')
@Controller('verify')
@UseFilters(WebErrorFilter)
export class VerifyPagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly pages: WebPages,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The landing page of the verification link: a button that confirms the address (HTML).' })
  @ApiProduces('text/html')
  async landing(@Query('token') token: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const holder = await this.holderOf(token);
    const language = pageLanguage(request, holder?.language);
    this.pages.send(request, response, 'verify', { language, title: TEXTS[language].verify.title }, { token: typeof token === 'string' ? token : '' });
  }

  @Post()
  @Public()
  @UseGuards(CsrfGuard)
  @ApiOperation({ summary: 'Confirm the address (the landing page’s button; form-encoded token and CSRF token).' })
  @ApiProduces('text/html')
  async verify(@Body() raw: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { token = '' } = formBody(raw);
    const holder = await this.holderOf(token);
    const language = pageLanguage(request, holder?.language);
    const t = TEXTS[language].verify;
    try {
      const { status } = await this.commands.execute(new VerifyEmailCommand(token, commandContextOf(request, this.clock)));
      const outcome = holder?.emailChange ? t.outcomes.emailChange : (t.outcomes as Record<string, string>)[status];
      const links = [{ href: `/me/sign-in?lang=${language}`, label: t.selfService }];
      this.pages.send(request, response, 'message', { language, title: t.confirmed }, { paragraphs: outcome ? [outcome] : [], links });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const problem = (t.problems as Record<string, string>)[error.rule] ?? t.problems.invalid;
      this.pages.send(request, response, 'message', { language, title: t.problemTitle, status: error.kind === 'conflict' ? 409 : 400 }, { paragraphs: [problem] });
    }
  }

  private async holderOf(token: unknown): Promise<LinkHolder | undefined> {
    const state = await memberOfLink(this.store, token);
    return state ? { language: state.language, emailChange: state.pendingVerification?.purpose === 'email-change' } : undefined;
  }
}
