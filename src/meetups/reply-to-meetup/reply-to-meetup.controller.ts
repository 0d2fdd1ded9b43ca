import { Controller, Get, HttpCode, Inject, Post, Query, Res } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { ApiOperation, ApiProduces, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Response } from 'express';
import { randomUUID } from 'node:crypto';
import { MeetupReplyQueryDto } from '../../../contracts/commands/create-meetup.dto';
import { Clock } from '../../domain/clock';
import { notFound } from '../../domain/domain-error';
import { EVENT_STORE, type EventStore } from '../../event-store/event-store.port';
import { Public } from '../../http/access';
import { confirmationPage, donePage, LINK_PAGE_HEADERS, memberLanguage } from '../../mailings/link-pages';
import { MailLinks } from '../../mailings/mail-links';
import { ReplyToMeetupCommand } from './reply-to-meetup.command';

/**
 * The yes and no links of a meet-up invitation. The GET shows a button and records nothing (a
 * mail scanner opening both links must not answer for the member); the button's POST records the
 * answer, idempotently.
 */
@ApiTags('meet-ups')
@Controller('meetup-reply')
export class ReplyToMeetupController {
  constructor(
    private readonly commands: CommandBus,
    private readonly links: MailLinks,
    private readonly clock: Clock,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {}

  @Get()
  @Public()
  @ApiOperation({ summary: 'A yes/no link of a meet-up invitation: a page with a button to confirm, in the member’s language. Records nothing.' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 404, description: 'Not a valid link.' })
  async confirm(@Query() query: MeetupReplyQueryDto, @Res({ passthrough: true }) response: Response): Promise<string> {
    const { memberId } = this.verify(query.token);
    response.set(LINK_PAGE_HEADERS);
    const action = `meetup-reply?token=${encodeURIComponent(query.token)}&answer=${query.answer}`;
    return confirmationPage(await memberLanguage(this.store, memberId), `meetup-${query.answer}`, action);
  }

  @Post()
  @Public()
  @HttpCode(200)
  @ApiOperation({ summary: 'Records the answer of the link (the page’s button); a later answer replaces it, the same answer again changes nothing.' })
  @ApiProduces('text/html')
  @ApiResponse({ status: 404, description: 'Not a valid link.' })
  @ApiResponse({ status: 409, description: 'The meet-up has begun, or the member has left the network or been erased.' })
  async reply(@Query() query: MeetupReplyQueryDto, @Res({ passthrough: true }) response: Response): Promise<string> {
    const { memberId, meetupId } = this.verify(query.token);
    await this.commands.execute(new ReplyToMeetupCommand(meetupId, memberId, query.answer, { actorRole: 'member', correlationId: randomUUID(), now: this.clock.now() }));
    response.set(LINK_PAGE_HEADERS);
    return donePage(await memberLanguage(this.store, memberId), `meetup-${query.answer}`);
  }

  private verify(token: string) {
    const verified = this.links.verifyMeetupReply(token);
    if (!verified) throw notFound('invalid-link', 'This link is not valid.');
    return verified;
  }
}
