import { Module } from '@nestjs/common';
import { AccessLogModule } from '../access-log/access-log.module';
import { MarkFacebookInvitedController } from './mark-facebook-invited/mark-facebook-invited.controller';
import { MarkFacebookInvitedHandler } from './mark-facebook-invited/mark-facebook-invited.handler';
import { PendingFacebookInvitationsController } from './pending-facebook-invitations.controller';
import { PendingFacebookInvitations } from './pending-facebook-invitations';

/** Invitations to the network's secret Facebook group: who waits for one (a logged look-up), and who was invited. */
@Module({
  imports: [AccessLogModule],
  controllers: [PendingFacebookInvitationsController, MarkFacebookInvitedController],
  providers: [PendingFacebookInvitations, MarkFacebookInvitedHandler],
})
export class FacebookInvitationsModule {}
