import { Module } from '@nestjs/common';
import { MailingsModule } from '../mailings/mailings.module';
import { CreateMeetupController } from './create-meetup/create-meetup.controller';
import { CreateMeetupHandler } from './create-meetup/create-meetup.handler';
import { InviteToMeetupController } from './invite-to-meetup/invite-to-meetup.controller';
import { InviteToMeetupHandler } from './invite-to-meetup/invite-to-meetup.handler';
import { MeetupsController } from './meetups.controller';
import { ReplyToMeetupController } from './reply-to-meetup/reply-to-meetup.controller';
import { ReplyToMeetupHandler } from './reply-to-meetup/reply-to-meetup.handler';

/** Meet-ups (Sjældne-træf): planned and their invitations asked for by the secretariat, mailed by src/mailings, answered from the mail's links. */
@Module({
  imports: [MailingsModule],
  controllers: [CreateMeetupController, InviteToMeetupController, ReplyToMeetupController, MeetupsController],
  providers: [CreateMeetupHandler, InviteToMeetupHandler, ReplyToMeetupHandler],
})
export class MeetupsModule {}
