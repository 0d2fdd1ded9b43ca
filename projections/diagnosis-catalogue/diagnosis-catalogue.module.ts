import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { DiagnosisLookup } from '../../src/diagnoses/diagnosis-lookup';
import { OrphanetModule } from '../../src/orphanet/orphanet.module';
import { DiagnosisCatalogueController } from './diagnosis-catalogue.controller';
import { DiagnosisCatalogueEntry, DiagnosisCatalogueMember } from './diagnosis-catalogue.entity';
import { DiagnosisCatalogueProjector } from './diagnosis-catalogue.projector';
import { DiagnosisCatalogue } from './diagnosis-catalogue.queries';

/** The diagnosis catalogue: its projection, its queries and routes, and the DiagnosisLookup. */
@Module({
  imports: [TypeOrmModule.forFeature([DiagnosisCatalogueEntry, DiagnosisCatalogueMember]), OrphanetModule],
  controllers: [DiagnosisCatalogueController],
  providers: [DiagnosisCatalogueProjector, DiagnosisCatalogue, { provide: DiagnosisLookup, useExisting: DiagnosisCatalogue }],
  exports: [DiagnosisCatalogueProjector, DiagnosisCatalogue, DiagnosisLookup],
})
export class DiagnosisCatalogueModule {}
