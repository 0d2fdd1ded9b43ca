import { Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { MailLinkQueryDto } from '../../contracts/commands/create-meetup.dto';
import { Clock } from '../domain/clock';
import { DomainError, notFound } from '../domain/domain-error';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { Public } from '../http/access';
import { WithdrawOptInCommand } from '../membership/withdraw-opt-in/withdraw-opt-in.command';
import { confirmationPage, donePage, LINK_PAGE_HEADERS, memberLanguage } from './link-pages';
import { MailLinks } from './mail-links';

/**
 * The one-click unsubscribe link of newsletters and meet-up invitations (RFC 8058): the mail's
 * List-Unsubscribe header names this URL and List-Unsubscribe-Post says a POST to it is enough.
 * The token proves the member, so the withdrawal is theirs (withdrawnBy member).
 */
@ApiTags('newsletters')
@Controller('unsubscribe')
export class UnsubscribeController {
  constructor(
    private readonly commands: CommandBus,
    private readonly links: MailLinks,
    private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'The unsubscribe link of a newsletter or invitation: a page with a button, in the member’s language. Changes nothing.' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 404, description: 'Not a valid link.' })
  async confirm(@Query() query: MailLinkQueryDto, @Res({ passthrough: true }) response: Response): Promise<string> {
    const { memberId, optIn } = this.verify(query.token);
    response.set(LINK_PAGE_HEADERS);
    return confirmationPage(await memberLanguage(this.store, memberId), `unsubscribe-${optIn}`, `unsubscribe?token=${encodeURIComponent(query.token)}`);
  }

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({
    summary: 'One-click unsubscribe (RFC 8058, also the page’s button): withdraws the opt-in the link is for. The body (List-Unsubscribe=One-Click) is not needed.',
    description: 'Answers 200 with a page; again after the opt-in is off (or the member was erased), the same page: there is nothing left to stop.',
  })
  @ApiProduces('text/html')
  @ApiResponse({ status: 404, description: 'Not a valid link.' })
  async unsubscribe(@Query() query: MailLinkQueryDto, @Res({ passthrough: true }) response: Response): Promise<string> {
    const { memberId, optIn } = this.verify(query.token);
    try {
      await this.commands.execute(new WithdrawOptInCommand(memberId, optIn, 'member', { actorRole: 'member', correlationId: randomUUID(), now: this.clock.now() }));
    } catch (error) {
      // Withdrawn already, or the member was erased: either way nothing more will be sent.
      if (!(error instanceof DomainError && error.kind === 'conflict')) throw error;
    }
    response.set(LINK_PAGE_HEADERS);
    return donePage(await memberLanguage(this.store, memberId), `unsubscribe-${optIn}`);
  }

  private verify(token: string) {
    const verified = this.links.verifyUnsubscribe(token);
    if (!verified) throw notFound('invalid-link', 'This link is not valid.');
    return verified;
  }
}
