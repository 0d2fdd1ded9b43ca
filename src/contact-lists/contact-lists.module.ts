import { Module } from '@nestjs/common';
import { AppConfig } from '../config/app-config';
import { CONTACT_LIST_SENDER_OPTIONS, ContactListSender, type ContactListSenderOptions, DEFAULT_SENDER_OPTIONS } from './contact-list-sender';
import { ContactListViewing } from './contact-list-viewing';
import { ContactListViewingController } from './contact-list-viewing.controller';

/**
 * The contact-list sender and the members' self-service view of their list (both use the global
 * infrastructure and mail modules and read the contact-list planner's tables).
 */
@Module({
  controllers: [ContactListViewingController],
  providers: [
    ContactListSender,
    ContactListViewing,
    {
      provide: CONTACT_LIST_SENDER_OPTIONS,
      inject: [AppConfig],
      useFactory: (config: AppConfig): ContactListSenderOptions => ({ ...DEFAULT_SENDER_OPTIONS, concurrency: config.MAIL_SEND_CONCURRENCY }),
    },
  ],
  exports: [ContactListSender, ContactListViewing],
})
export class ContactListsModule {}
