import { Module } from '@nestjs/common';
import { AssessDiagnosisController } from './assess-diagnosis/assess-diagnosis.controller';
import { AssessDiagnosisHandler } from './assess-diagnosis/assess-diagnosis.handler';
import { LinkDiagnosesController } from './link-diagnoses/link-diagnoses.controller';
import { LinkDiagnosesHandler } from './link-diagnoses/link-diagnoses.handler';
import { RegisterDiagnosisController } from './register-diagnosis/register-diagnosis.controller';
import { RegisterDiagnosisHandler } from './register-diagnosis/register-diagnosis.handler';
import { UndiagnosedGroup } from './undiagnosed-group';

/**
 * The secretariat's commands about diagnoses and clusters, and the undiagnosed group from the
 * first start. The read side (GET /diagnoses, /groups, /assessments/pending, DiagnosisLookup) is
 * the diagnosis-catalogue projection; moving waiting applicants is the admissions reactor.
 */
@Module({
  controllers: [RegisterDiagnosisController, AssessDiagnosisController, LinkDiagnosesController],
  providers: [RegisterDiagnosisHandler, AssessDiagnosisHandler, LinkDiagnosesHandler, UndiagnosedGroup],
})
export class DiagnosesModule {}
