import { Module } from '@nestjs/common';
import { MailingsModule } from '../mailings/mailings.module';
import { ComposeNewsletterController } from './compose-newsletter/compose-newsletter.controller';
import { ComposeNewsletterHandler } from './compose-newsletter/compose-newsletter.handler';
import { NewslettersController } from './newsletters.controller';
import { SendNewsletterController } from './send-newsletter/send-newsletter.controller';
import { SendNewsletterHandler } from './send-newsletter/send-newsletter.handler';

/** The network's newsletters: composed and sent by the secretariat, mailed by src/mailings. */
@Module({
  imports: [MailingsModule],
  controllers: [ComposeNewsletterController, SendNewsletterController, NewslettersController],
  providers: [ComposeNewsletterHandler, SendNewsletterHandler],
})
export class NewslettersModule {}
