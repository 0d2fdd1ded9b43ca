import { Module } from '@nestjs/common';
import { RetentionCandidatesProjector } from './retention-candidates.projector';
import { RetentionCandidates } from './retention-candidates.queries';

/** Each member's retention stage, read by the retention engine (src/retention). */
@Module({
  providers: [RetentionCandidatesProjector, RetentionCandidates],
  exports: [RetentionCandidatesProjector, RetentionCandidates],
})
export class RetentionCandidatesModule {}
