import { Module } from '@nestjs/common';
import { ReadyForAssociationController } from './ready-for-association.controller';
import { RecordAssociationController } from './record-association/record-association.controller';
import { RecordAssociationHandler } from './record-association/record-association.handler';

/** Help to start a patient association: the groups large enough, and the record that one started (its members are told by src/mailings). */
@Module({
  controllers: [ReadyForAssociationController, RecordAssociationController],
  providers: [RecordAssociationHandler],
})
export class AssociationsModule {}
