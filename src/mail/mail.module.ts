import { Global, Module } from '@nestjs/common';
import { join } from 'node:path';
import { AppConfig } from '../config/app-config';
import { Clock } from '../domain/clock';
import { FileMailTransport } from './file-mail-transport';
import { MailTemplates } from './mail-templates';
import { MailTransport } from './mail-transport';
import { SesMailTransport } from './ses-mail-transport';

/** The mail transport chosen by MAIL_TRANSPORT (file: .eml files under DATA_DIR/mail; ses), and the templates. */
@Global()
@Module({
  providers: [
    {
      provide: MailTransport,
      inject: [AppConfig, Clock],
      useFactory: (config: AppConfig, clock: Clock): MailTransport =>
        config.MAIL_TRANSPORT === 'ses'
          ? new SesMailTransport({ region: config.AWS_REGION, endpoint: config.SES_ENDPOINT, from: config.MAIL_FROM }, clock)
          : new FileMailTransport(join(config.DATA_DIR, 'mail'), config.MAIL_FROM, clock),
    },
    MailTemplates,
  ],
  exports: [MailTransport, MailTemplates],
})
export class MailModule {}
