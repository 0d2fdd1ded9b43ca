import { Body, Controller, Get, Inject, Post, Query, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { currentConsentText } from '../../../contracts/consent-texts';
import { ConfirmConsentCommand } from '../../consent-hand-over/confirm-consent/confirm-consent.command';
import { Clock } from '../../domain/clock';
import { DomainError } from '../../domain/domain-error';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { Public } from '../../http/access';
import { commandContextOf } from '../../http/command-context';
import { CsrfGuard } from '../csrf';
import { formBody } from '../forms';
import { TEXTS } from '../i18n';
import { memberOfLink } from '../link-holder';
import { WebErrorFilter } from '../web-error.filter';
import { WebPages, pageLanguage } from '../web-pages';

/**
 * The landing page of the consent hand-over link (PUBLIC_URL/consent-hand-over?token=…), sent
 * when a member signed up by a relative reaches the consent age. Opening the link changes nothing:
 * the page shows the current consent text in full, and the young person's click posts the token
 * and that text's version to the same ConfirmConsentCommand as POST /commands/confirm-consent.
 */
@ApiTags('web pages')
@Controller('consent-hand-over')
@UseFilters(WebErrorFilter)
export class ConsentHandOverPagesController {
  constructor(
    private readonly commands: CommandBus,
    private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly pages: WebPages,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The landing page of the consent hand-over link: the consent text and a button that confirms it (HTML).' })
  @ApiProduces('text/html')
  async landing(@Query('token') token: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const language = pageLanguage(request, (await memberOfLink(this.store, token))?.language);
    const consent = currentConsentText();
    this.pages.send(
      request,
      response,
      'consent-hand-over',
      { language, title: TEXTS[language].consentHandOver.title },
      { token: typeof token === 'string' ? token : '', consent: { version: consent.version, text: consent.texts[language] } },
    );
  }

  @Post()
  @Public()
  @UseGuards(CsrfGuard)
  @ApiOperation({ summary: 'Confirm the consent (the landing page’s button; form-encoded token, text version and CSRF token).' })
  @ApiProduces('text/html')
  async confirm(@Body() raw: unknown, @Req() request: Request, @Res() response: Response): Promise<void> {
    const { token = '', textVersion = '' } = formBody(raw);
    const language = pageLanguage(request, (await memberOfLink(this.store, token))?.language);
    const t = TEXTS[language].consentHandOver;
    try {
      await this.commands.execute(new ConfirmConsentCommand({ token }, textVersion, commandContextOf(request, this.clock)));
      this.pages.send(request, response, 'message', { language, title: t.confirmed }, { paragraphs: [t.done] });
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      const problem = (t.problems as Record<string, string>)[error.rule] ?? t.problems.invalid;
      this.pages.send(request, response, 'message', { language, title: t.problemTitle, status: error.kind === 'conflict' ? 409 : 400 }, { paragraphs: [problem] });
    }
  }
}
