import { Module } from '@nestjs/common';
import { ContactListPlannerProjector } from './contact-list-planner.projector';

/** The contact-list planner: what the contact-list sender (src/contact-lists) reads as of one log position. */
@Module({
  providers: [ContactListPlannerProjector],
  exports: [ContactListPlannerProjector],
})
export class ContactListPlannerModule {}
