import { Controller, Get, Inject, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { type MeetupDescriptions, meetupStream } from '../../contracts/events/meetup.events';
import { MeetupIdParamsDto } from '../../contracts/queries/mailing.params';
import { DiagnosisCatalogue } from '../../projections/diagnosis-catalogue/diagnosis-catalogue.queries';
import { notFound } from '../domain/domain-error';
import { loadState } from '../event-store/command-handling';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.port';
import { StaffOnly } from '../http/access';
import { type MailingSendCounts, MailingSends } from '../mailings/mailing-sends';
import { type MeetupState, meetupEvolver } from './meetup';

export interface MeetupView {
  meetupId: string;
  startsAt: string;
  place: string | null;
  onlineLink: string | null;
  descriptions: MeetupDescriptions;
  invitations: MeetupState['invitations'];
  /** The invitations' deliveries by outcome. */
  sends: MailingSendCounts;
  /** Members whose latest answer is yes / no. */
  attending: number;
  declined: number;
  /** Members coming, per group they were invited from, most first; groups nobody comes from are left out. */
  attendeesPerGroup: Array<{ diagnosisId: string; name: string | null; attending: number }>;
}

@ApiTags('meet-ups')
@ApiBearerAuth()
@Controller('meetups')
export class MeetupsController {
  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    private readonly sends: MailingSends,
    private readonly catalogue: DiagnosisCatalogue,
  ) {}

  @Get(':meetupId')
  @StaffOnly('secretariat')
  @ApiOperation({ summary: 'A meet-up (secretariat): its details, invitations and their sends, and how many come, per group. Counts only: nobody is named.' })
  @ApiOkResponse({
    description:
      '`{meetupId, startsAt, place, onlineLink, descriptions, invitations: [{diagnosisIds, requestedAt}], sends: {waiting, pending, sent, rejected, queuedForPost, posted, notPrinted, noEmail, notEligible}, ' +
      'attending, declined, attendeesPerGroup: [{diagnosisId, name, attending}]}`',
  })
  @ApiResponse({ status: 404, description: 'No such meet-up.' })
  async meetup(@Param() params: MeetupIdParamsDto): Promise<MeetupView> {
    const { state } = await loadState(this.store, meetupStream(params.meetupId), meetupEvolver);
    if (!state.exists) throw notFound('unknown-meetup', 'There is no meet-up with this id.');
    const answers = Object.values(state.replies);
    const perGroup = new Map<string, number>();
    for (const reply of answers) if (reply.answer === 'yes') perGroup.set(reply.diagnosisId, (perGroup.get(reply.diagnosisId) ?? 0) + 1);
    const names = await this.catalogue.names([...perGroup.keys()]);
    return {
      meetupId: state.meetupId,
      startsAt: state.startsAt,
      place: state.place ?? null,
      onlineLink: state.onlineLink ?? null,
      descriptions: state.descriptions as MeetupDescriptions,
      invitations: state.invitations,
      sends: await this.sends.counts('meetup-invitation', state.meetupId, state.invitations.length),
      attending: answers.filter((reply) => reply.answer === 'yes').length,
      declined: answers.filter((reply) => reply.answer === 'no').length,
      attendeesPerGroup: [...perGroup].map(([diagnosisId, attending]) => ({ diagnosisId, name: names.get(diagnosisId) ?? null, attending })).sort((a, b) => b.attending - a.attending || (a.name ?? '').localeCompare(b.name ?? '', 'da')),
    };
  }
}
