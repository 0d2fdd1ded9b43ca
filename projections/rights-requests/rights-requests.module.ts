import { Module } from '@nestjs/common';
import { RightsRequestsController } from './rights-requests.controller';
import { RightsRequestsProjector } from './rights-requests.projector';
import { RightsRequests } from './rights-requests.queries';

/** The register of rights requests: its projection and GET /rights-requests. */
@Module({
  controllers: [RightsRequestsController],
  providers: [RightsRequestsProjector, RightsRequests],
  exports: [RightsRequestsProjector, RightsRequests],
})
export class RightsRequestsProjectionModule {}
