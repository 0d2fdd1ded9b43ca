import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessLogModule } from '../../src/access-log/access-log.module';
import { GroupRosterController } from './group-roster.controller';
import { GroupRosterEntry, GroupRosterMember } from './group-roster.entity';
import { GroupRosterProjector } from './group-roster.projector';
import { GroupRosters } from './group-roster.queries';

/** The group rosters: the projection, the roster look-up (logged) and its route. */
@Module({
  imports: [TypeOrmModule.forFeature([GroupRosterEntry, GroupRosterMember]), AccessLogModule],
  controllers: [GroupRosterController],
  providers: [GroupRosterProjector, GroupRosters],
  exports: [GroupRosterProjector, GroupRosters],
})
export class GroupRosterModule {}
