import { Module } from '@nestjs/common';
import { MembershipModule } from '../../src/membership/membership.module';
import { ErasureCompletionReactor } from './erasure-completion.reactor';

/** The reactor that finishes erasures from the log (the completion itself belongs to MembershipModule). */
@Module({
  imports: [MembershipModule],
  providers: [ErasureCompletionReactor],
  exports: [ErasureCompletionReactor],
})
export class ErasureCompletionModule {}
