import { Module } from '@nestjs/common';
import { ConsentHandOversController } from './consent-hand-overs.controller';
import { ConsentHandOversProjector } from './consent-hand-overs.projector';
import { ConsentHandOvers } from './consent-hand-overs.queries';

/** Where each consent a relative gave stands in its hand-over, read by the daily check (src/consent-hand-over). */
@Module({
  controllers: [ConsentHandOversController],
  providers: [ConsentHandOversProjector, ConsentHandOvers],
  exports: [ConsentHandOversProjector, ConsentHandOvers],
})
export class ConsentHandOversModule {}
