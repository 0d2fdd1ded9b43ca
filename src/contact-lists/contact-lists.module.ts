import { Module } from '@nestjs/common';
import { CONTACT_LIST_SENDER_OPTIONS, ContactListSender, DEFAULT_SENDER_OPTIONS } from './contact-list-sender';

/** The contact-list sender (uses the global infrastructure and mail modules; reads the contact-list planner's tables). */
@Module({
  providers: [ContactListSender, { provide: CONTACT_LIST_SENDER_OPTIONS, useValue: DEFAULT_SENDER_OPTIONS }],
  exports: [ContactListSender],
})
export class ContactListsModule {}
