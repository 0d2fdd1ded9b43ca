import { Module } from '@nestjs/common';
import { OrphanetCatalogue } from './orphanet-catalogue';
import { OrphanetController } from './orphanet.controller';
import { OrphanetImport } from './orphanet-import';

/**
 * The Orphanet catalogue: reference data imported from Orphadata's product files (`npm run
 * import-orphanet`), looked up by the secretariat (GET /orphanet) and shown next to diagnoses
 * awaiting assessment (GET /assessments/pending).
 */
@Module({
  controllers: [OrphanetController],
  providers: [OrphanetCatalogue, OrphanetImport],
  exports: [OrphanetCatalogue, OrphanetImport],
})
export class OrphanetModule {}
