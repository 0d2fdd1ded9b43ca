import { Module } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { ContactListsModule } from '../contact-lists/contact-lists.module';
import { HealthController } from './health.controller';

@Module({ imports: [TerminusModule, ContactListsModule], controllers: [HealthController] })
export class HealthModule {}
