import { Module } from '@nestjs/common';
import { CompleteRightsRequestController } from './complete-rights-request/complete-rights-request.controller';
import { CompleteRightsRequestHandler } from './complete-rights-request/complete-rights-request.handler';
import { ExtendRightsRequestController } from './extend-rights-request/extend-rights-request.controller';
import { ExtendRightsRequestHandler } from './extend-rights-request/extend-rights-request.handler';
import { RecordRightsRequestController } from './record-rights-request/record-rights-request.controller';
import { RecordRightsRequestHandler } from './record-rights-request/record-rights-request.handler';

/**
 * The register of requests under data-protection rights (GDPR Art. 12: answered within a month):
 * the secretariat's commands. The read side (GET /rights-requests) is projections/rights-requests.
 */
@Module({
  controllers: [RecordRightsRequestController, ExtendRightsRequestController, CompleteRightsRequestController],
  providers: [RecordRightsRequestHandler, ExtendRightsRequestHandler, CompleteRightsRequestHandler],
})
export class RightsRequestsModule {}
