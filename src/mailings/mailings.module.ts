import { Module } from '@nestjs/common';
import { MailLinks } from './mail-links';
import { MailingLetters } from './mailing-letters';
import { MailingSends } from './mailing-sends';
import { DEFAULT_MAILING_SENDER_OPTIONS, MAILING_SENDER_OPTIONS, MailingSender } from './mailing-sender';
import { UnsubscribeController } from './unsubscribe.controller';

/**
 * Mailings to many members (newsletters, meet-up invitations, association notices): the sender,
 * the links in the mails and the one-click unsubscribe route. Uses the global infrastructure and
 * mail modules; the jobs come from the mailing-jobs projection. The letters by post to members
 * without email are printed through the print module (MailingLetterSource, made there).
 */
@Module({
  controllers: [UnsubscribeController],
  providers: [MailLinks, MailingLetters, MailingSends, MailingSender, { provide: MAILING_SENDER_OPTIONS, useValue: DEFAULT_MAILING_SENDER_OPTIONS }],
  exports: [MailLinks, MailingSends, MailingLetters],
})
export class MailingsModule {}
