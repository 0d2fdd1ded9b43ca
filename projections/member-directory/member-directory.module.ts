import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AccessLogModule } from '../../src/access-log/access-log.module';
import { MemberDirectoryController } from './member-directory.controller';
import { MemberDirectoryEntry, MemberDirectoryMembership } from './member-directory.entity';
import { MemberDirectoryProjector } from './member-directory.projector';
import { MemberDirectory } from './member-directory.queries';

/** The member directory: the projection, the member look-up (logged) and its route. */
@Module({
  imports: [TypeOrmModule.forFeature([MemberDirectoryEntry, MemberDirectoryMembership]), AccessLogModule],
  controllers: [MemberDirectoryController],
  providers: [MemberDirectoryProjector, MemberDirectory],
  exports: [MemberDirectoryProjector, MemberDirectory],
})
export class MemberDirectoryModule {}
