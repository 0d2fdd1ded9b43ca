import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { newsletterStream, type NewsletterEditions } from '../../contracts/events/newsletter.events';
import { NewsletterIdParamsDto } from '../../contracts/queries/mailing.params';
import { loadState } from '../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { StaffOnly } from '../http/access';
import { type MailingSendCounts, MailingSends } from '../mailings/mailing-sends';
import { newsletterEvolver, requireNewsletter } from './newsletter';

export interface NewsletterView {
  newsletterId: string;
  editions: NewsletterEditions;
  composedAt: string;
  sendRequestedAt: string | null;
  /** Its deliveries by outcome: the record of its sends. */
  sends: MailingSendCounts;
}

@ApiTags('newsletters')
@ApiBearerAuth()
@Controller('newsletters')
export class NewslettersController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly sends: MailingSends,
  ) {}

  @Get(':newsletterId')
  @StaffOnly('secretariat', 'dpo')
  @ApiOperation({ summary: 'A newsletter (secretariat, dpo): its editions, when it was sent, and its sends counted by outcome (sent, rejected, queued-for-post, posted, not-printed, no-email, not-eligible, pending).' })
  @ApiOkResponse({ description: '`{newsletterId, editions: {da: {subject, markdown}, sv?, nb?, en?}, composedAt, sendRequestedAt, sends: {waiting, pending, sent, rejected, queuedForPost, posted, notPrinted, noEmail, notEligible}}`' })
  @ApiResponse({ status: 404, description: 'No such newsletter.' })
  async newsletter(@Param() params: NewsletterIdParamsDto): Promise<NewsletterView> {
    const { state } = await loadState(this.store, newsletterStream(params.newsletterId), newsletterEvolver);
    requireNewsletter(state);
    return {
      newsletterId: state.newsletterId,
      editions: state.editions as NewsletterEditions,
      composedAt: state.composedAt as string,
      sendRequestedAt: state.sendRequestedAt ?? null,
      sends: await this.sends.counts('newsletter', state.newsletterId, state.sendRequestedAt ? 1 : 0),
    };
  }
}
