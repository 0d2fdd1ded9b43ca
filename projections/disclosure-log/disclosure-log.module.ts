import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DisclosuresController } from './disclosure-log.controller';
import { DISCLOSURE_LOG_ENTITIES } from './disclosure-log.entity';
import { DisclosureLogProjector } from './disclosure-log.projector';
import { DisclosureQueries } from './disclosure-log.queries';
import { DisclosureVerification } from './disclosure-verification';

/**
 * The disclosure log: the projection, the DPO's routes (entries, CSV export, verification, breach
 * scope), and the queries a member's "who received my data" will use (DisclosureQueries).
 */
@Module({
  imports: [TypeOrmModule.forFeature(DISCLOSURE_LOG_ENTITIES)],
  controllers: [DisclosuresController],
  providers: [DisclosureLogProjector, DisclosureQueries, DisclosureVerification],
  exports: [DisclosureLogProjector, DisclosureQueries, DisclosureVerification],
})
export class DisclosureLogModule {}
