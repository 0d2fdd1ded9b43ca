import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AdmissionsDecision, AdmissionsWaitingMember } from './admissions.entity';
import { AdmissionsReactor } from './admissions.reactor';

/** The admissions reactor: moves waiting applicants once their diagnosis is assessed. */
@Module({
  imports: [TypeOrmModule.forFeature([AdmissionsWaitingMember, AdmissionsDecision])],
  providers: [AdmissionsReactor],
  exports: [AdmissionsReactor],
})
export class AdmissionsModule {}
